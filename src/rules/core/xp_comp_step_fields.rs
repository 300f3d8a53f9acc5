use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks every pipeline step: `step` and `functionRef.name` are required, and `input`,
    /// when present, is an embedded Kubernetes object with `apiVersion` and `kind`.
    ///
    /// ## Why is this bad?
    /// The API server rejects the Composition.
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
    ///   - step: render
    ///     functionRef: {name: function-go-templating}
    ///     input:
    ///       template: "{}"
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
    ///     input:
    ///       apiVersion: gotemplating.fn.crossplane.io/v1beta1
    ///       kind: GoTemplate
    ///       source: Inline
    ///       inline: {template: "{}"}
    /// ```
    pub XpCompStepFields {
        id: "xp-comp-step-fields",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompStepFields {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let doc = c.doc;
            for s in c.steps() {
                if s.name.is_none() {
                    out.report(doc.span(s.node), "pipeline step has no `step` name");
                }
                if s.function.is_none() {
                    out.report(
                        doc.span(s.node.get("functionRef").unwrap_or(s.node)),
                        "pipeline step has no `functionRef.name`",
                    )
                    .help("name the Function that runs this step, e.g. `functionRef: {name: function-go-templating}`");
                }
                if let Some(input) = s.input {
                    let missing: Vec<&str> = ["apiVersion", "kind"]
                        .into_iter()
                        .filter(|k| input.get(k).is_none())
                        .collect();
                    if !missing.is_empty() && input.as_map().is_some() {
                        out.report(doc.span_of_key(s.node, "input"), format!("step input has no {}", crate::parse::text::list(&missing, 2)))
                            .help("a function input is a Kubernetes object: give it the `apiVersion` and `kind` the function documents");
                    }
                }
            }
        }
    }
}
