use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each `workflows[].file` of a provider manifest exists, resolved from the
    /// folder that holds `provider.yaml`.
    ///
    /// ## Why is this bad?
    /// The loader fails on the missing file ("failed to read file") and rejects the whole
    /// provider.
    ///
    /// ## Example
    /// The provider's `workflows/` folder holds only `provision-postgres.yaml`:
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    ///   - name: delete-postgres
    ///     file: ./workflows/delete-pg.yaml
    /// ```
    ///
    /// Use instead: a `file` that exists, or drop the entry:
    /// ```yaml fixture=pass/platform file=providers/db-team/provider.yaml
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    /// ```
    pub InnProvWorkflowFileExists {
        id: "inn-prov-workflow-file-exists",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnProvWorkflowFileExists {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            for w in innominatus::provider_workflows(doc) {
                let Some(node) = w.get("file") else { continue };
                let Some(file) = node.as_str().filter(|f| !f.is_empty()) else {
                    continue;
                };
                let Some(target) = ws.from_doc(doc, file) else { continue };
                if !ws.has_file(&target) {
                    out.report(
                        doc.span(node),
                        format!(
                            "{code0} does not exist (looked for {code1})",
                            code0 = code(&file),
                            code1 = code(&target)
                        ),
                    )
                    .help("the loader rejects the provider when a workflow file is missing");
                }
            }
        }
    }
}
