use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `spec.writeConnectionSecretsToNamespace` on a Composition whose XRD is not
    /// `LegacyCluster`.
    ///
    /// ## Why is this bad?
    /// Crossplane v2 Namespaced and Cluster XRs have no connection secrets; the field is dead
    /// configuration that suggests secrets are written when they are not.
    ///
    /// ## Example
    /// The XRD of `Web` is `scope: Namespaced`:
    /// ```yaml fixture=fail/namespaced file=composition.yaml
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: example.org/v1
    ///     kind: Web
    ///   writeConnectionSecretsToNamespace: crossplane-system
    /// ```
    ///
    /// Use instead: no connection secret namespace (keep it only for a `LegacyCluster` XRD).
    /// ```yaml fixture=pass/namespaced file=composition.yaml
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: example.org/v1
    ///     kind: Web
    /// ```
    pub XpCompLegacyFields {
        id: "xp-comp-legacy-fields",
        category: Suspicious,
        severity: Warning,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompLegacyFields {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let Some(spec) = c.spec() else { continue };
            let Some(e) = spec.entry("writeConnectionSecretsToNamespace") else {
                continue;
            };
            let Some(x) = ws.xrd_of(&c) else { continue };
            let k = x.kind().unwrap_or_default();
            if x.scope() != "LegacyCluster" {
                out.report(
                    c.doc.key_span(e),
                    format!(
                        "`writeConnectionSecretsToNamespace` has no effect for the {} XR {code0}",
                        x.scope(),
                        code0 = code(&k)
                    ),
                )
                .label(x.scope_label().0, x.scope_label().1)
                .help("Crossplane v2 XRs have no connection secrets; compose a Secret explicitly if you need one");
            }
        }
    }
}
