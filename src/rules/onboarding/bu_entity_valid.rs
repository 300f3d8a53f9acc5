use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every YAML document of a BU repository is a Backstage entity the catalog ingests:
    /// an `apiVersion` of `backstage.io` and a `kind`. The envelope, kind fields and references of
    /// those entities are checked by the `bs-*` rules, which always run for BU repositories.
    ///
    /// ## Why is this bad?
    /// A BU repository is registered as a catalog: a document that is not an entity is rejected by
    /// the entity validator and nothing in the file is registered.
    ///
    /// ## Example
    /// `bu-finance-infrastructure/services.yaml`, which is no Backstage entity:
    /// ```yaml fixture=fail/bu-finance-infrastructure file=services.yaml
    /// name: ledger
    /// owner: finance
    /// ```
    ///
    /// Use instead: a `backstage.io/v1alpha1` entity.
    pub BuEntityValid {
        id: "bu-entity-valid",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
    }
}

impl Rule for BuEntityValid {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in &ws.docs {
            let Some(repo) = ws.tenant_of(doc) else { continue };
            let rel = ws.rel(doc);
            // Workflow and tool files (`.github/`) are not catalog files.
            if rel[repo.prefix.len()..].starts_with('.') || crate::model::backstage::is_entity(doc) {
                continue;
            }
            let what = if doc.is_object() {
                format!(
                    "{code0} {code1} is not a Backstage entity",
                    code0 = code(&doc.api_version),
                    code1 = code(&doc.kind)
                )
            } else {
                "this document is not a Backstage entity (no `apiVersion` and `kind`)".to_string()
            };
            out.report(doc.head_span(), what)
                .help(format!("a BU repository holds catalog entities only (`apiVersion: backstage.io/v1alpha1`); {code0} registers nothing else", code0 = code(&repo.name)));
        }
    }
}
