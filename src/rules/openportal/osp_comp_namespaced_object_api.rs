use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// When the XRD is `Namespaced`, checks that provider-kubernetes `Object`s the Composition
    /// renders use the namespaced `kubernetes.m.crossplane.io/v1alpha1`, not the cluster-scoped
    /// `kubernetes.crossplane.io/v1alpha2`.
    ///
    /// ## Why is this bad?
    /// A namespaced XR may not compose cluster-scoped resources: Crossplane refuses and the XR
    /// never becomes ready.
    ///
    /// ## Example
    /// The go-template of a Composition whose XRD has `scope: Namespaced`:
    /// ```yaml fixture=fail/template-webapp file=configuration/composition.yaml
    /// template: |
    ///   {{- $xr := .observed.composite.resource }}
    ///   apiVersion: kubernetes.crossplane.io/v1alpha2
    ///   kind: Object
    ///   metadata:
    ///     name: {{ $xr.metadata.name }}-deployment
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=configuration/composition.yaml
    /// template: |
    ///   {{- $xr := .observed.composite.resource }}
    ///   apiVersion: kubernetes.m.crossplane.io/v1alpha1
    ///   kind: Object
    ///   metadata:
    ///     name: {{ $xr.metadata.name }}-deployment
    /// ```
    pub OspCompNamespacedObjectApi {
        id: "osp-comp-namespaced-object-api",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompNamespacedObjectApi {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (_, x, r) in ws.namespaced_composed() {
            let k = x.kind().unwrap_or_default();
            if r.kind() == Some("Object") && r.group() == Some("kubernetes.crossplane.io") {
                let (scope_at, scope_says) = x.scope_label();
                out.report(r.head_span(), format!("the namespaced {code0} composes the cluster-scoped {code1} Object", code0 = code(&k), code1 = code(&(r.api_version().unwrap_or("")))))
                    .note("the cluster-scoped Object is composed here")
                    .label(scope_at, scope_says)
                    .help("use `apiVersion: kubernetes.m.crossplane.io/v1alpha1` with `providerConfigRef.kind: ClusterProviderConfig`");
            }
        }
    }
}
