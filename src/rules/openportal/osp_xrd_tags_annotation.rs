use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `openportal.dev/tags` used as a label. It must be an annotation (the ingestor reads it
    /// with `getAnnotation`).
    ///
    /// ## Why is this bad?
    /// Label values cannot contain `,`, so the API server rejects the XRD; one doc (app-
    /// portal/kubernetes-ingestor.md) wrongly documents it as a label.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   labels:
    ///     openportal.dev/tags: "dns,cloudflare"
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
    ///     openportal.dev/tags: "dns,cloudflare"
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
    pub OspXrdTagsAnnotation {
        id: "osp-xrd-tags-annotation",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdTagsAnnotation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            if let Some(e) = doc.labels().iter().find(|e| e.key == "openportal.dev/tags") {
                out.report(doc.key_span(e), "`openportal.dev/tags` must be an annotation, not a label")
                    .help("move it under `metadata.annotations`");
            }
        }
    }
}
