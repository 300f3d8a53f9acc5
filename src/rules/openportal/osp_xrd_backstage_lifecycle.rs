use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the annotation `backstage.io/lifecycle` is `experimental`, `production` or
    /// `deprecated`.
    ///
    /// ## Why is this bad?
    /// The portal filters and badges templates by these three values; anything else is shown as
    /// unknown.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   annotations:
    ///     backstage.io/lifecycle: beta
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: WebApp, plural: webapps}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   annotations:
    ///     backstage.io/lifecycle: experimental
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: WebApp, plural: webapps}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    /// ```
    pub OspXrdBackstageLifecycle {
        id: "osp-xrd-backstage-lifecycle",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdBackstageLifecycle {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let Some(v) = doc.annotation("backstage.io/lifecycle") else {
                continue;
            };
            let text = v.scalar_text().unwrap_or_default();
            if !matches!(text.as_str(), "experimental" | "production" | "deprecated") {
                out.report(
                    doc.span(v),
                    format!("`backstage.io/lifecycle` is {code0}", code0 = code(&text)),
                )
                .help("use `experimental`, `production` or `deprecated`");
            }
        }
    }
}
