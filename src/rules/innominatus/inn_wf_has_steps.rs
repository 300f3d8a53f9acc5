use crate::model::{innominatus, Workspace};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an innominatus workflow (`Workflow` of `innominatus.io` or `workflow.dev`,
    /// `ProductWorkflow`) has a non-empty list of steps (`steps`, or `spec.steps`).
    ///
    /// ## Why is this bad?
    /// innominatus's validator rejects the file when the provider loads ("workflow must have at
    /// least one step"), and every resource the provider serves fails with it.
    ///
    /// ## Example
    /// ```yaml fixture=fail/empty.yaml
    /// apiVersion: innominatus.io/v1alpha1
    /// kind: Workflow
    /// metadata:
    ///   name: provision-bucket
    /// steps: []
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/provision.yaml
    /// apiVersion: innominatus.io/v1alpha1
    /// kind: Workflow
    /// metadata:
    ///   name: provision-bucket
    /// steps:
    ///   - name: create-bucket
    ///     type: terraform
    ///     config:
    ///       working_dir: ./terraform/s3
    ///       operation: apply
    /// ```
    pub InnWfHasSteps {
        id: "inn-wf-has-steps",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfHasSteps {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            match innominatus::steps(doc) {
                Some(s) if s.as_seq().is_some_and(|v| !v.is_empty()) => {}
                Some(s) if s.as_seq().is_none() => {
                    out.report(doc.span(s), "`steps` must be a list of steps");
                }
                Some(s) => {
                    out.report(doc.span(s), "the workflow has no steps").help("innominatus rejects a workflow without steps");
                }
                None => {
                    let at = if doc.root.get("spec").is_some() { doc.span_of_key(&doc.root, "spec") } else { doc.kind_span() };
                    out.report(at, "the workflow has no `steps`").help("innominatus rejects a workflow without steps");
                }
            }
        }
    }
}
