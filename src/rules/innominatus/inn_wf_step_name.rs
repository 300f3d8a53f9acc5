use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every step of an innominatus workflow has a `name`, and that the names are
    /// unique within the workflow.
    ///
    /// ## Why is this bad?
    /// Step outputs, `dependsOn` and status conditions are keyed by step name: a nameless step
    /// is rejected by the validator, and a second step of the same name shadows the first's
    /// outputs.
    ///
    /// ## Example
    /// ```yaml fixture=fail/duplicates.yaml
    /// steps:
    ///   - name: deploy
    ///     type: kubernetes
    ///     config:
    ///       operation: apply
    ///       manifest: "kind: Namespace"
    ///   - name: deploy
    ///     type: policy
    ///     config:
    ///       script: echo verify
    ///   - type: policy
    ///     config:
    ///       script: echo anonymous
    /// ```
    ///
    /// Use instead: a unique name for every step:
    /// ```yaml fixture=pass/provision.yaml
    /// steps:
    ///   - name: create-bucket
    ///     type: terraform
    ///     config:
    ///       working_dir: ./terraform/s3
    ///       operation: apply
    /// ```
    pub InnWfStepName {
        id: "inn-wf-step-name",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfStepName {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            let steps = innominatus::steps(doc).and_then(Node::as_seq).unwrap_or(&[]);
            let mut seen: Vec<(&str, crate::parse::source::Span)> = Vec::new();
            for (i, step) in steps.iter().enumerate() {
                match step.get("name") {
                    Some(n) if n.as_str().is_some_and(|s| !s.is_empty()) => {
                        let name = n.as_str().unwrap_or("");
                        let at = doc.span(n);
                        match seen.iter().find(|(s, _)| *s == name) {
                            Some((_, first)) => {
                                out.report(
                                    at,
                                    format!(
                                        "a step named {code0} already exists in this workflow",
                                        code0 = code(&name)
                                    ),
                                )
                                .label(*first, "first step of that name");
                            }
                            None => seen.push((name, at)),
                        }
                    }
                    _ => {
                        out.report(doc.span(step), format!("step {} has no `name`", i + 1))
                            .help("outputs, `dependsOn` and conditions refer to steps by name");
                    }
                }
            }
        }
    }
}
