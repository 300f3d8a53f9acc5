use crate::model::composed::ComposedView;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::CLUSTER_SCOPED_KINDS;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a Composition for a `Namespaced` XRD that renders a cluster-scoped resource:
    /// Namespace, ClusterRole(Binding), CustomResourceDefinition, StorageClass,
    /// PersistentVolume and other cluster-scoped core kinds, the cluster-scoped
    /// provider-kubernetes `Object` (`kubernetes.crossplane.io`), an XR of a cluster-scoped
    /// XRD of the repository, or a kind whose CRD given with `--crds` is `scope: Cluster`.
    /// Checked on what the Composition states statically and on what it renders for the
    /// repository's example XRs (docs/render.md): a rendered resource with a namespace of its
    /// own is not judged (Crossplane checks only those without one, and sets the XR's
    /// namespace on namespaced ones itself).
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

/// Why `group`/`kind` is cluster-scoped, when it is known to be: a cluster-scoped core kind,
/// the cluster-scoped provider-kubernetes `Object`, a cluster-scoped XRD of the repository
/// or a CRD given with `--crds` whose `scope` is `Cluster`.
fn cluster_scoped(ws: &Workspace, group: &str, kind: &str, near: crate::parse::source::FileId) -> Option<Why> {
    if CLUSTER_SCOPED_KINDS.contains(&kind)
        && (group.is_empty() || group.ends_with(".k8s.io") || group == "apiextensions.k8s.io")
    {
        return Some(Why::Core);
    }
    if kind == "Object" && group == "kubernetes.crossplane.io" {
        return Some(Why::Object);
    }
    if ws.xrds_for(group, kind, near).first().is_some_and(|cx| !cx.is_namespaced()) {
        return Some(Why::Xrd);
    }
    if ws.crds.find(group, kind).is_some_and(|c| c.cluster_scoped) {
        return Some(Why::Crd);
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Why {
    Core,
    Object,
    Xrd,
    Crd,
}

impl Rule for XpCompNamespacedXrClusterResource {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let mut seen = std::collections::HashSet::new();
        for (c, x, r) in ws.namespaced_composed() {
            let k = x.kind().unwrap_or_default();
            let (Some(group), Some(kind)) = (r.group(), r.kind()) else {
                continue;
            };
            let Some(why) = cluster_scoped(ws, group, kind, c.doc.file) else {
                continue;
            };
            seen.insert(r.span_at(&["kind"]));
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
            if why == Why::Object {
                d.help("use the namespaced `kubernetes.m.crossplane.io/v1alpha1` Object");
            }
        }
        // Rendered: Crossplane checks a composed resource without a namespace of its own
        // (v2 sets the XR's namespace on the namespaced ones itself: not an error).
        for (r, c, xr) in ws.each_render() {
            let Some(x) = ws.xrd_of(&c).filter(|x| x.is_namespaced()) else {
                continue;
            };
            for res in &r.resources {
                let (Some((group, _, kind)), Some(span)) = (res.gvk(), res.origin) else {
                    continue;
                };
                if res.namespace().is_some_and(|n| !n.is_empty()) {
                    continue;
                }
                let Some(why) = cluster_scoped(ws, group, kind, c.doc.file) else {
                    continue;
                };
                if !seen.insert(Some(span)) {
                    continue;
                }
                let (at, label) = ws.rendered_for(xr);
                let d = out
                    .report(
                        span,
                        format!(
                            "the namespaced {code0} renders the cluster-scoped {code1} (composition-resource-name {code2}); \
                             Crossplane cannot apply it",
                            code0 = code(&x.kind().unwrap_or_default()),
                            code1 = code(&kind),
                            code2 = code(&res.name)
                        ),
                    )
                    .label(at, label);
                let (scope_at, scope_says) = x.scope_label();
                d.label(scope_at, scope_says);
                if why == Why::Object {
                    d.help("use the namespaced `kubernetes.m.crossplane.io/v1alpha1` Object");
                }
            }
        }
    }
}
