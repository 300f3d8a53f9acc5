use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each `workflows[].name` of a provider manifest equals the `metadata.name` of the
    /// file it references.
    ///
    /// ## Why is this bad?
    /// Capabilities and the resolver use the manifest's name, logs and the workflow's own output use
    /// the file's: two names for one workflow make failures hard to trace.
    ///
    /// ## Example
    /// `workflows/delete-postgres.yaml` has `metadata.name: delete-postgres`:
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// - name: drop-postgres
    ///   file: ./workflows/delete-postgres.yaml
    ///   category: provisioner
    ///   operation: delete
    /// ```
    ///
    /// Use instead: `name: delete-postgres`.
    pub InnProvWorkflowNameMatchesFile {
        id: "inn-prov-workflow-name-matches-file",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnProvWorkflowNameMatchesFile {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            for entry in innominatus::provider_workflows(doc) {
                let Some(name_node) = entry.get("name") else { continue };
                let Some(name) = name_node.as_str() else { continue };
                let Some(wf) = ws.provider_workflow_doc(doc, entry) else {
                    continue;
                };
                let Some(actual) = wf.name() else { continue };
                if actual != name {
                    out.report(
                        doc.span(name_node),
                        format!(
                            "workflow {code0} is named {code1} in its file",
                            code0 = code(&name),
                            code1 = code(&actual)
                        ),
                    )
                    .label(
                        wf.span(wf.metadata().and_then(|m| m.get("name")).unwrap_or(&wf.root)),
                        "its name",
                    )
                    .help(format!("use {code0} in both places", code0 = code(&actual)));
                }
            }
        }
    }
}
