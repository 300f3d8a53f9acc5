use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a catalog entry's `spec.package` is pinned:
    /// `<registry>/<org>/<name>:vMAJOR.MINOR.PATCH` (optionally with a pre-release suffix) or a
    /// `@sha256:` digest; `:latest` and untagged references are rejected.
    ///
    /// ## Why is this bad?
    /// An unpinned package changes under the platform without a catalog PR, so no review ever sees
    /// the new version (template-exposed-service's catalog entry uses `:latest`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: template-whoami
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-whoami:latest
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: template-whoami
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-whoami:v1.2.0
    /// ```
    pub OspCatPackagePinned {
        id: "osp-cat-package-pinned",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCatPackagePinned {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.docs.iter().filter(|d| d.class == crate::model::Class::PkgObject && d.kind == "Configuration") {
            let Some(n) = d.root.path(&["spec", "package"]) else { continue };
            let Some(p) = n.as_str() else { continue };
            if crate::rules::util::is_templated(p) {
                continue;
            }
            if let Some(problem) = crate::rules::util::pin_problem(p) {
                out.report(d.span(n), problem).help("pin a release tag (`:v1.2.3`) or a digest (`@sha256:…`)");
            }
        }
    }
}
