use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the workflow a capability maps to an operation (`operations.<op>.workflow`)
    /// declares that same `operation` in the provider's `workflows[]`.
    ///
    /// ## Why is this bad?
    /// A delete mapped to a provisioning workflow creates the resource again when it should remove
    /// it.
    ///
    /// ## Example
    /// The `provision-postgres` workflow has `operation: create`:
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// - type: postgres
    ///   operations:
    ///     create:
    ///       workflow: provision-postgres
    ///     delete:
    ///       workflow: provision-postgres
    /// ```
    ///
    /// Use instead: `delete: {workflow: delete-postgres}`.
    pub InnProvCapabilityOpConsistent {
        id: "inn-prov-capability-op-consistent",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnProvCapabilityOpConsistent {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            let workflows = innominatus::provider_workflows(doc);
            for cap in innominatus::capabilities(doc) {
                for op in cap.get("operations").and_then(|o| o.as_map()).unwrap_or(&[]) {
                    let Some(node) = op.value.get("workflow") else { continue };
                    let Some(name) = node.as_str() else { continue };
                    let Some(entry) = workflows.iter().find(|w| w.str_at(&["name"]) == Some(name)) else {
                        continue;
                    };
                    let Some(declared) = entry
                        .get("operation")
                        .and_then(|o| o.as_str())
                        .filter(|o| !o.is_empty())
                    else {
                        continue;
                    };
                    if declared != op.key {
                        out.report(
                            doc.span(node),
                            format!(
                                "{code0} runs workflow {code1}, which declares {code2}",
                                code0 = code(&op.key),
                                code1 = code(&name),
                                code2 = code(&format!("operation: {declared}"))
                            ),
                        )
                        .label(doc.span(entry.get("operation").unwrap_or(entry)), "declared here")
                        .help("map each operation to a workflow of that operation");
                    }
                }
            }
        }
    }
}
