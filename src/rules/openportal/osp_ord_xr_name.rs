use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an order's `metadata.name` is a DNS-1123 subdomain of at most 63 characters
    /// (Crossplane caps XR names at 63).
    ///
    /// ## Why is this bad?
    /// The API server or Crossplane rejects the XR.
    ///
    /// ## Example
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/Demo_App.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: Demo_App
    ///   namespace: team-a
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    pub OspOrdXrName {
        id: "osp-ord-xr-name",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdXrName {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.orders() {
            let Some(n) = d.root.path(&["metadata", "name"]) else {
                out.report(d.head_span(), "the order has no `metadata.name`");
                continue;
            };
            let Some(name) = n.as_str() else { continue };
            if name.len() > 63 || !crate::rules::util::is_dns1123_subdomain(name) {
                out.report(
                    d.span(n),
                    format!("{code0} is not a valid XR name", code0 = code(&name)),
                )
                .help(
                    "use at most 63 lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit",
                );
            }
        }
    }
}
