use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags an order into a platform namespace: `crossplane-system`, `flux-system`, `external-
    /// dns`, `ingress-nginx`, `kube-*` or `default` (config `orders.platform-namespaces`).
    ///
    /// ## Why is this bad?
    /// XRs must not be created in platform namespaces (namespaces.md); the portal's form defaults
    /// to `default`, so this happens by accident.
    ///
    /// ## Example
    /// `openportal/kube-public/WhoAmIApp/demo-app.yaml`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/kube-public/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: kube-public
    /// ```
    ///
    /// Use instead: the team's namespace, `openportal/team-a/WhoAmIApp/demo-app.yaml`:
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    pub OspOrdNotPlatformNamespace {
        id: "osp-ord-not-platform-namespace",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdNotPlatformNamespace {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.orders() {
            let Some(n) = d.root.path(&["metadata", "namespace"]) else {
                continue;
            };
            let Some(ns) = n.as_str() else { continue };
            if crate::rules::util::matches_any(ns, &ws.options.orders.platform_namespaces) {
                out.report(
                    d.span(n),
                    format!(
                        "{code0} is a platform namespace; XRs are ordered into team namespaces",
                        code0 = code(&ns)
                    ),
                )
                .help("order into your team's namespace");
            }
        }
    }
}
