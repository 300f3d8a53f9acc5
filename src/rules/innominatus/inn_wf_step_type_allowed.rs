use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each workflow step's `type` is listed in the root's `admin-config.yaml`
    /// under `workflowPolicies.allowedStepTypes`.
    ///
    /// ## Why is this bad?
    /// The product team guide says an unlisted step type fails policy validation, but
    /// innominatus only prints the list: the linter is where the platform's policy is
    /// enforced. A provider whose workflows use an unlisted type ships past the policy.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// workflowPolicies:
    ///   allowedStepTypes:
    ///     - terraform
    ///     - kubernetes
    ///     - policy
    /// ```
    ///
    /// ```yaml fixture=fail/platform file=providers/db-team/workflows/provision-app.yaml
    /// steps:
    ///   - name: create-db
    ///     type: terraform
    ///     config:
    ///       working_dir: ./terraform/postgres
    ///       operation: apply
    ///   - name: create-app
    ///     type: argocd-app
    ///     config:
    ///       appName: "{{ .parameters.app_name }}"
    /// ```
    ///
    /// Use instead: add `argocd-app` to `allowedStepTypes`, or use an allowed type:
    /// ```yaml fixture=pass/platform file=providers/db-team/workflows/provision-postgres.yaml
    /// steps:
    ///   - name: create-db
    ///     type: terraform
    ///     config:
    ///       working_dir: ./terraform/postgres
    ///       operation: apply
    /// ```
    pub InnWfStepTypeAllowed {
        id: "inn-wf-step-type-allowed",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfStepTypeAllowed {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some((list, allowed)) = ws.allowed_step_types() else {
            return;
        };
        for doc in ws.inn_workflows() {
            for step in innominatus::steps(doc).and_then(Node::as_seq).unwrap_or(&[]) {
                let Some(t) = step.get("type") else { continue };
                let Some(name) = t.as_str() else { continue };
                if !allowed.contains(&name) {
                    out.report(
                        doc.span(t),
                        format!(
                            "step type {code0} is not in the platform's `allowedStepTypes`",
                            code0 = code(&name)
                        ),
                    )
                    .label(list, "allowed step types")
                    .help("add it to workflowPolicies.allowedStepTypes in admin-config.yaml, or use an allowed type");
                }
            }
        }
    }
}
