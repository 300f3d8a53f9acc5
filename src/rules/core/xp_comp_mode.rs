use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a Composition uses `mode: Pipeline` (the default) with a `spec.pipeline`.
    /// `mode: Resources`, or `resources:` without a mode (patch-and-transform mode, the v1
    /// default), was removed in Crossplane v2.
    ///
    /// ## Why is this bad?
    /// Crossplane v2 rejects the Composition ("an array of pipeline steps is required in
    /// Pipeline mode"); legacy Compositions stop working on upgrade.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef: {apiVersion: example.org/v1, kind: Web}
    ///   mode: Resources
    ///   resources: []
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
    ///   mode: Pipeline
    ///   pipeline:
    ///   - step: patch-and-transform
    ///     functionRef: {name: function-patch-and-transform}
    /// ```
    pub XpCompMode {
        id: "xp-comp-mode",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompMode {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let doc = c.doc;
            let Some(spec) = c.spec() else { continue };
            if c.is_legacy() {
                let at = spec
                    .get("mode")
                    .map(|n| doc.span(n))
                    .unwrap_or_else(|| doc.span_of_key(spec, "resources"));
                out.report(at, "patch-and-transform `Resources` mode was removed in Crossplane v2")
                    .help("convert to `mode: Pipeline` with a function-patch-and-transform step (`crossplane beta convert pipeline-composition`)");
                continue;
            }
            match spec.get("mode").and_then(|n| n.as_str()) {
                Some("Pipeline") | None => {}
                Some(other) => {
                    out.report(
                        doc.span(spec.get("mode").expect("has mode")),
                        format!("unknown composition mode {code0}", code0 = code(&other)),
                    )
                    .help("the only mode is `Pipeline`");
                    continue;
                }
            }
            if spec.get("pipeline").is_none() {
                out.report(
                    doc.span_of_key(&doc.root, "spec"),
                    "`spec.pipeline` is required in Pipeline mode",
                );
            }
        }
    }
}
