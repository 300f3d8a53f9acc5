use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

const LEGACY_SPEC: &[&str] = &[
    "compositionRef",
    "compositionSelector",
    "compositionRevisionRef",
    "compositionRevisionSelector",
    "compositionUpdatePolicy",
    "resourceRefs",
    "claimRef",
    "writeConnectionSecretToRef",
];

crate::declare_rule! {
    /// ## What it does
    /// Flags schema fields that Crossplane injects into the CRD it renders: `spec.crossplane`
    /// on v2 (Namespaced/Cluster) XRDs; `spec.compositionRef`, `compositionSelector`,
    /// `compositionRevisionRef`, `compositionRevisionSelector`, `compositionUpdatePolicy`,
    /// `resourceRefs`, `claimRef` and `writeConnectionSecretToRef` on LegacyCluster XRDs;
    /// `status.conditions` always (and `status.connectionDetails` for LegacyCluster), which
    /// Crossplane accepts and replaces: those are warnings, not errors.
    ///
    /// ## Why is this bad?
    /// Crossplane silently overwrites the declared field with its own, so the schema the author
    /// wrote is not the one the cluster enforces.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   versions:
    ///   - name: v1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    ///         properties:
    ///           spec:
    ///             type: object
    ///             properties:
    ///               crossplane: {type: object}
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
    ///   - name: v1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    ///         properties:
    ///           spec:
    ///             type: object
    ///             properties:
    ///               size: {type: string}
    /// ```
    pub XpXrdReservedSpecFields {
        id: "xp-xrd-reserved-spec-fields",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdReservedSpecFields {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let legacy = x.scope() == "LegacyCluster";
            for v in x.versions() {
                let Some(schema) = v.schema else { continue };
                let props = |p: &str| {
                    schema
                        .path(&["properties", p, "properties"])
                        .and_then(Node::as_map)
                        .unwrap_or(&[])
                };
                for e in props("spec") {
                    let reserved = if legacy {
                        LEGACY_SPEC.contains(&e.key.as_str())
                    } else {
                        e.key == "crossplane"
                    };
                    if reserved {
                        out.report(
                            x.doc().key_span(e),
                            format!(
                                "{code0} is injected by Crossplane and must not be declared",
                                code0 = code(&format!("spec.{}", e.key))
                            ),
                        )
                        .help("remove it from the schema; Crossplane adds it to the generated CRD");
                    }
                }
                for e in props("status") {
                    let reserved = e.key == "conditions"
                        || (legacy && matches!(e.key.as_str(), "connectionDetails" | "claimConditionTypes"));
                    if reserved {
                        // Crossplane accepts the XRD and replaces the declared field with its
                        // own when it renders the CRD (issue 15 §5): a warning, never an error.
                        out.report_with(
                            crate::rules::diagnostic::Severity::Warning,
                            x.doc().key_span(e),
                            format!(
                                "{code0} is replaced by Crossplane's own definition in the generated CRD",
                                code0 = code(&format!("status.{}", e.key))
                            ),
                        )
                        .help("Crossplane drops the declared schema for this field; remove it from the schema");
                    }
                }
            }
        }
    }
}
