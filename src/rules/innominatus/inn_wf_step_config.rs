use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every step of an innominatus workflow has a `config` map.
    ///
    /// ## Why is this bad?
    /// innominatus's validator rejects the step ("step must have a config"), so the whole
    /// workflow file fails to load.
    ///
    /// ## Example
    /// ```yaml fixture=fail/missing.yaml
    /// steps:
    ///   - name: create-namespace
    ///     type: kubernetes
    ///   - name: verify
    ///     type: policy
    ///     config: echo done
    /// ```
    ///
    /// Use instead: a `config` map with the keys of the step's type:
    /// ```yaml fixture=pass/provision.yaml
    /// steps:
    ///   - name: create-bucket
    ///     type: terraform
    ///     config:
    ///       working_dir: ./terraform/s3
    ///       operation: apply
    /// ```
    pub InnWfStepConfig {
        id: "inn-wf-step-config",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfStepConfig {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            for step in innominatus::steps(doc).and_then(Node::as_seq).unwrap_or(&[]) {
                let name = step.get("name").and_then(Node::as_str).unwrap_or("?");
                match step.get("config") {
                    Some(c) if c.as_map().is_some() => {}
                    Some(c) => {
                        out.report(
                            doc.span(c),
                            format!("step {code0}: `config` must be a map", code0 = code(&name)),
                        );
                    }
                    None => {
                        let at = step.get("name").map_or_else(|| doc.span(step), |n| doc.span(n));
                        out.report(at, format!("step {code0} has no `config`", code0 = code(&name)))
                            .help("every step needs a `config` map, even an empty one");
                    }
                }
            }
        }
    }
}
