use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a golden-path parameter's `pattern` compiles as an RE2 regular expression (Go's
    /// `regexp`): look-arounds and back-references are not supported.
    ///
    /// ## Why is this bad?
    /// The parameter validator fails on the pattern, so every value of the parameter is rejected.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=goldenpaths.yaml
    /// parameters:
    ///   name:
    ///     type: string
    ///     pattern: '^(?!-)[a-z-]+$'
    /// ```
    ///
    /// Use instead: `pattern: '^[a-z][a-z-]*$'`.
    pub InnGpPatternCompiles {
        id: "inn-gp-pattern-compiles",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnGpPatternCompiles {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (doc, p) in ws.golden_path_parameters() {
            let Some(node) = p.value.get("pattern") else { continue };
            let Some(pattern) = node.as_str() else { continue };
            if let Err(e) = regex::Regex::new(pattern) {
                let first = e.to_string().lines().last().unwrap_or("").trim().to_string();
                out.report(
                    doc.span(node),
                    format!(
                        "the pattern of {code0} is not a valid RE2 expression: {first}",
                        code0 = code(&p.key)
                    ),
                )
                .help("Go's regexp has no look-arounds or back-references");
            }
        }
    }
}
