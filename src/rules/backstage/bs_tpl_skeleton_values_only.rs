use crate::model::backstage::{analyse, expressions, offset_in, CONTEXT_ROOTS};
use crate::model::Workspace;
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `${{ parameters.* }}`, `${{ user.* }}`, `${{ steps.* }}` (and the other template-context
    /// variables) inside the skeleton files of a `fetch:template` step. Steps in
    /// `cookiecutterCompat` mode are skipped.
    ///
    /// ## Why is this bad?
    /// Skeleton files are rendered with `values` only (`{ values: input.values }`): every other
    /// variable renders as an empty string, silently.
    ///
    /// ## Example
    /// In `skeleton/catalog-info.yaml`:
    /// ```yaml fixture=fail/user file=skeleton/catalog-info.yaml
    /// spec:
    ///   type: service
    ///   lifecycle: experimental
    ///   owner: ${{ user.entity.metadata.name }}
    ///   system: ${{ parameters.system }}
    /// ```
    ///
    /// Use instead: pass it through the step's `values` (`owner: ${{ user.entity.metadata.name }}`)
    /// and write `${{ values.owner }}` in the skeleton.
    pub BsTplSkeletonValuesOnly {
        id: "bs-tpl-skeleton-values-only",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplSkeletonValuesOnly {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps().iter().filter(|s| s.action == Some("fetch:template")) {
                if step
                    .input()
                    .and_then(|i| i.get("cookiecutterCompat"))
                    .and_then(|c| c.as_bool())
                    == Some(true)
                {
                    continue;
                }
                let Some(skeleton) = ws.skeleton(t, step) else { continue };
                for (_, id, text) in &skeleton.files {
                    let Some(id) = id else { continue };
                    for expr in expressions(text) {
                        let Ok(uses) = analyse(expr.inner) else { continue };
                        let Some(path) = uses.paths.iter().find(|p| CONTEXT_ROOTS.contains(&p[0].as_str())) else {
                            continue;
                        };
                        let at = offset_in(text, expr.whole) as u32;
                        out.report(
                            Span::new(*id, at, at + expr.whole.len() as u32),
                            format!(
                                "{code0} is not available in a skeleton: only `values` is",
                                code0 = code(&path.join("."))
                            ),
                        )
                        .label(
                            t.0.span(step.input().and_then(|i| i.get("url")).unwrap_or(step.node)),
                            "rendered by this step",
                        )
                        .help(format!(
                            "pass it in the step's `values` and write {code0}",
                            code0 = code(&format!(
                                "${{{{ values.{} }}}}",
                                path.last().map_or("x", String::as_str)
                            ))
                        ));
                    }
                }
            }
        }
    }
}
