use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every XRD version has `schema.openAPIV3Schema`.
    ///
    /// ## Why is this bad?
    /// Crossplane cannot render the CRD ("custom resource validation cannot be nil").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecords.openportal.dev
    /// spec:
    ///   versions:
    ///   - {name: v1alpha1, served: true, referenceable: true}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecords.openportal.dev
    /// spec:
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    /// ```
    pub XpXrdSchemaPresent {
        id: "xp-xrd-schema-present",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdSchemaPresent {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            for v in x.versions().iter().filter(|v| v.schema.is_none()) {
                let n = v.node.get("name").unwrap_or(v.node);
                out.report(
                    x.doc().span(n),
                    format!(
                        "version {code0} has no `schema.openAPIV3Schema`",
                        code0 = code(&v.name.unwrap_or("?"))
                    ),
                )
                .help("every version needs an OpenAPI v3 schema with `type: object` at its root");
            }
        }
    }
}
