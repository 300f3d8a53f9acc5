use crate::model::Workspace;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a provider manifest has at least one `workflows[]` (or deprecated
    /// `provisioners[]`) entry.
    ///
    /// ## Why is this bad?
    /// `Provider.Validate` fails with "at least one workflow or provisioner is required", and
    /// the loader drops the provider (innominatus's own `providers/builtin/provider.yaml` has
    /// none).
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// apiVersion: v1
    /// kind: Provider
    /// metadata:
    ///   name: db-team
    ///   version: 1.0.0
    /// compatibility:
    ///   minCoreVersion: 1.0.0
    /// capabilities:
    ///   resourceTypes: []
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
    pub InnProvHasWorkflows {
        id: "inn-prov-has-workflows",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnProvHasWorkflows {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers().filter(|d| d.root.get("workflows_dir").is_none()) {
            let any = |k: &str| doc.root.get(k).and_then(Node::as_seq).is_some_and(|s| !s.is_empty());
            if !any("workflows") && !any("provisioners") {
                let at = if doc.root.get("workflows").is_some() {
                    doc.span_of_key(&doc.root, "workflows")
                } else {
                    doc.kind_span()
                };
                out.report(at, "the provider declares no workflows")
                    .help("innominatus requires at least one `workflows[]` entry; the loader rejects the provider");
            }
        }
    }
}
