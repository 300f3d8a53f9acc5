use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `spec.scope`: `Namespaced` (the default) or `Cluster` for
    /// `apiextensions.crossplane.io/v2`; `LegacyCluster` (the default), `Namespaced` or
    /// `Cluster` for `v1`.
    ///
    /// ## Why is this bad?
    /// The API server rejects the XRD.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   scope: LegacyCluster
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
    pub XpXrdScope {
        id: "xp-xrd-scope",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdScope {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let Some(node) = x.spec().and_then(|s| s.get("scope")) else {
                continue;
            };
            let allowed: &[&str] = if x.is_v2() {
                &["Namespaced", "Cluster"]
            } else {
                &["LegacyCluster", "Namespaced", "Cluster"]
            };
            let v = node.as_str().unwrap_or("");
            if !allowed.contains(&v) {
                out.report(
                    x.doc().span(node),
                    format!(
                        "scope {code0} is not valid for {code1}",
                        code0 = code(&v),
                        code1 = code(&(x.doc().api_version))
                    ),
                )
                .help(format!("use {}", crate::parse::text::list(allowed, 3)));
            }
        }
    }
}
