use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the namespace folder of an order: for a namespaced XR it equals `metadata.namespace`;
    /// a cluster-scoped XR lives under `system/` (`cluster-scoped/` is the legacy name).
    ///
    /// ## Why is this bad?
    /// The folder is how reviewers and the ownership check see where an order lands; a mismatch
    /// deploys into another team's namespace than the one reviewed.
    ///
    /// ## Example
    /// `openportal/team-a/WhoAmIApp/demo-app.yaml`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-b
    /// ```
    ///
    /// Use instead: the namespace of the folder (or move the file to
    /// `openportal/team-b/WhoAmIApp/`):
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    pub OspOrdNamespaceFolder {
        id: "osp-ord-namespace-folder",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdNamespaceFolder {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.orders() {
            let p = ws.order_path(d);
            let Some(folder) = p.namespace else { continue };
            let cluster_scoped = ws.order_xrd(d).is_some_and(|(x, claim)| !claim && !x.is_namespaced());
            let ns = d.root.path(&["metadata", "namespace"]);
            if cluster_scoped {
                if folder != "system" && folder != "cluster-scoped" {
                    out.report(
                        d.kind_span(),
                        format!(
                            "the cluster-scoped {code0} is in {code1}; it belongs under `system/`",
                            code0 = code(&d.kind),
                            code1 = code(&format!("{folder}/"))
                        ),
                    );
                }
                continue;
            }
            match ns.and_then(|n| n.as_str()) {
                Some(v) if v != folder => {
                    out.report(
                        d.span(ns.expect("present")),
                        format!(
                            "`metadata.namespace` is {code0} but the order is in the {code1} folder",
                            code0 = code(&v),
                            code1 = code(&format!("{folder}/"))
                        ),
                    )
                    .help(format!(
                        "move the file to the {code0} folder, or set {code1}",
                        code0 = code(&format!("{v}/")),
                        code1 = code(&format!("namespace: {folder}"))
                    ));
                }
                _ => {}
            }
        }
    }
}
