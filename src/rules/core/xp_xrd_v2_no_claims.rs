use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `claimNames` and `connectionSecretKeys` on an `apiextensions.crossplane.io/v2`
    /// XRD, and on a `v1` XRD whose scope is not `LegacyCluster`.
    ///
    /// ## Why is this bad?
    /// Crossplane v2 removed claims ("Claims aren't supported in apiextensions.crossplane.io/v2";
    /// "Only LegacyCluster composite resources can offer claims"): the XRD is rejected.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   claimNames: {kind: WebClaim, plural: webclaims}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   scope: Namespaced
    /// ```
    pub XpXrdV2NoClaims {
        id: "xp-xrd-v2-no-claims",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdV2NoClaims {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            if !x.is_v2() && x.scope() == "LegacyCluster" {
                continue;
            }
            let Some(spec) = x.spec() else { continue };
            for key in ["claimNames", "connectionSecretKeys"] {
                if let Some(e) = spec.entry(key) {
                    let why = if x.is_v2() {
                        "apiextensions.crossplane.io/v2 has no claims".to_string()
                    } else {
                        format!(
                            "only LegacyCluster XRDs offer claims; this one is {code0}",
                            code0 = code(&x.scope())
                        )
                    };
                    out.report(
                        x.doc().key_span(e),
                        format!("{code0} is not allowed: {why}", code0 = code(&key)),
                    )
                    .help("namespaced XRs replace claims in Crossplane v2: create the XR directly in the namespace");
                }
            }
        }
    }
}
