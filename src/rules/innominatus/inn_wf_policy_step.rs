use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `type: policy` step has `config.script`, a non-empty string (`command`
    /// is not read).
    ///
    /// ## Why is this bad?
    /// innominatus's validator rejects the step, and the script is what the step runs.
    ///
    /// ## Example
    /// ```yaml fixture=fail/command.yaml
    /// steps:
    ///   - name: list-namespaces
    ///     type: policy
    ///     config:
    ///       command: kubectl get ns
    ///   - name: empty
    ///     type: policy
    ///     config:
    ///       script: ""
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/script.yaml
    /// steps:
    ///   - name: list-namespaces
    ///     type: policy
    ///     config:
    ///       script: |
    ///         kubectl get ns
    /// ```
    pub InnWfPolicyStep {
        id: "inn-wf-policy-step",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfPolicyStep {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            for (step, config) in innominatus::steps_of_type(doc, "policy") {
                if config
                    .get("script")
                    .and_then(Node::as_str)
                    .is_some_and(|s| !s.trim().is_empty())
                {
                    continue;
                }
                let name = innominatus::step_name(step);
                let d = match config.entry("script") {
                    Some(e) => out.report(
                        doc.span(&e.value),
                        format!("policy step {code0}: `script` is empty", code0 = code(&name)),
                    ),
                    None => out.report(
                        doc.span_of_key(step, "config"),
                        format!("policy step {code0} has no `config.script`", code0 = code(&name)),
                    ),
                };
                if config.get("command").is_some() {
                    d.help("the policy executor runs `script`; rename `command` to `script`");
                }
            }
        }
    }
}
