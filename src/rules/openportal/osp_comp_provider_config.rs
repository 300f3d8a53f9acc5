use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks provider-kubernetes `kubernetes.m.crossplane.io/v1alpha1` `Object`s:
    /// `spec.providerConfigRef.kind` must be `ClusterProviderConfig` (error) and its `name` should
    /// be `kubernetes-provider`, the platform's provider config (warning).
    ///
    /// ## Why is this bad?
    /// The namespaced Object defaults to a namespaced `ProviderConfig` that does not exist in the
    /// team namespace, so nothing is applied.
    ///
    /// ## Example
    /// ```yaml fixture=fail/template-webapp file=configuration/composition.yaml
    /// spec:
    ///   providerConfigRef:
    ///     kind: ProviderConfig
    ///     name: default
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=configuration/composition.yaml
    /// spec:
    ///   providerConfigRef:
    ///     kind: ClusterProviderConfig
    ///     name: kubernetes-provider
    /// ```
    pub OspCompProviderConfig {
        id: "osp-comp-provider-config",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompProviderConfig {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            for r in ws.composed(&c) {
                if r.kind() != Some("Object") || r.group() != Some("kubernetes.m.crossplane.io") {
                    continue;
                }
                let Some(pcr) = r.root.path(&["spec", "providerConfigRef"]) else {
                    out.report(r.head_span(), "the Object has no `spec.providerConfigRef`")
                        .help("add `providerConfigRef: {kind: ClusterProviderConfig, name: kubernetes-provider}`");
                    continue;
                };
                if r.is_dynamic(pcr) {
                    continue;
                }
                match pcr.get("kind") {
                    Some(k) if r.is_dynamic(k) || k.as_str() == Some("ClusterProviderConfig") => {}
                    Some(k) => {
                        out.report(
                            r.span(k),
                            format!(
                                "`providerConfigRef.kind` is {code0}; the platform provides a `ClusterProviderConfig`",
                                code0 = code(&(k.scalar_text().unwrap_or_default()))
                            ),
                        );
                    }
                    None => {
                        out.report(r.span(pcr), "`providerConfigRef` has no `kind: ClusterProviderConfig`")
                            .help("without it the Object looks for a namespaced ProviderConfig in the XR's namespace");
                    }
                }
                if let Some(n) = pcr.get("name") {
                    if !r.is_dynamic(n) && n.as_str() != Some("kubernetes-provider") {
                        out.report_with(
                            crate::rules::diagnostic::Severity::Warning,
                            r.span(n),
                            format!(
                                "`providerConfigRef.name` is {code0}, not the platform's `kubernetes-provider`",
                                code0 = code(&(n.scalar_text().unwrap_or_default()))
                            ),
                        );
                    }
                }
            }
        }
    }
}
