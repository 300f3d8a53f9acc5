use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// For a provider manifest in the documented *flat* format (top-level `name`, `version`,
    /// `workflows_dir`, `supported_resources`): `workflows_dir` must exist next to provider.yaml and
    /// hold at least one `*.yaml`. A second finding says that the loader rejects the flat format:
    /// it reads `apiVersion`, `metadata.name`, `compatibility.minCoreVersion` and `workflows[]`.
    ///
    /// ## Why is this bad?
    /// The product-team guide documents the flat format, but `pkg/sdk` only loads the SDK format: a
    /// provider written from the guide is never loaded.
    ///
    /// ## Example
    /// The workflows are in `providers/flat-team/workflows/`:
    /// ```yaml fixture=fail/platform file=providers/flat-team/provider.yaml
    /// name: flat-team
    /// version: 1.0.0
    /// owner: flat-team
    /// workflows_dir: workflow
    /// supported_resources: [queue]
    /// ```
    ///
    /// Use instead: the SDK format (`apiVersion`, `kind: Provider`, `metadata`, `compatibility`,
    /// `workflows[]` with `name` and `file`).
    pub InnProvWorkflowsDir {
        id: "inn-prov-workflows-dir",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnProvWorkflowsDir {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            let Some(node) = doc.root.get("workflows_dir") else {
                continue;
            };
            out.report(doc.head_span(), "this is the flat provider format, which the loader does not read")
                .help("write the SDK format: `apiVersion`, `kind: Provider`, `metadata.name`, `compatibility.minCoreVersion` and `workflows[]`");
            let value = node.as_str().unwrap_or("");
            let Some(folder) = ws.from_doc(doc, value) else {
                continue;
            };
            let prefix = format!("{folder}/");
            let has_yaml = ws
                .paths
                .iter()
                .any(|p| p.starts_with(&prefix) && crate::discover::is_yaml(std::path::Path::new(p)));
            if !has_yaml {
                out.report(
                    doc.span(node),
                    format!(
                        "{code0} holds no workflow file ({code1})",
                        code0 = code(&value),
                        code1 = code(&format!("{folder}/*.yaml"))
                    ),
                );
            }
        }
    }
}
