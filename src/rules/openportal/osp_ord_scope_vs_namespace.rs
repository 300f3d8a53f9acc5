use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a namespaced order sets `metadata.namespace` and a cluster-scoped one does not
    /// (the scope comes from the XRD; without a known XRD, an order under `system/` must not set a
    /// namespace).
    ///
    /// ## Why is this bad?
    /// Flux fails ("namespace not specified"), or the API server rejects a namespace on a cluster-
    /// scoped XR (catalog-orders 419a75e).
    ///
    /// ## Example
    /// `openportal/system/ManagedNamespace/team-a.yaml`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/system/ManagedNamespace/team-a.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: team-a
    ///   namespace: system
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog-orders file=openportal/system/ManagedNamespace/team-a.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: team-a
    /// ```
    pub OspOrdScopeVsNamespace {
        id: "osp-ord-scope-vs-namespace",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdScopeVsNamespace {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.orders() {
            let ns = d.root.path(&["metadata", "namespace"]);
            let scope = ws.order_xrd(d).map(|(x, claim)| claim || x.is_namespaced());
            let in_system = ws
                .order_path(d)
                .namespace
                .is_some_and(|f| f == "system" || f == "cluster-scoped");
            match (scope, ns) {
                (Some(true), None) => {
                    let at = d
                        .metadata()
                        .map(|m| d.span_of_key(m, "name"))
                        .unwrap_or_else(|| d.head_span());
                    out.report(
                        at,
                        format!(
                            "the namespaced {code0} order has no `metadata.namespace`",
                            code0 = code(&d.kind)
                        ),
                    );
                }
                (Some(false), Some(n)) => {
                    out.report(
                        d.span(n),
                        format!(
                            "the cluster-scoped {code0} order must not set `metadata.namespace`",
                            code0 = code(&d.kind)
                        ),
                    )
                    .help("remove it");
                }
                (None, Some(n)) if in_system => {
                    out.report(
                        d.span(n),
                        "an order under `system/` is cluster-scoped and must not set `metadata.namespace`",
                    )
                    .help("remove it");
                }
                _ => {}
            }
        }
    }
}
