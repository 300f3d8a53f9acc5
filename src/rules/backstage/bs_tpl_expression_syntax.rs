use crate::model::backstage::{analyse, expression_sites, FILTERS};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Parses every `${{ … }}` in a template's steps and output: it must be closed by `}}`, its
    /// brackets and strings balanced, and every filter known (the Nunjucks built-ins, Backstage's
    /// `parseRepoUrl`, `parseEntityRef`, `pick`, `projectSlug`, and `backstage.filters` from the
    /// config).
    ///
    /// ## Why is this bad?
    /// The step fails to render when the task runs, after the user filled in the form.
    ///
    /// ## Example
    /// ```yaml fixture=fail/invalid.yaml
    /// input:
    ///   a: ${{ parameters.name }
    ///   b: ${{ parameters.name | lowercase }}
    ///   c: ${{ (parameters.name }}
    ///   d: ${{ parameters.a || parameters.b }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/valid.yaml
    /// input:
    ///   message: ${{ parameters.name | lower | replace('-', '_') }}
    ///   title: ${{ "Create " + parameters.name + " now" }}
    ///   slug: ${{ parameters.repoUrl | parseRepoUrl | pick('repo') }}
    ///   cond: ${{ parameters.name if parameters.name else 'x' }}
    ///   obj: ${{ { 'a': parameters.name } | dump }}
    /// ```
    pub BsTplExpressionSyntax {
        id: "bs-tpl-expression-syntax",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplExpressionSyntax {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let custom = &ws.options.backstage_options.filters;
        for t in ws.templates() {
            for site in expression_sites(t) {
                let span = ws.span_in(t.0, site.node, site.expr.whole);
                if !site.expr.closed {
                    out.report(span, "`${{` is not closed by `}}`");
                    continue;
                }
                match analyse(site.expr.inner) {
                    Err(e) => {
                        out.report(span, format!("invalid expression: {e}"));
                    }
                    Ok(uses) => {
                        for f in uses
                            .filters
                            .iter()
                            .filter(|f| !FILTERS.contains(&f.as_str()) && !custom.contains(f))
                        {
                            let d = out.report(span, format!("unknown filter {code0}", code0 = code(&f)));
                            match crate::parse::text::suggest(f, FILTERS.iter().copied()) {
                                Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                                None => d.help("register custom filters under `backstage.filters` in the config"),
                            };
                        }
                    }
                }
            }
        }
    }
}
