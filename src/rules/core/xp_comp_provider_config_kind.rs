use crate::model::composed::{provider_config_kind, ComposedView};
use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `spec.providerConfigRef.kind` of a composed namespaced managed resource (an API
    /// group with an `m` label, Crossplane v2: `s3.aws.m.upbound.io`,
    /// `kubernetes.m.crossplane.io`): it must be `ProviderConfig` (namespaced, in the
    /// resource's namespace) or `ClusterProviderConfig`. Omitted, it defaults to
    /// `ClusterProviderConfig` and is not reported. Checked on what the Composition states
    /// statically (a templated kind is not judged there) and on what it renders for the
    /// repository's example XRs (docs/render.md).
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
        // The static view's resources with a finding, by the span of their `kind` (where a
        // rendered resource made from them points).
        let mut seen = std::collections::HashSet::new();
        for c in ws.compositions() {
            for r in ws.composed(&c) {
                for f in provider_config_kind(std::slice::from_ref(&r)) {
                    let Some(span) = f.span else { continue };
                    seen.extend(r.span_at(&["kind"]));
                    out.report(span, f.message).help(f.help);
                }
            }
        }
        for (r, _, xr) in ws.each_render() {
            let views: Vec<_> = r.resources.iter().map(|x| x.view()).collect();
            for f in provider_config_kind(&views) {
                let Some(span) = f.span else { continue };
                if !seen.insert(span) {
                    continue;
                }
                let (at, label) = ws.rendered_for(xr);
                out.report(span, f.message).label(at, label).help(f.help);
            }
        }
    }
}
