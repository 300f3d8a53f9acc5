use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks each `workflows[]` entry of a provider manifest: `name` and `file` are present,
    /// `category` is empty, `provisioner` or `goldenpath`, and `operation` is empty or one of
    /// `create`, `read`, `update`, `delete`.
    ///
    /// ## Why is this bad?
    /// `Provider.Validate` rejects a wrong entry, and the loader drops the whole provider.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    ///     category: golden-path
    ///     operation: provision
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    ///   - file: ./workflows/provision-postgres.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=providers/db-team/provider.yaml
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    ///     category: provisioner
    ///     operation: create
    /// ```
    pub InnProvWorkflowEntry {
        id: "inn-prov-workflow-entry",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnProvWorkflowEntry {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            for (i, w) in innominatus::provider_workflows(doc).iter().enumerate() {
                for key in ["name", "file"] {
                    if w.get(key).and_then(Node::as_str).is_none_or(str::is_empty) {
                        out.report(
                            doc.span(w),
                            format!("workflow entry {} has no {code0}", i + 1, code0 = code(&key)),
                        );
                    }
                }
                for (key, allowed) in [
                    ("category", &["", "provisioner", "goldenpath"][..]),
                    ("operation", &["", "create", "read", "update", "delete"][..]),
                ] {
                    if let Some(v) = w.get(key) {
                        let s = v.as_str().unwrap_or("?");
                        if !allowed.contains(&s) {
                            let shown: Vec<String> =
                                allowed.iter().filter(|a| !a.is_empty()).map(|a| code(&a)).collect();
                            out.report(
                                doc.span(v),
                                format!(
                                    "{code0} is not allowed: use {} or leave it out",
                                    shown.join(", "),
                                    code0 = code(&format!("{key}: {s}"))
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}
