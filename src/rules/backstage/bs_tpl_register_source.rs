use crate::model::backstage::{has_expression, Step, Template};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks a `catalog:register` step: its `repoContentsUrl` should come from a publish step's
    /// `repoContentsUrl` output rather than be written by hand, and its `catalogInfoPath`
    /// (default `/catalog-info.yaml`) should be a file the template's skeleton produces (checked when
    /// every `fetch:template` step renders a local skeleton into the workspace root).
    ///
    /// ## Why is this bad?
    /// A hard-coded URL registers the same repository for every run; a path the skeleton does not
    /// produce makes the step fail after the repository was created.
    ///
    /// ## Example
    /// The skeleton renders `catalog-info.yaml`:
    /// ```yaml fixture=fail/hand-written file=template.yaml
    /// - id: register
    ///   action: catalog:register
    ///   input:
    ///     repoContentsUrl: https://github.com/acme/x/blob/main
    ///     catalogInfoPath: /catalog.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/from-publish file=template.yaml
    /// - id: publish
    ///   action: publish:github
    ///   input:
    ///     repoUrl: ${{ parameters.repoUrl }}
    ///     description: This is ${{ parameters.name | default('x') }}
    /// - id: register
    ///   action: catalog:register
    ///   input:
    ///     repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
    ///     catalogInfoPath: /catalog-info.yaml
    /// ```
    pub BsTplRegisterSource {
        id: "bs-tpl-register-source",
        category: Suspicious,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

/// The files the `fetch:template` steps write at the workspace root, when all of them can be
/// listed (local skeleton, no `targetPath`, no templated file names).
fn produced(ws: &Workspace, t: Template<'_>, steps: &[Step<'_>]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for step in steps
        .iter()
        .filter(|s| s.action.is_some_and(|a| a.starts_with("fetch:")))
    {
        let input = step.input()?;
        if step.action != Some("fetch:template")
            || input
                .get("targetPath")
                .is_some_and(|p| p.as_str().is_none_or(|p| !matches!(p, "" | "." | "./")))
        {
            return None;
        }
        let skeleton = ws.skeleton(t, step)?;
        let strip = input
            .get("templateFileExtension")
            .is_some_and(|e| e.as_bool() == Some(true) || e.as_str().is_some());
        for (path, _, _) in &skeleton.files {
            let rel = &path[skeleton.dir.len() + 1..];
            if rel.contains("${{") || rel.contains("{{") {
                return None;
            }
            out.push(if strip {
                rel.trim_end_matches(".njk").to_string()
            } else {
                rel.to_string()
            });
        }
    }
    (!out.is_empty()).then_some(out)
}

impl Rule for BsTplRegisterSource {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let steps = t.steps();
            for step in steps.iter().filter(|s| s.action == Some("catalog:register")) {
                let Some(input) = step.input() else { continue };
                if let Some(node) = input.get("repoContentsUrl") {
                    let url = node.as_str().unwrap_or("");
                    if !has_expression(url) {
                        out.report(t.0.span(node), "`repoContentsUrl` is written by hand")
                            .help("use the publish step's output: `${{ steps['publish'].output.repoContentsUrl }}`");
                    } else if !url.contains("repoContentsUrl") {
                        out.report(
                            t.0.span(node),
                            "`repoContentsUrl` does not come from a publish step's `repoContentsUrl` output",
                        )
                        .help("use `${{ steps['<publish step>'].output.repoContentsUrl }}`");
                    }
                }
                if input.get("catalogInfoUrl").is_some() {
                    continue;
                }
                let path_node = input.get("catalogInfoPath");
                let path = path_node.and_then(|p| p.as_str()).unwrap_or("/catalog-info.yaml");
                if has_expression(path) {
                    continue;
                }
                let Some(files) = produced(ws, t, &steps) else { continue };
                let wanted = path.trim_start_matches('/');
                if !files.iter().any(|f| f == wanted) {
                    let span = path_node.map_or_else(|| t.0.span_of_key(step.node, "input"), |n| t.0.span(n));
                    out.report(span, format!("the skeleton produces no {code0}", code0 = code(&wanted)))
                        .help("point `catalogInfoPath` at the catalog file the skeleton writes");
                }
            }
        }
    }
}
