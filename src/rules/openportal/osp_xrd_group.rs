use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an XRD's `spec.group` is `openportal.dev`, so its name is
    /// `<plural>.openportal.dev`.
    ///
    /// ## Why is this bad?
    /// The portal's ingestor, catalog and order layout assume the `openportal.dev` group; an XRD in
    /// another group is not offered in Backstage.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.platform.io
    /// spec:
    ///   group: platform.io
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
    pub OspXrdGroup {
        id: "osp-xrd-group",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdGroup {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let Some(n) = x.spec().and_then(|s| s.get("group")) else {
                continue;
            };
            if n.as_str() != Some("openportal.dev") {
                out.report(
                    x.doc().span(n),
                    format!(
                        "the group is {code0}; Open Service Portal templates use `openportal.dev`",
                        code0 = code(&(n.scalar_text().unwrap_or_default()))
                    ),
                )
                .help("set `spec.group: openportal.dev` and name the XRD `<plural>.openportal.dev`");
            }
        }
    }
}
