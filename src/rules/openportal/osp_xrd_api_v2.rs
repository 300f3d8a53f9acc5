use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an Open Service Portal XRD uses `apiextensions.crossplane.io/v2`.
    ///
    /// ## Why is this bad?
    /// The template standard requires Crossplane v2 XRDs (namespaced XRs, no claims); v1 XRDs get
    /// LegacyCluster XRs that the portal's ordering flow does not support.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
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
    pub OspXrdApiV2 {
        id: "osp-xrd-api-v2",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdApiV2 {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            if !x.is_v2() {
                let doc = x.doc();
                let at = doc
                    .root
                    .get("apiVersion")
                    .map(|n| doc.span(n))
                    .unwrap_or_else(|| doc.head_span());
                out.report(
                    at,
                    format!(
                        "the XRD uses {code0}; the template standard requires `apiextensions.crossplane.io/v2`",
                        code0 = code(&doc.api_version)
                    ),
                )
                .help("use `apiVersion: apiextensions.crossplane.io/v2` (and namespaced XRs instead of claims)");
            }
        }
    }
}
