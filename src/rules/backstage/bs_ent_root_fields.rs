use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags keys at the root of a Backstage entity other than `apiVersion`, `kind`, `metadata` and
    /// `spec`.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity ("Unknown field", NoForeignRootFieldsEntityPolicy), so it never
    /// shows up.
    ///
    /// ## Example
    /// ```yaml fixture=fail/status.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Component
    /// metadata:
    ///   name: payments
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: team-a
    /// status: {health: ok}
    /// ```
    ///
    /// Use instead: drop `status` (the catalog computes it) or move the data under `metadata`.
    pub BsEntRootFields {
        id: "bs-ent-root-fields",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

const ALLOWED: &[&str] = &["apiVersion", "kind", "metadata", "spec"];

impl Rule for BsEntRootFields {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            for e in doc.root.as_map().unwrap_or(&[]) {
                if !ALLOWED.contains(&e.key.as_str()) {
                    out.report(
                        doc.key_span(e),
                        format!("`{}` is not allowed at the root of an entity", e.key),
                    )
                    .help("only apiVersion, kind, metadata and spec are; the catalog rejects the entity");
                }
            }
        }
    }
}
