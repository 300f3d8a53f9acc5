use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// For a `Namespaced` XRD, flags a `Namespace` the Composition renders, directly or wrapped in
    /// a provider-kubernetes `Object`.
    ///
    /// ## Why is this bad?
    /// A namespaced XR may not create namespaces (Crossplane refuses cluster-scoped composed
    /// resources, and a wrapped Namespace escapes the team's RBAC); namespaces are ordered through
    /// the platform's ManagedNamespace.
    ///
    /// ## Example
    /// ```yaml fixture=fail/template-webapp file=configuration/composition.yaml
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: {{ $xr.metadata.name }}
    ///   annotations:
    ///     gotemplating.fn.crossplane.io/composition-resource-name: ns
    /// ```
    ///
    /// Use instead: order a `ManagedNamespace`, and compose only objects inside the XR's namespace:
    /// ```yaml fixture=pass/template-webapp file=configuration/composition.yaml
    /// forProvider:
    ///   manifest:
    ///     apiVersion: apps/v1
    ///     kind: Deployment
    ///     metadata:
    ///       name: {{ $xr.metadata.name }}
    ///       namespace: {{ $xr.metadata.namespace }}
    /// ```
    pub OspCompNoNamespaceCreation {
        id: "osp-comp-no-namespace-creation",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompNoNamespaceCreation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (_, x, r) in ws.namespaced_composed() {
            let k = x.kind().unwrap_or_default();
            let direct = r.kind() == Some("Namespace") && r.group() == Some("");
            let wrapped = r
                .wrapped_manifest()
                .and_then(|m| m.get("kind"))
                .filter(|kn| kn.as_str() == Some("Namespace"));
            let at = match (direct, wrapped) {
                (true, _) => r.head_span(),
                (false, Some(kn)) => r.span(kn),
                _ => continue,
            };
            let (scope_at, scope_says) = x.scope_label();
            out.report(
                at,
                format!("the namespaced {code0} creates a Namespace", code0 = code(&k)),
            )
            .note("the Namespace is composed here")
            .label(scope_at, scope_says)
            .help("namespaces are provisioned by ordering a ManagedNamespace");
        }
    }
}
