use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags entities of a BU repository with a generic name (`api`, `db`, `frontend`, `backend`,
    /// `web`, `app`, `service`, …) that is not prefixed with the unit (`<unit>-…`).
    ///
    /// ## Why is this bad?
    /// Names are unique per namespace only: views and tools that flatten namespaces (search, CLI
    /// lookups, TechDocs URLs) confuse `finance/api` with `payments/api`.
    ///
    /// ## Example
    /// ```yaml fixture=fail/bu-finance-infrastructure file=catalog-info.yaml
    /// metadata:
    ///   name: api
    ///   namespace: finance
    /// ```
    ///
    /// Use instead: `name: finance-api`.
    pub BuNameCollisionRisk {
        id: "bu-name-collision-risk",
        category: Style,
        severity: Warning,
        pack: Onboarding,
        reach: Shared,
    }
}

const GENERIC: &[&str] = &[
    "api", "app", "backend", "cache", "client", "database", "db", "frontend", "gateway", "queue", "server", "service",
    "ui", "web", "website", "worker",
];

impl Rule for BuNameCollisionRisk {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (repo, doc) in ws.tenant_entities() {
            let Some(unit) = repo.unit() else { continue };
            let Some(node) = doc.metadata().and_then(|m| m.get("name")) else {
                continue;
            };
            let Some(name) = node.as_str() else { continue };
            if !GENERIC.contains(&name.to_ascii_lowercase().as_str()) {
                continue;
            }
            out.report(
                doc.span(node),
                format!("{code0} is a generic name", code0 = code(&name)),
            )
            .help(format!(
                "prefix it with the unit: {code0}",
                code0 = code(&format!("{unit}-{name}"))
            ));
        }
    }
}
