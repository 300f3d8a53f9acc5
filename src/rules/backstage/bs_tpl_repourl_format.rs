use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks a literal `repoUrl` input: it must have the form `<host>?owner=<owner>&repo=<repo>`
    /// (or `organization`/`workspace`/`project` instead of `owner` for Azure and Bitbucket), as
    /// `parseRepoUrl` reads it. Templated values are skipped.
    ///
    /// ## Why is this bad?
    /// `parseRepoUrl` throws on a web URL: the publish step fails when the task runs.
    ///
    /// ## Example
    /// ```yaml fixture=fail/web-url.yaml
    /// - id: publish
    ///   action: publish:github
    ///   input:
    ///     repoUrl: https://github.com/acme/payments
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/formats.yaml
    /// - id: publish
    ///   action: publish:github
    ///   input:
    ///     repoUrl: github.com?owner=acme&repo=payments
    /// ```
    pub BsTplRepourlFormat {
        id: "bs-tpl-repourl-format",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

fn problem(url: &str) -> Option<&'static str> {
    if url.contains("://") {
        return Some("a repoUrl has no scheme");
    }
    let (host, query) = url.split_once('?')?;
    if host.is_empty() || host.contains('/') {
        return Some("the part before `?` must be a host");
    }
    let keys: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split_once('=').map(|(k, _)| k))
        .collect();
    if !keys.contains(&"repo") {
        return Some("the query needs `repo=`");
    }
    if !keys
        .iter()
        .any(|k| matches!(*k, "owner" | "organization" | "workspace" | "project"))
    {
        return Some("the query needs `owner=` (or `organization=`, `workspace=`, `project=`)");
    }
    None
}

impl Rule for BsTplRepourlFormat {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps() {
                let Some(node) = step.input().and_then(|i| i.get("repoUrl")) else {
                    continue;
                };
                let Some(url) = node.as_str().filter(|u| !crate::rules::util::is_templated(u)) else {
                    continue;
                };
                let why = if url.contains('?') {
                    problem(url)
                } else {
                    Some("it has no `?owner=…&repo=…` query")
                };
                if let Some(why) = why {
                    out.report(
                        t.0.span(node),
                        format!("{code0} is not a repoUrl: {why}", code0 = code(&url)),
                    )
                    .help("write `<host>?owner=<owner>&repo=<repo>`, e.g. `github.com?owner=acme&repo=payments`");
                }
            }
        }
    }
}
