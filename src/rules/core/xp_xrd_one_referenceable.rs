use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that exactly one version of an XRD has `referenceable: true`.
    ///
    /// ## Why is this bad?
    /// The referenceable version becomes the CRD's storage version, and a CRD needs exactly
    /// one ("must have exactly one version marked as storage version"). Compositions may only
    /// target that version.
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
    ///   - {name: v1beta1, served: true, referenceable: true}
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
    ///   - {name: v1alpha1, served: true, referenceable: false}
    ///   - {name: v1beta1, served: true, referenceable: true}
    /// ```
    pub XpXrdOneReferenceable {
        id: "xp-xrd-one-referenceable",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdOneReferenceable {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let versions = x.versions();
            if versions.is_empty() {
                continue;
            }
            let refs: Vec<_> = versions.iter().filter(|v| v.referenceable).collect();
            match refs.as_slice() {
                [] => {
                    let at = x
                        .spec()
                        .map(|s| doc.span_of_key(s, "versions"))
                        .unwrap_or_else(|| doc.head_span());
                    out.report(at, "no version is marked `referenceable: true`")
                        .help("mark exactly one served version as referenceable");
                }
                [_] => {}
                [first, rest @ ..] => {
                    for r in rest {
                        let n = r.node.get("referenceable").unwrap_or(r.node);
                        let f = first.node.get("referenceable").unwrap_or(first.node);
                        out.report(
                            doc.span(n),
                            format!(
                                "version {code0} is a second referenceable version",
                                code0 = code(&r.name.unwrap_or("?"))
                            ),
                        )
                        .label(doc.span(f), "first referenceable version")
                        .help("exactly one version may be referenceable");
                    }
                }
            }
        }
    }
}
