use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that infrastructure XRs (the cluster-scoped kinds of `openportal.cluster-scoped-
    /// kinds`, default ManagedNamespace, and any cluster-scoped XR) are ordered under
    /// `<cluster>/system/`.
    ///
    /// ## Why is this bad?
    /// They affect several namespaces and are reviewed by the platform team, who look under
    /// `system/` (catalog-orders history 4415ea3: a ManagedNamespace under `demo/`).
    ///
    /// ## Example
    /// `openportal/demo/ManagedNamespace/team-a.yaml`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/demo/ManagedNamespace/team-a.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: team-a
    /// ```
    ///
    /// Use instead: the same order at `openportal/system/ManagedNamespace/team-a.yaml`:
    /// ```yaml fixture=pass/catalog-orders file=openportal/system/ManagedNamespace/team-a.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: team-a
    /// ```
    pub OspOrdInfraInSystem {
        id: "osp-ord-infra-in-system",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdInfraInSystem {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.orders() {
            let infra = ws.options.openportal.cluster_scoped_kinds.contains(&d.kind)
                || ws.order_xrd(d).is_some_and(|(x, claim)| !claim && !x.is_namespaced());
            let Some(folder) = ws.order_path(d).namespace else {
                continue;
            };
            if infra && folder != "system" {
                out.report(
                    d.kind_span(),
                    format!(
                        "the infrastructure kind {code0} is ordered under {code1}",
                        code0 = code(&d.kind),
                        code1 = code(&format!("{folder}/"))
                    ),
                )
                .help("move it under `system/`");
            }
        }
    }
}
