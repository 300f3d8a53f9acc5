use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a provider's `metadata.name` equals its directory (`providers/<team>/`).
    ///
    /// ## Why is this bad?
    /// The product-team guide places each team's provider at `providers/{your-team}/`; the admin
    /// config, logs and conflicts name the provider, so a different folder name misleads whoever
    /// looks for its files.
    ///
    /// ## Example
    /// The provider lives in `providers/db-team/`:
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// apiVersion: v1
    /// kind: Provider
    /// metadata:
    ///   name: database-team
    ///   version: 1.0.0
    /// ```
    ///
    /// Use instead: the same name for both.
    pub InnProvNameDir {
        id: "inn-prov-name-dir",
        category: Style,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnProvNameDir {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            let rel = ws.local_rel(doc);
            let Some(team) = rel.split('/').nth(1) else { continue };
            let Some(node) = doc.metadata().and_then(|m| m.get("name")) else {
                continue;
            };
            let Some(name) = node.as_str() else { continue };
            if name != team {
                out.report(
                    doc.span(node),
                    format!(
                        "provider {code0} lives in {code1}",
                        code0 = code(&name),
                        code1 = code(&format!("providers/{team}/"))
                    ),
                )
                .help("name the provider after its directory (or move it)");
            }
        }
    }
}
