use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// With `--base`, checks that a catalog PR that changes an entry's `spec.package` does not
    /// lower its semantic version.
    ///
    /// ## Why is this bad?
    /// A downgrade rolls every cluster back to an older template, which may not accept the orders
    /// written for the newer one; it needs a deliberate, reviewed decision.
    ///
    /// ## Example
    /// The base revision has `template-whoami:v3.2.0`:
    /// ```yaml fixture=fail/downgrade file=head/templates/template-whoami.yaml
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-whoami:v3.1.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/upgrade file=head/templates/template-whoami.yaml
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-whoami:v3.3.0
    /// ```
    pub OspCatVersionMonotonic {
        id: "osp-cat-version-monotonic",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCatVersionMonotonic {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let tag = |d: &crate::model::Doc| d.root.str_at(&["spec", "package"]).and_then(|p| p.rsplit_once(':')).and_then(|(_, t)| semver::Version::parse(t.trim_start_matches('v')).ok());
        for d in ws.docs.iter().filter(|d| d.class == crate::model::Class::PkgObject) {
            let Some(old) = ws.base_of(d) else { continue };
            let (Some(a), Some(b)) = (tag(old), tag(d)) else { continue };
            if b < a {
                let at = d.root.path(&["spec", "package"]).map(|n| d.span(n)).unwrap_or_else(|| d.head_span());
                let old_at = old.root.path(&["spec", "package"]).map(|n| old.span(n)).unwrap_or_else(|| old.head_span());
                out.report(at, format!("the package is downgraded from v{a} to v{b}")).label(old_at, "base version").help("downgrades need a platform admin's review");
            }
        }
    }
}
