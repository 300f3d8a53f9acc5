use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a template repository keeps its package metadata at
    /// `configuration/crossplane.yaml` (the package root the shared build uses).
    ///
    /// ## Why is this bad?
    /// The shared build workflow runs `crossplane xpkg build --package-root=configuration` and
    /// exits with "configuration/crossplane.yaml not found": no release is published.
    ///
    /// ## Example
    /// `crossplane.yaml` at the repository root:
    /// ```yaml fixture=fail/template-webapp file=crossplane.yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-webapp
    /// ```
    ///
    /// Use instead: the same file at `configuration/crossplane.yaml`:
    /// ```yaml fixture=pass/template-webapp file=configuration/crossplane.yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-webapp
    /// ```
    pub OspTplPackageRoot {
        id: "osp-tpl-package-root",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspTplPackageRoot {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_dir || ws.is_package_file("configuration/crossplane.yaml") || ws.index.xrds.is_empty() {
            return;
        }
        let metas: Vec<_> = ws.docs_of(crate::model::Class::PkgMeta).collect();
        for m in &metas {
            out.report(
                m.kind_span(),
                format!(
                    "package metadata is at {code0}; the template build expects `configuration/crossplane.yaml`",
                    code0 = code(&ws.rel(m))
                ),
            )
            .help("move it (and the XRD and Composition) under `configuration/`");
        }
        // Only a known name (config or git remote) says template: a checkout folder's does not.
        if metas.is_empty() && ws.repo.named && ws.repo.name.starts_with("template-") {
            let x = ws.xrds().next().expect("has an XRD");
            out.report(
                x.doc().kind_span(),
                "the template repository has no `configuration/crossplane.yaml`",
            )
            .help("add a `meta.pkg.crossplane.io/v1` Configuration at `configuration/crossplane.yaml`");
        }
    }
}
