use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a Composition is `apiextensions.crossplane.io/v1` with an explicit `spec.mode:
    /// Pipeline`, as the template standard requires.
    ///
    /// ## Why is this bad?
    /// Relying on the default hides the mode from reviewers, and legacy Resources-mode Compositions
    /// do not run on Crossplane v2.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: webapp
    ///   labels:
    ///     crossplane.io/xrd: webapps.openportal.dev
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: openportal.dev/v1alpha1
    ///     kind: WebApp
    ///   pipeline:
    ///   - step: render
    ///     functionRef:
    ///       name: function-go-templating
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: webapp
    ///   labels:
    ///     crossplane.io/xrd: webapps.openportal.dev
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: openportal.dev/v1alpha1
    ///     kind: WebApp
    ///   mode: Pipeline
    ///   pipeline:
    ///   - step: render
    ///     functionRef:
    ///       name: function-go-templating
    /// ```
    pub OspCompPipeline {
        id: "osp-comp-pipeline",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompPipeline {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let doc = c.doc;
            if doc.version() != "v1" {
                let at = doc
                    .root
                    .get("apiVersion")
                    .map(|n| doc.span(n))
                    .unwrap_or_else(|| doc.head_span());
                out.report(
                    at,
                    format!(
                        "Compositions are `apiextensions.crossplane.io/v1`, found {code0}",
                        code0 = code(&doc.api_version)
                    ),
                );
            }
            let Some(spec) = c.spec() else { continue };
            match spec.get("mode") {
                None => {
                    out.report(
                        doc.span_of_key(&doc.root, "spec"),
                        "the Composition does not state `mode: Pipeline`",
                    )
                    .help("add `mode: Pipeline` (the template standard requires it explicitly)");
                }
                Some(m) if m.as_str() != Some("Pipeline") => {
                    out.report(doc.span(m), "the template standard requires `mode: Pipeline`");
                }
                Some(_) => {}
            }
        }
    }
}
