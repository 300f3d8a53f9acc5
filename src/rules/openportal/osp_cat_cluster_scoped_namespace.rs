use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `metadata.namespace` on cluster-scoped Crossplane objects: package
    /// `Configuration`/`Function`/`Provider`, XRD, Composition and EnvironmentConfig.
    ///
    /// ## Why is this bad?
    /// The namespace has no effect on a cluster-scoped object and misleads readers about where it
    /// lives (every entry of the real catalog sets `crossplane-system`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: template-whoami
    ///   namespace: crossplane-system
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-whoami:v1.2.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: template-whoami
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-whoami:v1.2.0
    /// ```
    pub OspCatClusterScopedNamespace {
        id: "osp-cat-cluster-scoped-namespace",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCatClusterScopedNamespace {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        use crate::model::Class;
        for d in ws.docs.iter().filter(|d| {
            matches!(
                d.class,
                Class::PkgObject | Class::Xrd | Class::Composition | Class::EnvironmentConfig
            )
        }) {
            if let Some(e) = d.metadata().and_then(|m| m.entry("namespace")) {
                out.report(
                    d.key_span(e),
                    format!(
                        "{code0} is cluster-scoped; `metadata.namespace` has no effect",
                        code0 = code(&d.kind)
                    ),
                )
                .help("remove it");
            }
        }
    }
}
