use crate::model::Workspace;
use crate::rules::{Rule, Sink};
use crate::model::innominatus;

crate::declare_rule! {
    /// ## What it does
    /// Checks that a workflow has at most `workflowPolicies.maxStepsPerWorkflow` steps (from
    /// `admin-config.yaml`).
    ///
    /// ## Why is this bad?
    /// The platform's policy rejects longer workflows when they are submitted.
    ///
    /// ## Example
    /// `admin-config.yaml` has `maxStepsPerWorkflow: 3`, and the workflow has four steps, `s0` to
    /// `s3`:
    /// ```yaml fixture=fail/platform file=providers/db-team/workflows/delete-postgres.yaml
    /// apiVersion: innominatus.io/v1alpha1
    /// kind: Workflow
    /// metadata:
    ///   name: delete-postgres
    /// steps:
    ///   - name: s0
    ///     type: terraform
    ///     config:
    ///       working_dir: ./tf
    ///       operation: apply
    /// ```
    ///
    /// Use instead: split it into workflows chained by golden paths.
    pub InnWfMaxSteps {
        id: "inn-wf-max-steps",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfMaxSteps {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(admin) = ws.admin_config() else { return };
        let Some(limit_node) = admin.root.path(&["workflowPolicies", "maxStepsPerWorkflow"]) else { return };
        let Some(limit) = limit_node.as_i64().filter(|l| *l > 0) else { return };
        for doc in ws.inn_workflows() {
            let Some(steps) = innominatus::steps(doc) else { continue };
            let n = steps.as_seq().map_or(0, |s| s.len());
            if n as i64 > limit {
                out.report(doc.span_of_key(doc.root.get("spec").filter(|s| s.get("steps").is_some()).unwrap_or(&doc.root), "steps"), format!("the workflow has {n} steps; the policy allows {limit}"))
                    .label(admin.span(limit_node), "the limit")
                    .help("split the workflow");
            }
        }
    }
}
