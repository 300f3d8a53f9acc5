use crate::model::backstage::{doc_key, EntityRef};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags an entity of a BU repository whose `kind:namespace/name` (case-insensitive) is also
    /// defined by another BU repository among the checked folders, or is listed in the org catalog
    /// (`backstage.known-entities`). Duplicates inside one repository are `bs-ent-duplicate`'s.
    ///
    /// ## Why is this bad?
    /// Backstage keeps only the first definition ("Detected conflicting entityRef"): the second
    /// business unit's entity silently never appears.
    ///
    /// ## Example
    /// `Component:finance/ledger` defined in `bu-finance-infrastructure` and in
    /// `bu-finance-eu-infrastructure`.
    ///
    /// Use instead: one definition; rename or move the other.
    pub BuDuplicateEntity {
        id: "bu-duplicate-entity",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuDuplicateEntity {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let known = &ws.options.backstage_options.known_entities;
        for (repo, doc) in ws.tenant_entities() {
            let Some(key) = doc_key(doc) else { continue };
            let name = doc
                .metadata()
                .and_then(|m| m.get("name"))
                .map_or_else(|| doc.head_span(), |n| doc.span(n));
            if known.iter().any(|k| EntityRef::parse(k).key("", "default") == key) {
                out.report(
                    name,
                    format!("{code0} is already in the org catalog", code0 = code(&key)),
                )
                .help("the catalog keeps the first definition; rename this entity");
                continue;
            }
            let first = ws.entities_by_key(&key).next();
            let Some(first) = first.filter(|f| !std::ptr::eq(*f, doc)) else {
                continue;
            };
            let Some(other) = ws.tenant_of(first).filter(|r| r.prefix != repo.prefix) else {
                continue;
            };
            out.report(
                name,
                format!(
                    "{code0} is also defined by {code1}",
                    code0 = code(&key),
                    code1 = code(&other.name)
                ),
            )
            .label(
                first.span(first.metadata().and_then(|m| m.get("name")).unwrap_or(&first.root)),
                "first defined here",
            )
            .help("the catalog keeps only the first definition; rename one of them");
        }
    }
}
