use crate::model::Workspace;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks version deprecation fields: `deprecationWarning` only with `deprecated: true`,
    /// non-empty, at most 256 characters and printable.
    ///
    /// ## Why is this bad?
    /// The API server rejects the XRD or the generated CRD.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     deprecationWarning: use v1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     deprecated: true
    ///     deprecationWarning: use v1
    /// ```
    pub XpXrdDeprecation {
        id: "xp-xrd-deprecation",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdDeprecation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            for v in x.versions() {
                let Some(w) = v.node.get("deprecationWarning") else {
                    continue;
                };
                let deprecated = v.node.get("deprecated").and_then(Node::as_bool).unwrap_or(false);
                let text = w.as_str().unwrap_or("");
                if !deprecated {
                    out.report(
                        doc.span(w),
                        "`deprecationWarning` is set but the version is not `deprecated: true`",
                    )
                    .help("add `deprecated: true` or remove the warning");
                } else if text.trim().is_empty() {
                    out.report(doc.span(w), "`deprecationWarning` must not be empty");
                } else if text.chars().count() > 256 {
                    out.report(
                        doc.span(w),
                        format!(
                            "`deprecationWarning` is {} characters long; at most 256 are allowed",
                            text.chars().count()
                        ),
                    );
                } else if text.chars().any(|c| c.is_control()) {
                    out.report(
                        doc.span(w),
                        "`deprecationWarning` must contain only printable characters",
                    );
                }
            }
        }
    }
}
