use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags object-typed properties with sub-properties directly under `spec` of the referenceable
    /// version.
    ///
    /// ## Why is this bad?
    /// The OSP ingestor renders only the top-level `spec.properties` into the Backstage form: an
    /// object becomes an opaque field, and its nested required fields, enums and patterns are lost,
    /// so developers cannot fill it in correctly.
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
    ///             properties:
    ///               persistence:
    ///                 type: object
    ///                 properties:
    ///                   size: {type: string}
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
    ///         properties:
    ///           spec:
    ///             type: object
    ///             properties:
    ///               persistenceSize: {type: string}
    /// ```
    pub OspXrdFormFlatSpec {
        id: "osp-xrd-form-flat-spec",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdFormFlatSpec {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let Some(props) = x
                .main_schema()
                .and_then(|s| s.path(&["properties", "spec", "properties"]))
                .and_then(crate::parse::yaml::Node::as_map)
            else {
                continue;
            };
            for e in props {
                if e.value.str_at(&["type"]) == Some("object") && e.value.get("properties").is_some() {
                    out.report(
                        doc.key_span(e),
                        format!(
                            "{code0} is a nested object; the Backstage form shows only top-level fields",
                            code0 = code(&format!("spec.{}", e.key))
                        ),
                    )
                    .help("flatten it into top-level `spec` fields so the form can render and validate them");
                }
            }
        }
    }
}
