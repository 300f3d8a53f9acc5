use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each step's `type` has an executor. Provider workflows
    /// (`providers/<team>/workflows/`) are held to the load-time validator's set: `terraform`,
    /// `kubernetes`, `ansible`, `policy`, `gitea-repo`, `argocd-app`. Other workflows may also
    /// use the runtime-only executors (`resource-provisioning`, `security`, `cost-analysis`,
    /// `tagging`, `database-migration`, `vault-setup`, `monitoring`, `validation`,
    /// `terraform-generate`).
    ///
    /// ## Why is this bad?
    /// A step of an unknown type fails the provider's load or the workflow's run; the product
    /// team guide's `type: shell` has never had an executor.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/workflows/migrate.yaml
    /// steps:
    ///   - name: run-migrations
    ///     type: shell
    ///     config:
    ///       command: ./migrate.sh
    ///   - name: scan
    ///     type: security
    ///     config:
    ///       target: all
    /// ```
    ///
    /// Use instead: a type innominatus runs:
    /// ```yaml fixture=pass/platform file=providers/db-team/workflows/provision-postgres.yaml
    /// steps:
    ///   - name: create-db
    ///     type: terraform
    ///     config:
    ///       working_dir: ./terraform/postgres
    ///       operation: apply
    /// ```
    pub InnWfStepTypeKnown {
        id: "inn-wf-step-type-known",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfStepTypeKnown {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            let provider = innominatus::is_provider_workflow(ws.local_rel(doc));
            let executors = innominatus::executor_step_types();
            let known = if provider {
                innominatus::VALIDATOR_STEP_TYPES
            } else {
                &executors[..]
            };
            for step in innominatus::steps(doc).and_then(Node::as_seq).unwrap_or(&[]) {
                let Some(t) = step.get("type") else {
                    out.report(doc.span(step), "the step has no `type`");
                    continue;
                };
                let Some(name) = t.as_str() else { continue };
                if known.contains(&name) {
                    continue;
                }
                let what = if provider && innominatus::RUNTIME_ONLY_STEP_TYPES.contains(&name) {
                    format!(
                        "step type {code0} runs, but the validator rejects it in a provider workflow",
                        code0 = code(&name)
                    )
                } else {
                    format!("no executor handles step type {code0}", code0 = code(&name))
                };
                let d = out.report(doc.span(t), what);
                match crate::parse::text::suggest(name, known.iter().copied()) {
                    Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                    None => d.help(format!(
                        "known types: {}",
                        crate::parse::text::nearest(name, known, crate::parse::text::NEAREST)
                    )),
                };
            }
        }
    }
}
