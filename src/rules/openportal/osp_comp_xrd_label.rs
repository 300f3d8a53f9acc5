use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a Composition carries the label `crossplane.io/xrd` naming the XRD it composes
    /// (`<plural>.<group>`; checked against the XRD when it is in the repository).
    ///
    /// ## Why is this bad?
    /// The portal and platform tooling find a template's Compositions by this label.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: webapp
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
    pub OspCompXrdLabel {
        id: "osp-comp-xrd-label",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompXrdLabel {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let doc = c.doc;
            let want = c.type_gvk().and_then(|(g, _, k)| {
                ws.xrds_for(g, k, doc.file)
                    .first()
                    .and_then(|x| x.name().map(str::to_string))
            });
            match (doc.label("crossplane.io/xrd"), want) {
                (None, want) => {
                    let at = doc
                        .metadata()
                        .map(|m| doc.span_of_key(m, "name"))
                        .unwrap_or_else(|| doc.head_span());
                    let d = out.report(at, "the Composition has no `crossplane.io/xrd` label");
                    if let Some(w) = want {
                        d.help(format!(
                            "add {code0}",
                            code0 = code(&format!("labels: {{crossplane.io/xrd: {w}}}"))
                        ));
                    }
                }
                (Some(v), Some(w)) if v.as_str() != Some(w.as_str()) => {
                    out.report(
                        doc.span(v),
                        format!(
                            "`crossplane.io/xrd` is {code0}, but the Composition composes {code1}",
                            code0 = code(&(v.scalar_text().unwrap_or_default())),
                            code1 = code(&w)
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}
