use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a composite resource's `metadata.name` is at most 63 characters.
    ///
    /// ## Why is this bad?
    /// Crossplane caps XR names at 63 characters (they become label values of composed resources);
    /// a longer name is rejected.
    ///
    /// ## Example
    /// A 64-character name:
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    ///   namespace: team-a
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    pub XpXrNameLength {
        id: "xp-xr-name-length",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for XpXrNameLength {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.xr_candidates() {
            let Some(n) = d.root.path(&["metadata", "name"]) else {
                continue;
            };
            let Some(name) = n.as_str() else { continue };
            if name.chars().count() > 63 && !crate::rules::util::is_templated(name) {
                out.report(
                    d.span(n),
                    format!(
                        "the XR name is {} characters long; Crossplane allows at most 63",
                        name.chars().count()
                    ),
                );
            }
        }
    }
}
