use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a golden-path parameter of `type: enum` lists its `allowed_values`.
    ///
    /// ## Why is this bad?
    /// innominatus's validator rejects every value of an enum without allowed values, so the
    /// golden path cannot be run with the parameter set.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=goldenpaths.yaml
    /// goldenpaths:
    ///   team-setup:
    ///     workflow: ./workflows/team-setup.yaml
    ///     parameters:
    ///       visibility:
    ///         type: enum
    ///         default: public
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=goldenpaths.yaml
    /// visibility:
    ///   type: enum
    ///   default: public
    ///   allowed_values: [public, private]
    /// ```
    pub InnGpEnum {
        id: "inn-gp-enum",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnGpEnum {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (doc, p) in ws.golden_path_parameters() {
            if p.value.get("type").and_then(Node::as_str) != Some("enum") {
                continue;
            }
            let values = p.value.get("allowed_values").and_then(Node::as_seq);
            if values.is_none_or(|v| v.is_empty()) {
                out.report(
                    doc.key_span(p),
                    format!("enum parameter {code0} has no `allowed_values`", code0 = code(&p.key)),
                );
            }
        }
    }
}
