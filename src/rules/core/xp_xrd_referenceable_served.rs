use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the referenceable version is also `served: true`.
    ///
    /// ## Why is this bad?
    /// Crossplane requires it ("The referenceable version must be served"); Compositions
    /// target that version, so nothing could be composed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecords.openportal.dev
    /// spec:
    ///   versions:
    ///   - {name: v1alpha1, served: false, referenceable: true}
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
    ///   - {name: v1alpha1, served: true, referenceable: true}
    /// ```
    pub XpXrdReferenceableServed {
        id: "xp-xrd-referenceable-served",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdReferenceableServed {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            for v in x.versions().iter().filter(|v| v.referenceable && !v.served) {
                let n = v.node.get("served").unwrap_or(v.node);
                out.report(
                    x.doc().span(n),
                    format!(
                        "referenceable version {code0} is not served",
                        code0 = code(&v.name.unwrap_or("?"))
                    ),
                )
                .help("set `served: true`");
            }
        }
    }
}
