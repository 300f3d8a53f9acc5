use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `spec.pipeline` has between 1 and 99 steps.
    ///
    /// ## Why is this bad?
    /// The Composition CRD rejects it (`minItems: 1`, `maxItems: 99`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef: {apiVersion: example.org/v1, kind: Web}
    ///   pipeline: []
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
    ///   - step: render
    ///     functionRef: {name: function-go-templating}
    /// ```
    pub XpCompPipelineBounds {
        id: "xp-comp-pipeline-bounds",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompPipelineBounds {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let Some(p) = c.spec().and_then(|s| s.get("pipeline")) else {
                continue;
            };
            let Some(items) = p.as_seq() else { continue };
            if items.is_empty() || items.len() > 99 {
                out.report(
                    c.doc.span(p),
                    format!("the pipeline has {} steps; it must have 1 to 99", items.len()),
                );
            }
        }
    }
}
