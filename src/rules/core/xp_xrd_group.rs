use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::is_dns1123_subdomain;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `spec.group` is a DNS-1123 subdomain with at least one dot.
    ///
    /// ## Why is this bad?
    /// The API server rejects the generated CRD ("should be a domain with at least one dot").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecords.openportal
    /// spec:
    ///   group: openportal
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
    /// ```
    pub XpXrdGroup {
        id: "xp-xrd-group",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdGroup {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let Some(node) = x.spec().and_then(|s| s.get("group")) else {
                continue;
            };
            let Some(g) = node.as_str() else { continue };
            if !g.contains('.') || !is_dns1123_subdomain(g) {
                out.report(
                    x.doc().span(node),
                    format!("{code0} is not a valid API group", code0 = code(&g)),
                )
                .help("use a lowercase domain with at least one dot, e.g. `platform.example.org`");
            }
        }
    }
}
