use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks, through the XRD, that an order sets `metadata.namespace` exactly when its XRD is
    /// `Namespaced` (claims are always namespaced), and that no XR (example or order) of a
    /// cluster-scoped XRD sets one. Examples may leave the namespace out (`kubectl -n`); a
    /// namespace on an example of a cluster-scoped XR is a warning, since the API server
    /// clears it.
    ///
    /// ## Why is this bad?
    /// Flux fails with "namespace not specified" for a namespaced XR without one; a cluster-scoped
    /// XR with a namespace is rejected (catalog-orders history, commit 419a75e).
    ///
    /// ## Example
    /// The ManagedNamespace XRD is `scope: Cluster`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/system/ManagedNamespace/team-a.yaml
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: team-a
    ///   namespace: system
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog-orders file=openportal/system/ManagedNamespace/team-a.yaml
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: team-a
    /// ```
    pub XXrScope {
        id: "x-xr-scope",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for XXrScope {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.xr_candidates() {
            let Some((x, claim)) = ws.order_xrd(d) else { continue };
            let namespaced = claim || x.is_namespaced();
            let ns = d.root.path(&["metadata", "namespace"]);
            // A claim is namespaced whatever the XRD's scope: the label is then the XRD.
            let scope = || {
                if claim {
                    (x.name_span(), "the XRD offering this claim".to_string())
                } else {
                    x.scope_label()
                }
            };
            match (namespaced, ns) {
                (true, None) if ws.is_order(d) => {
                    let at = d
                        .metadata()
                        .map(|m| d.span_of_key(m, "name"))
                        .unwrap_or_else(|| d.head_span());
                    out.report(
                        at,
                        format!(
                            "{code0} is namespaced but the XR has no `metadata.namespace`",
                            code0 = code(&d.kind)
                        ),
                    )
                    .label(scope().0, scope().1);
                }
                (false, Some(n)) if ws.is_order(d) => {
                    out.report(
                        d.span(n),
                        format!(
                            "{code0} is cluster-scoped ({}) and must not set `metadata.namespace`",
                            x.scope(),
                            code0 = code(&d.kind)
                        ),
                    )
                    .label(scope().0, scope().1)
                    .help("remove `metadata.namespace`");
                }
                // An example is applied by hand: the API server clears the namespace of a
                // cluster-scoped object, so it only misleads the reader.
                (false, Some(n)) => {
                    out.report_with(
                        Severity::Warning,
                        d.span(n),
                        format!(
                            "{code0} is cluster-scoped ({}); the API server ignores its `metadata.namespace`",
                            x.scope(),
                            code0 = code(&d.kind)
                        ),
                    )
                    .label(scope().0, scope().1)
                    .help("remove `metadata.namespace`");
                }
                _ => {}
            }
        }
    }
}
