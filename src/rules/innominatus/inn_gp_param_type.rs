use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each golden-path parameter's `type` is one of `string`, `int`, `integer`,
    /// `bool`, `boolean`, `duration`, `enum` (or absent).
    ///
    /// ## Why is this bad?
    /// innominatus's parameter validator fails with "unsupported parameter type" when the
    /// golden path is run.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=goldenpaths.yaml
    /// parameters:
    ///   replicas:
    ///     type: number
    ///   org_name:
    ///     type: text
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=goldenpaths.yaml
    /// replicas:
    ///   type: int
    /// ```
    pub InnGpParamType {
        id: "inn-gp-param-type",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

const TYPES: &[&str] = &["string", "int", "integer", "bool", "boolean", "duration", "enum"];

impl Rule for InnGpParamType {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (doc, p) in ws.golden_path_parameters() {
            let Some(t) = p.value.get("type") else { continue };
            let s = t.as_str().unwrap_or("?");
            if !s.is_empty() && !TYPES.contains(&s) {
                let d = out.report(
                    doc.span(t),
                    format!(
                        "parameter {code0}: unsupported type {code1}",
                        code0 = code(&p.key),
                        code1 = code(&s)
                    ),
                );
                match crate::parse::text::suggest(s, TYPES.iter().copied()) {
                    Some(h) => d.help(format!("did you mean {code0}?", code0 = code(&h))),
                    None => d.help(format!("supported: {}", TYPES.join(", "))),
                };
            }
        }
    }
}
