use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `type: terraform` step has `config.working_dir` (or the step-level
    /// `workingDir`) and `config.operation` ∈ {`init`, `plan`, `apply`, `destroy`}.
    ///
    /// ## Why is this bad?
    /// innominatus's validator rejects the step; the executor's `output` operation is refused
    /// by the validator as well.
    ///
    /// ## Example
    /// ```yaml fixture=fail/bad.yaml
    /// steps:
    ///   - name: refresh-state
    ///     type: terraform
    ///     config:
    ///       working_dir: ./terraform/s3
    ///       operation: refresh
    ///   - name: no-dir
    ///     type: terraform
    ///     config:
    ///       operation: apply
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/apply.yaml
    /// steps:
    ///   - name: create-bucket
    ///     type: terraform
    ///     config:
    ///       working_dir: ./terraform/s3
    ///       operation: apply
    ///   - name: plan-legacy
    ///     type: terraform
    ///     workingDir: ./terraform/s3
    ///     config:
    ///       operation: plan
    /// ```
    pub InnWfTerraformStep {
        id: "inn-wf-terraform-step",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

const OPERATIONS: &[&str] = &["init", "plan", "apply", "destroy"];

impl Rule for InnWfTerraformStep {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            for (step, config) in innominatus::steps_of_type(doc, "terraform") {
                let name = innominatus::step_name(step);
                if config.get("working_dir").is_none() && step.get("workingDir").is_none() {
                    out.report(
                        doc.span_of_key(step, "config"),
                        format!(
                            "terraform step {code0} has no `config.working_dir`",
                            code0 = code(&name)
                        ),
                    );
                }
                crate::rules::util::step_operation(out, doc, step, config, "terraform", OPERATIONS);
            }
        }
    }
}
