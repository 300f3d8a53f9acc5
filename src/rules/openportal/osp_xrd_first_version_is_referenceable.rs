use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `spec.versions[0]` is the served, referenceable version.
    ///
    /// ## Why is this bad?
    /// Both ingestors take the first version for the generated form and for the order's
    /// `apiVersion`, so orders would target a version that is not served or not composed.
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
    ///   - {name: v1alpha1, served: false, referenceable: false}
    ///   - {name: v1beta1, served: true, referenceable: true}
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
    ///   - {name: v1beta1, served: true, referenceable: true}
    ///   - {name: v1alpha1, served: false, referenceable: false}
    /// ```
    pub OspXrdFirstVersionIsReferenceable {
        id: "osp-xrd-first-version-is-referenceable",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdFirstVersionIsReferenceable {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let versions = x.versions();
            let Some(first) = versions.first() else { continue };
            if versions.len() > 1 && !(first.served && first.referenceable) {
                let n = first.node.get("name").unwrap_or(first.node);
                out.report(x.doc().span(n), format!("the first version {code0} is not the served, referenceable one", code0 = code(&first.name.unwrap_or("?"))))
                    .help("list the referenceable version first: the ingestor builds the form and the order's apiVersion from `versions[0]`");
            }
        }
    }
}
