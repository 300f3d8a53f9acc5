use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags an XRD kind with the legacy `X` prefix (`XNamespace`).
    ///
    /// ## Why is this bad?
    /// The prefix distinguished XRs from claims in Crossplane v1; v2 has no claims, and the kind is
    /// what developers see in Backstage and in their order files.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: xwebapps.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: XWebApp, plural: xwebapps}
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
    pub OspXrdNoXPrefix {
        id: "osp-xrd-no-x-prefix",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdNoXPrefix {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let Some(kind) = x.kind() else { continue };
            let mut c = kind.chars();
            if c.next() == Some('X') && c.next().is_some_and(|n| n.is_ascii_uppercase()) {
                let n = x.spec().and_then(|s| s.path(&["names", "kind"])).expect("has kind");
                out.report(
                    x.doc().span(n),
                    format!("{code0} uses the legacy `X` prefix", code0 = code(&kind)),
                )
                .help(format!("name it {code0}", code0 = code(&(&kind[1..]))));
            }
        }
    }
}
