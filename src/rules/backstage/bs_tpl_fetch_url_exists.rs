use crate::model::backstage::local_url;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the relative `url` of a `fetch:template`, `fetch:plain` (a folder) or
    /// `fetch:template:file`, `fetch:plain:file` (a file) step exists next to the template.
    ///
    /// ## Why is this bad?
    /// The step fails when the task runs: there is nothing to fetch.
    ///
    /// ## Example
    /// Next to the template there is `skeleton/`, but no `content/`:
    /// ```yaml fixture=fail/missing file=template.yaml
    /// - id: fetch
    ///   action: fetch:template
    ///   input:
    ///     url: ./content
    /// ```
    ///
    /// Use instead: `url: ./skeleton`.
    pub BsTplFetchUrlExists {
        id: "bs-tpl-fetch-url-exists",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplFetchUrlExists {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps().iter().filter(|s| {
                s.action
                    .is_some_and(|a| a.starts_with("fetch:plain") || a.starts_with("fetch:template"))
            }) {
                let Some(url) = step.input_str("url") else { continue };
                let node = step.input().and_then(|i| i.get("url")).unwrap_or(step.node);
                let Some(path) = local_url(ws.rel(t.0), url) else {
                    if !url.contains("://") && !url.starts_with('/') && !url.contains("${{") {
                        out.report(
                            t.0.span(node),
                            format!("{code0} points outside the repository", code0 = code(&url)),
                        );
                    }
                    continue;
                };
                if !ws.exists(&path) {
                    out.report(
                        t.0.span(node),
                        format!(
                            "{code0} does not exist ({code1})",
                            code0 = code(&url),
                            code1 = code(&path)
                        ),
                    )
                    .help("the url is relative to the template file");
                }
            }
        }
    }
}
