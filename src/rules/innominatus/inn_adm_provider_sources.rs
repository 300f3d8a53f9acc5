use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `providers[]` of `admin-config.yaml`: names are unique, `type` is `filesystem` or
    /// `git`, a `filesystem` source has a `path` holding `provider.yaml` (or the legacy
    /// `platform.yaml`), and a `git` source has a `repository` (and should pin a `ref`).
    ///
    /// ## Why is this bad?
    /// The server skips an unknown type ("Unknown provider type") and fails to load a path without a
    /// manifest: the team's resource types are then not provisionable.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// providers:
    ///   - name: db-team
    ///     type: filesystem
    ///     path: ./providers/db-team
    ///     enabled: true
    ///   - name: db-team
    ///     type: local
    ///   - name: cache-team
    ///     type: filesystem
    ///     path: ./providers/cache-team
    ///   - name: remote
    ///     type: git
    ///     repository: https://github.com/acme/providers
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=admin-config.yaml
    /// providers:
    ///   - name: db-team
    ///     type: filesystem
    ///     path: ./providers/db-team
    ///     enabled: true
    /// ```
    pub InnAdmProviderSources {
        id: "inn-adm-provider-sources",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnAdmProviderSources {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        let items = doc.root.get("providers").and_then(|p| p.as_seq()).unwrap_or(&[]);
        for (i, p) in items.iter().enumerate() {
            let name = p.get("name").and_then(|n| n.as_str());
            match (p.get("name"), name) {
                (None, _) => {
                    out.report(doc.span(p), "a provider source needs a `name`");
                }
                (Some(n), Some(name))
                    if items[..i]
                        .iter()
                        .any(|q| q.get("name").and_then(|m| m.as_str()) == Some(name)) =>
                {
                    out.report(
                        doc.span(n),
                        format!("provider source {code0} is listed twice", code0 = code(&name)),
                    );
                }
                _ => {}
            }
            let ty = p.get("type");
            match ty.and_then(|t| t.as_str()) {
                Some("filesystem") => {
                    let Some(path_node) = p.get("path") else {
                        out.report(
                            doc.span(ty.unwrap_or(p)),
                            "a `filesystem` provider source needs a `path`",
                        );
                        continue;
                    };
                    let path = path_node.as_str().unwrap_or("");
                    let Some(folder) = ws.from_root(path) else { continue };
                    let has = |f: &str| ws.has_file(&format!("{folder}/{f}"));
                    if !has("provider.yaml") && !has("platform.yaml") {
                        out.report(
                            doc.span(path_node),
                            format!("{code0} holds no provider.yaml", code0 = code(&path)),
                        )
                        .help("point `path` at the folder of the team's provider.yaml");
                    }
                }
                Some("git") => {
                    if p.get("repository").is_none() {
                        out.report(
                            doc.span(ty.unwrap_or(p)),
                            "a `git` provider source needs a `repository`",
                        );
                    } else if p.get("ref").is_none() {
                        out.report_with(
                            Severity::Warning,
                            doc.span(ty.unwrap_or(p)),
                            "a `git` provider source should pin a `ref`",
                        )
                        .help("without a ref the default branch is loaded, whatever it holds");
                    }
                }
                other => {
                    let t = other.unwrap_or("");
                    out.report(
                        doc.span(ty.unwrap_or(p)),
                        format!(
                            "provider source type {code0} is neither `filesystem` nor `git`",
                            code0 = code(&t)
                        ),
                    );
                }
            }
        }
    }
}
