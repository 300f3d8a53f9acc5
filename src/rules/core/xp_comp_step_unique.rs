use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the `step` names of a pipeline are unique.
    ///
    /// ## Why is this bad?
    /// The pipeline is a list-map keyed by `step`: the API server rejects duplicates, and
    /// function results and context are keyed by step name.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef: {apiVersion: example.org/v1, kind: Web}
    ///   pipeline:
    ///   - {step: render, functionRef: {name: function-go-templating}}
    ///   - {step: render, functionRef: {name: function-auto-ready}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef: {apiVersion: example.org/v1, kind: Web}
    ///   pipeline:
    ///   - {step: render, functionRef: {name: function-go-templating}}
    ///   - {step: ready, functionRef: {name: function-auto-ready}}
    /// ```
    pub XpCompStepUnique {
        id: "xp-comp-step-unique",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompStepUnique {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let steps = c.steps();
            for (i, s) in steps.iter().enumerate() {
                let Some(name) = s.name else { continue };
                if let Some(first) = steps[..i].iter().find(|o| o.name == Some(name)) {
                    let at = |n: &crate::parse::yaml::Node| c.doc.span(n.get("step").unwrap_or(n));
                    out.report(
                        at(s.node),
                        format!("step {code0} is defined twice", code0 = code(&name)),
                    )
                    .label(at(first.node), "first defined here")
                    .help("give every step a unique name");
                }
            }
        }
    }
}
