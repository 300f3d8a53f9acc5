use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an XRD is `scope: Namespaced` (the v2 default). Only kinds that must create
    /// cluster-scoped objects may be `Cluster`; they are listed in config `openportal.cluster-
    /// scoped-kinds` (default: `ManagedNamespace`).
    ///
    /// ## Why is this bad?
    /// Orders live in team namespaces; a cluster-scoped XR cannot be ordered into a namespace
    /// folder and escapes namespace RBAC.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: WebApp, plural: webapps}
    ///   scope: Cluster
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
    ///   scope: Namespaced
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    /// ```
    pub OspXrdScope {
        id: "osp-xrd-scope",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdScope {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            if x.scope() != "Cluster"
                || x.kind()
                    .is_some_and(|k| ws.options.openportal.cluster_scoped_kinds.iter().any(|c| c == k))
            {
                continue;
            }
            let at = x
                .spec()
                .and_then(|s| s.get("scope"))
                .map(|n| x.doc().span(n))
                .unwrap_or_else(|| x.doc().head_span());
            out.report(at, format!("{code0} is cluster-scoped; portal XRs should be `Namespaced`", code0 = code(&(x.kind().unwrap_or("?")))))
                .help("use `scope: Namespaced`, or list the kind in `openportal.cluster-scoped-kinds` if it must create cluster-scoped objects");
        }
    }
}
