use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a composed resource of a namespaced XR rendered with a `metadata.namespace` other
    /// than the XR's, found by rendering the repository's example XRs (docs/render.md); only
    /// examples that give their namespace are judged.
    ///
    /// ## Why is this bad?
    /// Crossplane v2 composes a namespaced XR's resources in the XR's own namespace: it
    /// overwrites the namespace and warns ("cannot create composed resource … in namespace …,
    /// using XR namespace … instead"), so the resource is not where the Composition says.
    ///
    /// ## Example
    /// The template puts the ConfigMap in `kube-system`:
    /// ```yaml fixture=fail/other file=apis/composition.yaml
    ///           apiVersion: v1
    ///           kind: ConfigMap  # expect: xp-render-namespace-overridden
    ///           metadata:
    ///             name: settings
    ///             namespace: kube-system
    /// ```
    ///
    /// Use instead: leave the namespace out (Crossplane sets the XR's).
    /// ```yaml fixture=pass/unset file=apis/composition.yaml
    ///           apiVersion: v1
    ///           kind: ConfigMap
    ///           metadata:
    ///             name: settings
    /// ```
    pub XpRenderNamespaceOverridden {
        id: "xp-render-namespace-overridden",
        category: Suspicious,
        severity: Warning,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpRenderNamespaceOverridden {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let mut seen = std::collections::HashSet::new();
        for (r, c, xr) in ws.each_render() {
            if !ws.xrd_of(&c).is_some_and(|x| x.is_namespaced()) {
                continue;
            }
            let Some(xr_ns) = xr.root.str_at(&["metadata", "namespace"]).filter(|n| !n.is_empty()) else {
                continue;
            };
            for res in &r.resources {
                let (Some(ns), Some(span)) = (res.namespace().filter(|n| !n.is_empty()), res.origin) else {
                    continue;
                };
                if ns == xr_ns || !seen.insert(span) {
                    continue;
                }
                let (at, label) = ws.rendered_for(xr);
                out.report(
                    span,
                    format!(
                        "the composed {code0} {code1} is rendered in the namespace {code2}, but the XR is in \
                         {code3}: Crossplane composes it in {code3} instead",
                        code0 = code(&res.gvk().map_or("", |g| g.2)),
                        code1 = code(&res.name),
                        code2 = code(&ns),
                        code3 = code(&xr_ns)
                    ),
                )
                .label(at, label)
                .help("leave `metadata.namespace` out: Crossplane sets the XR's namespace on what it composes");
            }
        }
    }
}
