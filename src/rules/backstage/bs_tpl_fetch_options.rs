use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `fetch:template` options: `copyWithoutRender` and `copyWithoutTemplating` exclude each
    /// other, `templateFileExtension` cannot be combined with either or with `cookiecutterCompat`,
    /// and `targetPath` stays inside the workspace (relative, no leading `..`).
    ///
    /// ## Why is this bad?
    /// The action throws on these combinations, and on a target path outside its workspace, when the
    /// task runs.
    ///
    /// ## Example
    /// ```yaml fixture=fail/options.yaml
    /// - id: fetch
    ///   action: fetch:template
    ///   input:
    ///     url: ./skeleton
    ///     targetPath: ../outside
    ///     copyWithoutRender: ['*.png']
    ///     copyWithoutTemplating: ['*.png']
    /// ```
    ///
    /// Use instead: a `targetPath` inside the workspace, and only `copyWithoutTemplating` (the
    /// newer name).
    /// ```yaml fixture=pass/options.yaml
    /// - id: fetch
    ///   action: fetch:template
    ///   input:
    ///     url: ./skeleton
    ///     targetPath: ./app
    ///     copyWithoutTemplating: ['*.png']
    /// ```
    pub BsTplFetchOptions {
        id: "bs-tpl-fetch-options",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplFetchOptions {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps().iter().filter(|s| s.action == Some("fetch:template")) {
                let Some(input) = step.input() else { continue };
                let set = |k: &str| input.get(k).filter(|v| !v.is_null() && v.as_bool() != Some(false));
                if set("copyWithoutRender").is_some() && set("copyWithoutTemplating").is_some() {
                    out.report(
                        t.0.span_of_key(input, "copyWithoutTemplating"),
                        "`copyWithoutRender` and `copyWithoutTemplating` cannot both be set",
                    )
                    .label(t.0.span_of_key(input, "copyWithoutRender"), "also set here")
                    .help("keep `copyWithoutTemplating`, the newer name");
                }
                if set("templateFileExtension").is_some() {
                    for other in ["copyWithoutRender", "copyWithoutTemplating", "cookiecutterCompat"] {
                        if set(other).is_some() {
                            out.report(
                                t.0.span_of_key(input, "templateFileExtension"),
                                format!(
                                    "`templateFileExtension` cannot be combined with {code0}",
                                    code0 = code(&other)
                                ),
                            )
                            .label(t.0.span_of_key(input, other), "set here");
                        }
                    }
                }
                if let Some(node) = input.get("targetPath") {
                    let path = node.as_str().unwrap_or("");
                    if !crate::rules::util::is_templated(path)
                        && (path.starts_with('/') || crate::rules::util::join_path("", path).is_none())
                    {
                        out.report(
                            t.0.span(node),
                            format!(
                                "`targetPath` {code0} points outside the task's workspace",
                                code0 = code(&path)
                            ),
                        )
                        .help("use a path relative to the workspace, without leading `..`");
                    }
                }
            }
        }
    }
}
