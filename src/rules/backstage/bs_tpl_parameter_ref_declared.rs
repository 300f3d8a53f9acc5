use crate::model::backstage::{collect_properties, ParsedSite};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks every `parameters.<p>` in the steps and output: `<p>` must be declared in some form
    /// page's `properties` (or a `dependencies`, `allOf`/`anyOf`/`oneOf` or `then`/`else` branch),
    /// and `parameters.<p>.<q>` must be a declared property of an object parameter that declares
    /// `properties`.
    ///
    /// ## Why is this bad?
    /// An undeclared parameter is never filled in by the form: the expression renders as empty.
    /// Usually it is a typo or a different casing.
    ///
    /// ## Example
    /// ```yaml fixture=fail/typos.yaml
    ///       repoUrl:
    ///         type: string
    ///         ui:field: RepoUrlPicker
    ///   - title: More
    ///     properties:
    ///       db:
    ///         type: object
    ///         properties:
    ///           size: {type: string}
    /// steps:
    ///   - id: log
    ///     action: debug:log
    ///     input:
    ///       message: ${{ parameters.repoURL }}
    ///       size: ${{ parameters.db.sise }}
    /// ```
    ///
    /// Use instead: `${{ parameters.repoUrl }}` and `${{ parameters.db.size }}`.
    pub BsTplParameterRefDeclared {
        id: "bs-tpl-parameter-ref-declared",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplParameterRefDeclared {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let declared = t.parameters();
            for ParsedSite { uses, span, .. } in ws.parsed_expressions(t) {
                for path in uses.paths.iter().filter(|p| p[0] == "parameters") {
                    let Some(first) = path.get(1) else { continue };
                    let schemas: Vec<_> = declared.iter().filter(|(n, _)| n == first).map(|(_, s)| *s).collect();
                    if schemas.is_empty() {
                        let d = out.report(span, format!("parameter {code0} is not declared", code0 = code(&first)));
                        match crate::parse::text::suggest(first, declared.iter().map(|(n, _)| *n)) {
                            Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                            None => d.help("declare it in a page's `properties`"),
                        };
                        continue;
                    }
                    let Some(second) = path.get(2) else { continue };
                    let mut nested = Vec::new();
                    for s in schemas.iter().filter(|s| s.get("properties").is_some()) {
                        collect_properties(s, &mut nested, 0);
                    }
                    let open = schemas.iter().any(|s| s.get("properties").is_none());
                    if !open && !nested.iter().any(|(n, _)| n == second) {
                        let d = out.report(
                            span,
                            format!(
                                "parameter {code0} declares no property {code1}",
                                code0 = code(&first),
                                code1 = code(&second)
                            ),
                        );
                        if let Some(s) = crate::parse::text::suggest(second, nested.iter().map(|(n, _)| *n)) {
                            d.help(format!("did you mean {code0}?", code0 = code(&s)));
                        }
                    }
                }
            }
        }
    }
}
