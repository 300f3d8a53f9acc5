use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks a `type: kubernetes` step's config: `operation` is required and is one of
    /// `apply`, `delete`, `get`, `create-namespace`; the config has `manifest` or `namespace`;
    /// `apply` and `delete` need `manifest`; `get` needs `resource_type`.
    ///
    /// ## Why is this bad?
    /// The validator rejects a step without operation or target, and the executor fails at run
    /// time on any other operation ("unsupported kubernetes operation").
    ///
    /// ## Example
    /// ```yaml fixture=fail/ops.yaml
    /// steps:
    ///   - name: deploy
    ///     type: kubernetes
    ///     config:
    ///       manifest: "kind: ConfigMap"
    ///   - name: scale
    ///     type: kubernetes
    ///     config:
    ///       operation: scale
    ///       namespace: demo
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/ops.yaml
    /// - name: deploy
    ///   type: kubernetes
    ///   config:
    ///     operation: apply
    ///     manifest: |
    ///       apiVersion: v1
    ///       kind: ConfigMap
    /// ```
    pub InnWfKubernetesStep {
        id: "inn-wf-kubernetes-step",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

const OPERATIONS: &[&str] = &["apply", "delete", "get", "create-namespace"];

impl Rule for InnWfKubernetesStep {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            for (step, config) in innominatus::steps_of_type(doc, "kubernetes") {
                let name = innominatus::step_name(step);
                let at_config = doc.span_of_key(step, "config");
                if config.get("manifest").is_none() && config.get("namespace").is_none() {
                    out.report(
                        at_config,
                        format!(
                            "kubernetes step {code0} has neither `manifest` nor `namespace`",
                            code0 = code(&name)
                        ),
                    );
                }
                let Some(op_name) =
                    crate::rules::util::step_operation(out, doc, step, config, "kubernetes", OPERATIONS)
                else {
                    continue;
                };
                let op = config.get("operation").expect("checked");
                if matches!(op_name, "apply" | "delete") && config.get("manifest").is_none() {
                    out.report(
                        doc.span(op),
                        format!(
                            "kubernetes step {code0}: {code1} needs `config.manifest`",
                            code0 = code(&name),
                            code1 = code(&op_name)
                        ),
                    );
                } else if op_name == "get" && config.get("resource_type").is_none() {
                    out.report(
                        doc.span(op),
                        format!(
                            "kubernetes step {code0}: `get` needs `config.resource_type`",
                            code0 = code(&name)
                        ),
                    );
                }
            }
        }
    }
}
