use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each `filesystem` entry of `providers[]` in `admin-config.yaml` has the
    /// `metadata.name` of the provider it loads.
    ///
    /// ## Why is this bad?
    /// Logs, conflicts and the admin UI name the provider by its manifest; a different name in the
    /// admin config makes the two hard to match.
    ///
    /// ## Example
    /// `providers/db-team/provider.yaml` has `metadata.name: db-team`:
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// providers:
    ///   - name: db
    ///     type: filesystem
    ///     path: ./providers/db-team
    ///     enabled: true
    /// ```
    ///
    /// Use instead: `name: db-team`.
    pub InnAdmProviderNameMatch {
        id: "inn-adm-provider-name-match",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnAdmProviderNameMatch {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        for p in doc.root.get("providers").and_then(|p| p.as_seq()).unwrap_or(&[]) {
            let (Some(name_node), Some(path)) = (p.get("name"), p.str_at(&["path"])) else {
                continue;
            };
            let Some(name) = name_node.as_str() else { continue };
            let Some(folder) = ws.from_root(path) else { continue };
            let manifest = format!("{folder}/provider.yaml");
            let Some(provider) = ws.docs_in(&manifest).next() else {
                continue;
            };
            let Some(actual) = provider.name() else { continue };
            if actual != name {
                out.report(
                    doc.span(name_node),
                    format!(
                        "provider source {code0} loads the provider {code1}",
                        code0 = code(&name),
                        code1 = code(&actual)
                    ),
                )
                .label(
                    provider.span(
                        provider
                            .metadata()
                            .and_then(|m| m.get("name"))
                            .unwrap_or(&provider.root),
                    ),
                    "its name",
                )
                .help(format!("name the source {code0}", code0 = code(&actual)));
            }
        }
    }
}
