use crate::model::backstage::ParsedSite;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `secrets.*` outside a step's `input`, and inside `fetch:template`/`fetch:template:file`
    /// `values`.
    ///
    /// ## Why is this bad?
    /// Secrets exist only in the step-input context. In `output` they render as empty (or would be
    /// shown to the user); in skeleton `values` they are written into files committed to git.
    ///
    /// ## Example
    /// ```yaml fixture=fail/leaks.yaml
    /// - id: fetch
    ///   action: fetch:template
    ///   if: ${{ secrets.TOKEN }}
    ///   input:
    ///     url: ./skeleton
    ///     values:
    ///       token: ${{ secrets.USER_OAUTH_TOKEN }}
    /// ```
    ///
    /// Use instead: pass the secret to the action that needs it (`token:` of `publish:github`).
    /// ```yaml fixture=pass/input.yaml
    /// - id: publish
    ///   action: publish:github
    ///   input:
    ///     repoUrl: ${{ parameters.repoUrl }}
    ///     token: ${{ secrets.USER_OAUTH_TOKEN }}
    /// ```
    pub BsTplSecretsScope {
        id: "bs-tpl-secrets-scope",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplSecretsScope {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let steps = t.steps();
            for ParsedSite { site, uses, span } in ws.parsed_expressions(t) {
                if !uses.paths.iter().any(|p| p[0] == "secrets") {
                    continue;
                }
                let Some(i) = site.step else {
                    out.report(span, "`secrets` are not available in `output`")
                        .help("the output is shown to the user; never render secrets into it");
                    continue;
                };
                let fetch = steps[i].action.is_some_and(|a| a.starts_with("fetch:template"));
                if fetch && site.field.starts_with("input.values") {
                    out.report(
                        span,
                        "a secret passed to skeleton `values` is written into the repository",
                    )
                    .help("pass secrets only to the actions that need them");
                } else if !site.field.starts_with("input") {
                    out.report(
                        span,
                        format!(
                            "`secrets` are available only in step `input`, not in {code0}",
                            code0 = code(&site.field)
                        ),
                    );
                }
            }
        }
    }
}
