use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every entity of a BU repository sets `metadata.namespace` to the repository's
    /// unit.
    ///
    /// ## Why is this bad?
    /// Entities are registered per tenant: an entity in another tenant's namespace (or in
    /// `default`) escapes the tenant's isolation and may overwrite another tenant's entity.
    ///
    /// ## Example
    /// In `bu-finance-infrastructure/catalog-info.yaml`, the repository of the unit `finance`:
    /// ```yaml fixture=fail/bu-finance-infrastructure file=catalog-info.yaml
    /// metadata:
    ///   name: ledger
    ///   namespace: payments
    /// ```
    ///
    /// Use instead: `namespace: finance`.
    pub BuEntityNamespace {
        id: "bu-entity-namespace",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuEntityNamespace {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (repo, doc) in ws.tenant_entities() {
            let Some(unit) = repo.unit() else { continue };
            match doc.metadata().and_then(|m| m.get("namespace")) {
                None => {
                    out.report(
                        doc.span_of_key(&doc.root, "metadata"),
                        format!(
                            "the entity has no namespace; entities of {code0} belong in {code1}",
                            code0 = code(&repo.name),
                            code1 = code(&unit)
                        ),
                    )
                    .help(format!(
                        "set {code0}",
                        code0 = code(&format!("metadata.namespace: {unit}"))
                    ));
                }
                Some(node) if node.as_str() != Some(unit) => {
                    let ns = node.scalar_text().unwrap_or_default();
                    out.report(
                        doc.span(node),
                        format!(
                            "namespace {code0} is not the tenant's: entities of {code1} belong in {code2}",
                            code0 = code(&ns),
                            code1 = code(&repo.name),
                            code2 = code(&unit)
                        ),
                    )
                    .help(format!(
                        "set {code0}",
                        code0 = code(&format!("metadata.namespace: {unit}"))
                    ));
                }
                Some(_) => {}
            }
        }
    }
}
