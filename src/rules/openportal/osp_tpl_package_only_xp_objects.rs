use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every YAML document under the package root `configuration/` (other than
    /// `crossplane.yaml`) is a CompositeResourceDefinition, Composition,
    /// ManagedResourceActivationPolicy, Operation, CronOperation or WatchOperation.
    ///
    /// ## Why is this bad?
    /// The build runs `crossplane xpkg build --package-root=configuration` without an ignore list,
    /// and the Configuration linter rejects any other kind: the release fails.
    ///
    /// ## Example
    /// `configuration/rbac.yaml`:
    /// ```yaml fixture=fail/template-webapp file=configuration/rbac.yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: crossplane-webapp
    /// ```
    ///
    /// Use instead: the same ClusterRole in `rbac.yaml` at the repository root:
    /// ```yaml fixture=pass/template-webapp file=rbac.yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: crossplane-webapp
    /// ```
    pub OspTplPackageOnlyXpObjects {
        id: "osp-tpl-package-only-xp-objects",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspTplPackageOnlyXpObjects {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        const ALLOWED: &[&str] = &[
            "CompositeResourceDefinition",
            "Composition",
            "ManagedResourceActivationPolicy",
            "Operation",
            "CronOperation",
            "WatchOperation",
        ];
        if !ws.repo.is_template {
            return;
        }
        for d in &ws.docs {
            let rel = ws.rel(d);
            if !rel.starts_with("configuration/") || rel == "configuration/crossplane.yaml" || !d.is_object() {
                continue;
            }
            if !ALLOWED.contains(&d.kind.as_str()) {
                out.report(d.kind_span(), format!("{code0} in {code1} is not allowed in the package root", code0 = code(&d.kind), code1 = code(&rel)))
                    .help("a Configuration package may hold only XRDs, Compositions and operation kinds; move this file out of `configuration/`");
            }
        }
    }
}
