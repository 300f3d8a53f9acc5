use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// When an XRD's schema requires `spec.name`, checks that it carries the annotation
    /// `openportal.dev/includeNameInSpec: "true"`.
    ///
    /// ## Why is this bad?
    /// Without it the ingestor's generated scaffolder step strips `name` from the manifest
    /// (`excludeParams: [name]`), so every order created from Backstage misses a required field and
    /// is rejected.
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
    ///         properties:
    ///           spec:
    ///             type: object
    ///             required: [name]
    ///             properties:
    ///               name: {type: string}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   annotations:
    ///     openportal.dev/includeNameInSpec: "true"
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
    ///         properties:
    ///           spec:
    ///             type: object
    ///             required: [name]
    ///             properties:
    ///               name: {type: string}
    /// ```
    pub OspXrdIncludeNameInSpec {
        id: "osp-xrd-include-name-in-spec",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdIncludeNameInSpec {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let Some(schema) = x.main_schema() else { continue };
            let Some(spec) = schema.path(&["properties", "spec"]) else {
                continue;
            };
            let required = spec
                .get("required")
                .and_then(crate::parse::yaml::Node::as_seq)
                .is_some_and(|r| r.iter().any(|n| n.as_str() == Some("name")));
            if !required || spec.path(&["properties", "name"]).is_none() {
                continue;
            }
            if doc
                .annotation("openportal.dev/includeNameInSpec")
                .and_then(|n| n.as_str())
                != Some("true")
            {
                let at = spec
                    .get("required")
                    .map(|n| doc.span(n))
                    .unwrap_or_else(|| doc.head_span());
                out.report(
                    at,
                    "`spec.name` is required but the XRD lacks `openportal.dev/includeNameInSpec: \"true\"`",
                )
                .help("add the annotation, or the generated Backstage step drops `spec.name` from every order");
            }
        }
    }
}
