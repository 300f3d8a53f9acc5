use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an XRD carries the label `terasky.backstage.io/generate-form: "true"`. The OSP
    /// docs disagree on whether it is still required (template-standards.md says yes,
    /// annotations.md lists it as removed); the TeraSky ingestor uses it as its default selector,
    /// so it is kept as a warning that config can turn off.
    ///
    /// ## Why is this bad?
    /// Without it the selected ingestor may not generate a Backstage form for the template.
    ///
    /// ## Example
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
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   labels:
    ///     terasky.backstage.io/generate-form: "true"
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
    pub OspXrdGenerateFormLabel {
        id: "osp-xrd-generate-form-label",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdGenerateFormLabel {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            if doc.label("terasky.backstage.io/generate-form").and_then(|n| n.as_str()) != Some("true") {
                let at = doc.label("terasky.backstage.io/generate-form").map(|n| doc.span(n)).unwrap_or_else(|| doc.metadata().map(|m| doc.span_of_key(m, "name")).unwrap_or_else(|| doc.head_span()));
                out.report(at, "the XRD lacks `terasky.backstage.io/generate-form: \"true\"`")
                    .help("add the label, or turn this rule off (`rules: {osp-xrd-generate-form-label: off}`) if your ingestor does not need it");
            }
        }
    }
}
