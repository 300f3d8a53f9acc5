use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a software template has `spec.type` and `spec.steps`, and that every step has an
    /// `action`.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the template (`Template.v1beta3.schema.json`), or the run fails at the
    /// step without an action.
    ///
    /// ## Example
    /// ```yaml fixture=fail/no-action.yaml
    /// steps:
    ///   - id: fetch
    ///     name: Fetch
    ///     input:
    ///       url: ./skeleton
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// steps:
    ///   - id: fetch
    ///     name: Fetch
    ///     action: fetch:template
    ///     input:
    ///       url: ./skeleton
    /// ```
    pub BsKindTemplate {
        id: "bs-kind-template",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsKindTemplate {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        crate::rules::util::required_spec_fields(ws, out, "Template", &["type"], &["steps"]);
        for t in ws.templates() {
            for step in t.steps() {
                match step.node.get("action") {
                    None => {
                        let what = step.id.map_or_else(
                            || format!("step {}", step.index + 1),
                            |id| format!("step {code0}", code0 = code(&id)),
                        );
                        out.report(t.0.span(step.node), format!("{what} has no `action`"));
                    }
                    Some(a) if a.as_str().is_none_or(|s| s.trim().is_empty()) => {
                        out.report(t.0.span(a), "`action` must be a non-empty string");
                    }
                    Some(_) => {}
                }
            }
        }
    }
}
