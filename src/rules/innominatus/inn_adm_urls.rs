use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the `gitea` and `argocd` sections of `admin-config.yaml`: `url` is required and an
    /// `http(s)://` URL, `username` and `password` are required.
    ///
    /// ## Why is this bad?
    /// The admin validator rejects the config, and the `gitea-repo` and `argocd-app` steps cannot
    /// reach their servers.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// gitea:
    ///   url: gitea.localtest.me
    ///   password: ${GITEA_PASSWORD}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=admin-config.yaml
    /// gitea:
    ///   url: http://gitea.localtest.me
    ///   username: giteaadmin
    ///   password: ${GITEA_PASSWORD}
    /// ```
    pub InnAdmUrls {
        id: "inn-adm-urls",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnAdmUrls {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        for section in ["gitea", "argocd"] {
            let Some(s) = doc.root.get(section) else { continue };
            match s.get("url") {
                None => {
                    out.report(
                        doc.span_of_key(&doc.root, section),
                        format!("{code0} is required", code0 = code(&format!("{section}.url"))),
                    );
                }
                Some(u) => {
                    let url = u.as_str().unwrap_or("");
                    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
                    if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
                        out.report(
                            doc.span(u),
                            format!("{code0} is not an http(s) URL", code0 = code(&url)),
                        )
                        .help("write the scheme: `https://…`");
                    }
                }
            }
            for key in ["username", "password"] {
                if s.get(key).is_none() {
                    out.report(
                        doc.span_of_key(&doc.root, section),
                        format!("{code0} is required", code0 = code(&format!("{section}.{key}"))),
                    );
                }
            }
        }
    }
}
