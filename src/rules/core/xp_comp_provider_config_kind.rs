use crate::model::composed::provider_config_kind;
use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `spec.providerConfigRef.kind` of a composed namespaced managed resource (an API
    /// group with an `m` label, Crossplane v2: `s3.aws.m.upbound.io`,
    /// `kubernetes.m.crossplane.io`): it must be `ProviderConfig` (namespaced, in the
    /// resource's namespace) or `ClusterProviderConfig`. Omitted, it defaults to
    /// `ClusterProviderConfig` and is not reported. Checked on what the Composition states
    /// statically; a templated kind is not judged.
    ///
    /// ## Why is this bad?
    /// A v2 provider resolves only these two kinds: any other value leaves the managed
    /// resource unreconciled (no conditions, no events), and the XR never becomes ready.
    ///
    /// ## Example
    /// ```yaml fixture=fail/lowercase file=composition.yaml
    /// providerConfigRef:
    ///   kind: providerconfig  # expect: xp-comp-provider-config-kind
    ///   name: default
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/cluster file=composition.yaml
    /// providerConfigRef:
    ///   kind: ClusterProviderConfig
    ///   name: default
    /// ```
    pub XpCompProviderConfigKind {
        id: "xp-comp-provider-config-kind",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompProviderConfigKind {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            for f in provider_config_kind(&ws.composed(&c)) {
                let Some(span) = f.span else { continue };
                out.report(span, f.message).help(f.help);
            }
        }
    }
}
