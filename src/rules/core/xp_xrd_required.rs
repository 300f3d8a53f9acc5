use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the fields an XRD must have: `spec.group`, `spec.names` and `spec.versions`,
    /// and `name`, `referenceable` and `served` on every version.
    ///
    /// ## Why is this bad?
    /// The API server rejects the XRD.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecords.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: DNSRecord, plural: dnsrecords}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecords.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: DNSRecord, plural: dnsrecords}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    /// ```
    pub XpXrdRequired {
        id: "xp-xrd-required",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdRequired {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let Some(spec) = x.spec() else {
                out.report(doc.head_span(), "the XRD has no `spec`");
                continue;
            };
            for req in ["group", "names", "versions"] {
                if spec.get(req).is_none() {
                    out.report(
                        doc.span_of_key(&doc.root, "spec"),
                        format!("missing required field {code0}", code0 = code(&format!("spec.{req}"))),
                    );
                }
            }
            for v in x.versions() {
                for req in ["name", "referenceable", "served"] {
                    if v.node.get(req).is_none() {
                        let name = v.name.unwrap_or("?");
                        out.report(
                            doc.span(v.node),
                            format!(
                                "version {code0} is missing required field {code1}",
                                code0 = code(&name),
                                code1 = code(&req)
                            ),
                        );
                    }
                }
            }
        }
    }
}
