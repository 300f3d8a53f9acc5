use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every workflow a provider's capabilities name —
    /// `capabilities.resourceTypeCapabilities[].operations.<op>.workflow`, each
    /// `.workflows[].name` and `.default` — is a `workflows[].name` of the same provider.
    ///
    /// ## Why is this bad?
    /// The resolver fails when the resource is ordered ("references workflow '…' but it does
    /// not exist"): the provider loads, and the first order of that type breaks.
    ///
    /// ## Example
    /// The provider's only workflow is `provision-postgres`:
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    ///   resourceTypeCapabilities:
    ///     - type: postgres
    ///       operations:
    ///         create:
    ///           workflow: provision-postgress
    ///         delete:
    ///           workflows:
    ///             - name: delete-postgres
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=providers/db-team/provider.yaml
    ///     - type: postgres
    ///       operations:
    ///         create:
    ///           workflow: provision-postgres
    ///     - type: postgresql
    ///       aliasFor: postgres
    ///   resourceTypes: [postgres, postgresql]
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    /// ```
    pub InnProvCapabilityWorkflowsExist {
        id: "inn-prov-capability-workflows-exist",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

/// The workflow-name nodes an operation refers to.
fn referenced(op: &Node) -> Vec<&Node> {
    let mut out: Vec<&Node> = ["workflow", "default"].iter().filter_map(|k| op.get(k)).collect();
    for w in op.get("workflows").and_then(Node::as_seq).unwrap_or(&[]) {
        out.extend(w.get("name"));
    }
    out
}

impl Rule for InnProvCapabilityWorkflowsExist {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            let declared: Vec<&str> = innominatus::provider_workflows(doc)
                .iter()
                .filter_map(|w| w.get("name").and_then(Node::as_str))
                .collect();
            let caps = doc
                .root
                .path(&["capabilities", "resourceTypeCapabilities"])
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            for cap in caps {
                let kind = cap.get("type").and_then(Node::as_str).unwrap_or("?");
                for op in cap.get("operations").and_then(Node::as_map).unwrap_or(&[]) {
                    for node in referenced(&op.value) {
                        let Some(name) = node.as_str() else { continue };
                        if declared.contains(&name) {
                            continue;
                        }
                        let d = out.report(
                            doc.span(node),
                            format!(
                                "{code0} {} refers to workflow {code1}, which this provider does not declare",
                                op.key,
                                code0 = code(&kind),
                                code1 = code(&name)
                            ),
                        );
                        match crate::parse::text::suggest(name, declared.iter().copied()) {
                            Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                            None => d.help("declare it under `workflows:`"),
                        };
                    }
                }
            }
        }
    }
}
