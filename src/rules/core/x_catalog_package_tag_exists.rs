use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// With `--base` in a catalog repository whose packages map to template repositories (config
    /// `catalog.packages`), checks that each entry's pinned tag exists in the template repository.
    ///
    /// ## Why is this bad?
    /// A pin to a tag that was never released (a typo, or a tag deleted after a failed release)
    /// installs nothing, and the catalog sync fails in the cluster.
    ///
    /// ## Example
    /// The template repository has the tags `v1.0.0` and `v1.1.0` (the case's `template/`):
    /// ```yaml fixture=fail/unreleased-tag file=head/templates/template-dns-record.yaml
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-dns-record:v1.9.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/released-tag file=head/templates/template-dns-record.yaml
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-dns-record:v1.1.0
    /// ```
    pub XCatalogPackageTagExists {
        id: "x-catalog-package-tag-exists",
        category: Suspicious,
        severity: Warning,
        pack: Core,
    }
}

impl Rule for XCatalogPackageTagExists {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(pr) = ws.pr.as_ref() else { return };
        for p in pr.packages.iter().filter(|p| !p.tag_exists) {
            let Some(d) = ws.docs_in(&p.entry).find(|d| d.class == crate::model::Class::PkgObject) else {
                continue;
            };
            let at = d
                .root
                .path(&["spec", "package"])
                .map(|n| d.span(n))
                .unwrap_or_else(|| d.head_span());
            out.report(
                at,
                format!(
                    "tag {code0} does not exist in the template repository of {code1}",
                    code0 = code(&p.tag),
                    code1 = code(&p.package)
                ),
            )
            .help("pin a released tag of the template repository");
        }
    }
}
