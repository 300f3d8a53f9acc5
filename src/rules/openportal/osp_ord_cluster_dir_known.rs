use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// In the clusters layout, checks that an order's first folder is a known cluster: one with a
    /// `kustomization.yaml` (a Flux Kustomization's path), or listed in config `orders.clusters`;
    /// when no cluster folder has one (Flux's kustomize-controller generates it), every top-level
    /// folder holding `<namespace>/<Kind>/<name>.yaml` files.
    ///
    /// ## Why is this bad?
    /// Flux never syncs an unknown folder, so the order is merged and silently never applied
    /// (catalog-orders history: `kind-test/`).
    ///
    /// ## Example
    /// `kind-test/team-a/WhoAmIApp/demo-app.yaml`, where only `openportal/` has a
    /// `kustomization.yaml`:
    /// ```yaml fixture=fail/catalog-orders file=kind-test/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    ///
    /// Use instead: the same order under a known cluster,
    /// `openportal/team-a/WhoAmIApp/demo-app.yaml`:
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    pub OspOrdClusterDirKnown {
        id: "osp-ord-cluster-dir-known",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdClusterDirKnown {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if ws.repo.orders != Some(crate::model::Layout::Clusters) {
            return;
        }
        let clusters = ws.cluster_dirs();
        let mut reported = std::collections::HashSet::new();
        for d in ws.orders() {
            let Some(c) = ws.order_path(d).cluster else { continue };
            if !clusters.iter().any(|k| k == c) && reported.insert(c.to_string()) {
                let dm = out.report(
                    d.head_span(),
                    format!("{code0} is not a known cluster folder", code0 = code(&format!("{c}/"))),
                );
                let known: Vec<&str> = clusters.iter().map(String::as_str).collect();
                let shown = crate::parse::text::nearest(c, &known, crate::parse::text::NEAREST);
                match crate::parse::text::suggest(c, known.iter().copied()) {
                    Some(s) => dm.help(format!("did you mean {code0}? (known: {shown})", code0 = code(&format!("{s}/")))),
                    None => dm.help(format!("known cluster folders: {shown}; add a kustomization.yaml and a Flux Kustomization for a new cluster")),
                };
            }
        }
    }
}
