use crate::model::backstage::{ParsedSite, CONTEXT_ROOTS};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the variables `${{ … }}` expressions read: only `parameters`, `steps`, `secrets`,
    /// `user` (`user.entity`, `user.ref`), `each` (inside a step that has `each:`), `environment`
    /// and `context` exist in the scaffolder's template context.
    ///
    /// ## Why is this bad?
    /// Any other variable is undefined and renders as empty.
    ///
    /// ## Example
    /// ```yaml fixture=fail/roots.yaml
    /// - id: log
    ///   action: debug:log
    ///   input:
    ///     message: ${{ params.name }}
    ///     item: ${{ each.value }}
    ///     who: ${{ user.name }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/roots.yaml
    /// - id: log
    ///   action: debug:log
    ///   each: ${{ parameters.items }}
    ///   input:
    ///     message: ${{ each.value }} ${{ user.entity.metadata.name }} ${{ context.task.id }} ${{ secrets.TOKEN }} ${{ environment.parameters.x }}
    /// ```
    pub BsTplExpressionRoots {
        id: "bs-tpl-expression-roots",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplExpressionRoots {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let steps = t.steps();
            for ParsedSite { site, uses, span } in ws.parsed_expressions(t) {
                for path in &uses.paths {
                    let root = path[0].as_str();
                    if !CONTEXT_ROOTS.contains(&root) {
                        let d = out.report(
                            span,
                            format!("{code0} is not defined in a template expression", code0 = code(&root)),
                        );
                        match crate::parse::text::suggest(root, CONTEXT_ROOTS.iter().copied()) {
                            Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                            None => d.help(
                                "use `parameters`, `steps`, `secrets`, `user`, `each`, `environment` or `context`",
                            ),
                        };
                    } else if root == "each"
                        && site
                            .step
                            .is_none_or(|i| steps[i].node.get("each").is_none() || site.field == "each")
                    {
                        out.report(span, "`each` is defined only inside a step that has `each:`");
                    } else if root == "user" && path.get(1).is_some_and(|s| s != "entity" && s != "ref") {
                        out.report(
                            span,
                            format!("{code0} is not defined", code0 = code(&format!("user.{}", path[1]))),
                        )
                        .help("use `user.entity` or `user.ref`");
                    }
                }
            }
        }
    }
}
