use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::CLUSTER_SCOPED_KINDS;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a Composition for a `Namespaced` XRD that renders a cluster-scoped resource:
    /// Namespace, ClusterRole(Binding), CustomResourceDefinition, StorageClass,
    /// PersistentVolume and other cluster-scoped core kinds, the cluster-scoped
    /// provider-kubernetes `Object` (`kubernetes.crossplane.io`), or an XR of a cluster-scoped
    /// XRD of the repository.
    ///
    /// ## Why is this bad?
    /// Crossplane refuses to compose it ("namespaced XR … cannot compose cluster scoped
    /// resource") and the XR never becomes ready.
    ///
    /// ## Example
    /// A go-templating step of a Composition for a Namespaced XRD renders:
    /// ```yaml fixture=fail/namespaced file=composition.yaml
    /// template: |
    ///   apiVersion: rbac.authorization.k8s.io/v1
    ///   kind: ClusterRole
    ///   metadata:
    ///     name: {{ .observed.composite.resource.metadata.name }}
    ///     annotations:
    ///       gotemplating.fn.crossplane.io/composition-resource-name: cm
    /// ```
    ///
    /// Use instead: a namespaced resource.
    /// ```yaml fixture=pass/namespaced file=composition.yaml
    /// template: |
    ///   apiVersion: v1
    ///   kind: ConfigMap
    ///   metadata:
    ///     name: {{ .observed.composite.resource.metadata.name }}
    ///     annotations:
    ///       gotemplating.fn.crossplane.io/composition-resource-name: cm
    /// ```
    pub XpCompNamespacedXrClusterResource {
        id: "xp-comp-namespaced-xr-cluster-resource",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompNamespacedXrClusterResource {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (c, x, r) in ws.namespaced_composed() {
            let k = x.kind().unwrap_or_default();
            let (Some(group), Some(kind)) = (r.group(), r.kind()) else {
                continue;
            };
            let core_cluster = CLUSTER_SCOPED_KINDS.contains(&kind)
                && (group.is_empty() || group.ends_with(".k8s.io") || group == "apiextensions.k8s.io");
            let cluster_object = kind == "Object" && group == "kubernetes.crossplane.io";
            let cluster_xr = ws
                .xrds_for(group, kind, c.doc.file)
                .first()
                .is_some_and(|cx| !cx.is_namespaced());
            if core_cluster || cluster_object || cluster_xr {
                let (scope_at, scope_says) = x.scope_label();
                let d = out
                    .report(
                        r.head_span(),
                        format!(
                            "a Composition for the namespaced {code0} cannot compose the cluster-scoped {code1}",
                            code0 = code(&k),
                            code1 = code(&kind)
                        ),
                    )
                    .note(format!("the cluster-scoped {code0} is composed here", code0 = code(&kind)))
                    .label(scope_at, scope_says);
                if cluster_object {
                    d.help("use the namespaced `kubernetes.m.crossplane.io/v1alpha1` Object");
                }
            }
        }
    }
}
