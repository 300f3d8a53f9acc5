use crate::model::backstage::doc_key;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a second entity with the same `kind:namespace/name` (compared case-insensitively, the
    /// namespace defaulting to `default`) among the checked files.
    ///
    /// ## Why is this bad?
    /// The catalog keeps the first one and only logs "Detected conflicting entityRef"; the second
    /// definition is silently not applied.
    ///
    /// ## Example
    /// Two files both defining `Component` `payments` in the default namespace.
    ///
    /// Use instead: rename one, or give them different namespaces.
    pub BsEntDuplicate {
        id: "bs-ent-duplicate",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsEntDuplicate {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            let Some(key) = doc_key(doc) else { continue };
            let first = ws.entities_by_key(&key).next();
            let Some(first) = first.filter(|f| !std::ptr::eq(*f, doc)) else {
                continue;
            };
            // Across business-unit repositories the duplicate is bu-duplicate-entity's.
            if let (Some(a), Some(b)) = (ws.tenant_of(doc), ws.tenant_of(first)) {
                if a.prefix != b.prefix {
                    continue;
                }
            }
            let name = doc
                .metadata()
                .and_then(|m| m.get("name"))
                .map_or_else(|| doc.head_span(), |n| doc.span(n));
            out.report(name, format!("{code0} is already defined", code0 = code(&key)))
                .label(
                    first.span(first.metadata().and_then(|m| m.get("name")).unwrap_or(&first.root)),
                    "first defined here",
                )
                .help("the catalog keeps only the first definition; rename this entity or change its namespace");
        }
    }
}
