use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each `workflowPolicies.allowedStepTypes[]` entry of `admin-config.yaml` is a step
    /// type some executor handles (the set of `inn-wf-step-type-known`).
    ///
    /// ## Why is this bad?
    /// Allowing a type no executor runs allows nothing; it is usually a typo of the type that was
    /// meant.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// allowedStepTypes:
    ///   - terraform
    ///   - kubernetes
    ///   - policy
    ///   - shel
    /// ```
    ///
    /// Use instead: the type's executor name.
    pub InnAdmStepTypesKnown {
        id: "inn-adm-step-types-known",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnAdmStepTypesKnown {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        let known = crate::model::innominatus::executor_step_types();
        let items = doc
            .root
            .path(&["workflowPolicies", "allowedStepTypes"])
            .and_then(|a| a.as_seq())
            .unwrap_or(&[]);
        for item in items {
            let t = item.scalar_text().unwrap_or_default();
            if known.contains(&t.as_str()) {
                continue;
            }
            let d = out.report(
                doc.span(item),
                format!("no executor handles step type {code0}", code0 = code(&t)),
            );
            match crate::parse::text::suggest(&t, known.iter().copied()) {
                Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                None => d.help(format!(
                    "known types: {}",
                    crate::parse::text::nearest(&t, &known, crate::parse::text::NEAREST)
                )),
            };
        }
    }
}
