use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks golden-path parameter bounds: `min` and `max` apply to `int`/`integer`
    /// parameters only, and `min` ≤ `max`.
    ///
    /// ## Why is this bad?
    /// Bounds on another type are ignored, and with `min` above `max` no value is accepted.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=goldenpaths.yaml
    /// parameters:
    ///   replicas:
    ///     type: int
    ///     min: 10
    ///     max: 1
    ///   org_name:
    ///     type: string
    ///     min: 3
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=goldenpaths.yaml
    /// replicas:
    ///   type: int
    ///   min: 1
    ///   max: 10
    /// ```
    pub InnGpMinMax {
        id: "inn-gp-min-max",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnGpMinMax {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (doc, p) in ws.golden_path_parameters() {
            let (min, max) = (p.value.get("min"), p.value.get("max"));
            if min.is_none() && max.is_none() {
                continue;
            }
            let t = p.value.get("type").and_then(Node::as_str).unwrap_or("");
            if !matches!(t, "int" | "integer") {
                let at = min.or(max).map_or_else(|| doc.key_span(p), |n| doc.span(n));
                out.report(
                    at,
                    format!(
                        "parameter {code0}: `min`/`max` apply to int parameters, not {code1}",
                        code0 = code(&p.key),
                        code1 = code(&t)
                    ),
                );
                continue;
            }
            if let (Some(lo), Some(hi)) = (min.and_then(Node::as_i64), max.and_then(Node::as_i64)) {
                if lo > hi {
                    out.report(
                        doc.span(max.expect("present")),
                        format!(
                            "parameter {code0}: `max` {hi} is below `min` {lo}",
                            code0 = code(&p.key)
                        ),
                    );
                }
            }
        }
    }
}
