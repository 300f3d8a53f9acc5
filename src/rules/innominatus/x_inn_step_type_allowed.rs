use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Extends `inn-wf-step-type-allowed` to the workflows embedded in Score specs
    /// (`workflows.<name>.steps[]`, innominatus's flavour): every step type must be in the admin
    /// config's `workflowPolicies.allowedStepTypes`. Workflow files are `inn-wf-step-type-allowed`'s.
    ///
    /// ## Why is this bad?
    /// The platform's policy applies to every workflow a deployment runs, including those a
    /// developer writes into the Score spec: an unlisted type fails policy validation.
    ///
    /// ## Example
    /// `admin-config.yaml` allows `terraform`, `kubernetes` and `policy`:
    /// ```yaml fixture=fail/platform file=score.yaml
    /// workflows:
    ///   deploy:
    ///     steps:
    ///       - name: repo
    ///         type: gitea-repo
    /// ```
    ///
    /// Use instead: an allowed type, or ask the platform team to allow it:
    /// ```yaml fixture=pass/platform file=score.yaml
    /// workflows:
    ///   deploy:
    ///     steps:
    ///       - name: migrate
    ///         type: kubernetes
    /// ```
    pub XInnStepTypeAllowed {
        id: "x-inn-step-type-allowed",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for XInnStepTypeAllowed {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some((list, allowed)) = ws.allowed_step_types() else {
            return;
        };
        for doc in ws.score_specs() {
            for wf in doc.root.get("workflows").and_then(Node::as_map).unwrap_or(&[]) {
                for step in wf.value.get("steps").and_then(Node::as_seq).unwrap_or(&[]) {
                    let Some(t) = step.get("type") else { continue };
                    let Some(name) = t.as_str().filter(|n| !n.is_empty()) else {
                        continue;
                    };
                    if !allowed.contains(&name) {
                        out.report(
                            doc.span(t),
                            format!(
                                "workflow {code0}: step type {code1} is not in the platform's `allowedStepTypes`",
                                code0 = code(&wf.key),
                                code1 = code(&name)
                            ),
                        )
                        .label(list, "allowed step types")
                        .help(
                            "use an allowed type, or add it to workflowPolicies.allowedStepTypes in admin-config.yaml",
                        );
                    }
                }
            }
        }
    }
}
