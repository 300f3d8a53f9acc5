use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `spec.lifecycle` of the entities of a BU repository is one of the configured
    /// values (`onboarding.lifecycles`, default `experimental`, `production`, `deprecated`: the
    /// examples of Backstage's kind schemas).
    ///
    /// ## Why is this bad?
    /// Lifecycle filters and scorecards group by exact value: `prod` and `production` become two
    /// lifecycles.
    ///
    /// ## Example
    /// ```yaml fixture=fail/bu-finance-infrastructure file=catalog-info.yaml
    /// spec:
    ///   type: service
    ///   lifecycle: prod
    /// ```
    ///
    /// Use instead: `lifecycle: production`.
    pub BuLifecycleValues {
        id: "bu-lifecycle-values",
        category: Style,
        severity: Warning,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuLifecycleValues {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let allowed = &ws.options.onboarding_options.lifecycles;
        for (_, doc) in ws.tenant_entities() {
            let Some(node) = doc.spec().and_then(|s| s.get("lifecycle")) else {
                continue;
            };
            let Some(value) = node.as_str().filter(|v| !crate::rules::util::is_templated(v)) else {
                continue;
            };
            if allowed.iter().any(|a| a == value) {
                continue;
            }
            let d = out.report(
                doc.span(node),
                format!(
                    "lifecycle {code0} is not one of {}",
                    allowed.join(", "),
                    code0 = code(&value)
                ),
            );
            let near = allowed
                .iter()
                .find(|a| a.starts_with(value) || value.starts_with(a.as_str()))
                .map(String::as_str);
            match near.or_else(|| crate::parse::text::suggest(value, allowed.iter().map(String::as_str))) {
                Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                None => d.help("configure the allowed values under `onboarding.lifecycles`"),
            };
        }
    }
}
