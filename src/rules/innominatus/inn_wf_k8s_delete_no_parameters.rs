use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `{{ .parameters.… }}` in the manifest of a kubernetes step with `operation: delete`.
    ///
    /// ## Why is this bad?
    /// The executor renders a delete manifest with the step's `config` as template data, not with
    /// `{parameters: …}`: every `.parameters.x` renders `<no value>` and the wrong object (or none)
    /// is deleted.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/workflows/delete-postgres.yaml
    /// steps:
    ///   - name: delete-db
    ///     type: kubernetes
    ///     config:
    ///       operation: delete
    ///       manifest: |
    ///         apiVersion: v1
    ///         kind: Secret
    ///         metadata:
    ///           name: {{ .parameters.app_name }}-db
    /// ```
    ///
    /// Use instead: refer to config keys (`{{ .namespace }}`), or use `operation: apply` semantics
    /// with a separate cleanup script.
    pub InnWfK8sDeleteNoParameters {
        id: "inn-wf-k8s-delete-no-parameters",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfK8sDeleteNoParameters {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            for (step, config) in innominatus::steps_of_type(doc, "kubernetes") {
                if config.str_at(&["operation"]) != Some("delete") {
                    continue;
                }
                let Some(manifest) = config.get("manifest") else {
                    continue;
                };
                if manifest.as_str().is_some_and(|m| m.contains(".parameters.")) {
                    out.report(doc.span(manifest), format!("step {code0} deletes with a manifest that reads `.parameters`, which is not available to delete", code0 = code(&innominatus::step_name(step))))
                        .help("a delete manifest is rendered with the step's config as data; `.parameters.x` renders `<no value>`");
                }
            }
        }
    }
}
