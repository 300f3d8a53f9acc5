use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::objects;
use crate::rules::{Rule, Sink};

/// Keys under the reserved prefixes that users are documented to set.
const ALLOWED: &[&str] = &[
    "kubernetes.io/ingress.class",
    "kubernetes.io/service-account.name",
    "kubernetes.io/service-account.uid",
    "kubernetes.io/change-cause",
    "kubernetes.io/description",
    "kubernetes.io/enforce-mountable-secrets",
    "kubernetes.io/metadata.name",
];

crate::declare_rule! {
    /// ## What it does
    /// Flags label and annotation keys with the `kubernetes.io/` or `k8s.io/` prefix, which are
    /// reserved for Kubernetes core components (the documented user-settable ones, such as
    /// `kubernetes.io/ingress.class`, are allowed; `app.kubernetes.io/*` is a different prefix).
    /// Backstage entities are not Kubernetes objects and are not checked.
    ///
    /// ## Why is this bad?
    /// Core components may interpret or overwrite the key; tools treat it as system-owned.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     kubernetes.io/namespace: dev
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     backstage.io/kubernetes-namespace: dev
    /// ```
    pub K8sReservedPrefixes {
        id: "k8s-reserved-prefixes",
        category: Suspicious,
        severity: Warning,
        pack: Core,
    }
}

impl Rule for K8sReservedPrefixes {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        // Kubernetes objects only: a Backstage entity is read by the catalog, not by
        // Kubernetes core components, and its annotations follow Backstage's rules
        // (`bs-ent-annotations`).
        for doc in objects(ws) {
            for e in doc.labels().iter().chain(doc.annotations()) {
                let reserved = e.key.starts_with("kubernetes.io/") || e.key.starts_with("k8s.io/");
                if reserved && !ALLOWED.contains(&e.key.as_str()) {
                    out.report(
                        doc.key_span(e),
                        format!(
                            "{code0} uses a prefix reserved for Kubernetes core components",
                            code0 = code(&e.key)
                        ),
                    )
                    .help("use a prefix of your own domain");
                }
            }
        }
    }
}
