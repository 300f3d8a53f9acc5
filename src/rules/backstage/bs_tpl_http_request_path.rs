use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `http:backstage:request` steps: `path` must be relative to Backstage's backend
    /// (`/catalog/…`, `proxy:/…`), not an absolute URL.
    ///
    /// ## Why is this bad?
    /// The action prefixes the backend URL to the path: an absolute URL becomes
    /// `https://backstage…/https://api…` and the request fails.
    ///
    /// ## Example
    /// ```yaml fixture=fail/absolute-url.yaml
    /// - id: http
    ///   action: http:backstage:request
    ///   input:
    ///     method: GET
    ///     path: https://api.example.com/x
    /// ```
    ///
    /// Use instead: a proxy route, `path: proxy:/example/x`.
    pub BsTplHttpRequestPath {
        id: "bs-tpl-http-request-path",
        category: Suspicious,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplHttpRequestPath {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps().iter().filter(|s| s.action == Some("http:backstage:request")) {
                let Some(node) = step.input().and_then(|i| i.get("path")) else {
                    continue;
                };
                let Some(path) = node.as_str() else { continue };
                if path.contains("://") && !path.starts_with("${{") {
                    out.report(
                        t.0.span(node),
                        format!(
                            "{code0} is an absolute URL; the action expects a Backstage path",
                            code0 = code(&path)
                        ),
                    )
                    .help("use a backend path (`/catalog/entities`) or a proxy route (`proxy:/<name>/…`)");
                }
            }
        }
    }
}
