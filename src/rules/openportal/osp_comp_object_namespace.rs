use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// For a `Namespaced` XRD, flags composed resources (and manifests wrapped in a provider-
    /// kubernetes `Object`) whose `metadata.namespace` is a fixed string instead of the XR's
    /// namespace (`{{ .observed.composite.resource.metadata.namespace }}`).
    ///
    /// ## Why is this bad?
    /// Crossplane overwrites the namespace of composed resources of a namespaced XR; a hard-coded
    /// value misleads readers, and for wrapped manifests it deploys into another team's namespace.
    ///
    /// ## Example
    /// ```yaml fixture=fail/template-webapp file=configuration/composition.yaml
    /// forProvider:
    ///   manifest:
    ///     apiVersion: apps/v1
    ///     kind: Deployment
    ///     metadata:
    ///       name: {{ $xr.metadata.name }}
    ///       namespace: default
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=configuration/composition.yaml
    /// forProvider:
    ///   manifest:
    ///     apiVersion: apps/v1
    ///     kind: Deployment
    ///     metadata:
    ///       name: {{ $xr.metadata.name }}
    ///       namespace: {{ $xr.metadata.namespace }}
    /// ```
    pub OspCompObjectNamespace {
        id: "osp-comp-object-namespace",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompObjectNamespace {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let Some(x) = ws.xrd_of(&c) else { continue };
            if !x.is_namespaced() {
                continue;
            }
            for r in ws.composed(&c) {
                let mut nodes = vec![r.root.path(&["metadata", "namespace"])];
                if let Some(m) = r.wrapped_manifest() {
                    nodes.push(m.path(&["metadata", "namespace"]));
                }
                for n in nodes.into_iter().flatten() {
                    if r.is_dynamic(n) || r.patched("metadata.namespace") {
                        continue;
                    }
                    if let Some(ns) = n.as_str() {
                        out.report(
                            r.span(n),
                            format!("the namespace is hard-coded to {code0}", code0 = code(&ns)),
                        )
                        .help("use the XR's namespace: `{{ .observed.composite.resource.metadata.namespace }}`");
                    }
                }
            }
        }
    }
}
