use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a catalog entry is `templates/<package-name>.yaml` and its `metadata.name` is
    /// `<package-name>`, the last path segment of `spec.package` without the tag, as the catalog
    /// generator writes it.
    ///
    /// ## Why is this bad?
    /// Inconsistent names (the real catalog mixes `template-dns-record` and `configuration-
    /// cloudflare-dnsrecord`) make the next generated release PR add a second entry instead of
    /// updating this one.
    ///
    /// ## Example
    /// `templates/foo.yaml`:
    /// ```yaml fixture=fail/catalog file=templates/foo.yaml
    /// metadata:
    ///   name: template-bar
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-bar:v1.2.0
    /// ```
    ///
    /// Use instead: the file named after the package, `templates/template-whoami.yaml`:
    /// ```yaml fixture=pass/catalog file=templates/template-whoami.yaml
    /// metadata:
    ///   name: template-whoami
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-whoami:v1.2.0
    /// ```
    pub OspCatFileName {
        id: "osp-cat-file-name",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCatFileName {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.catalog {
            return;
        }
        for d in ws
            .docs
            .iter()
            .filter(|d| d.class == crate::model::Class::PkgObject && ws.rel(d).starts_with("templates/"))
        {
            let Some(p) = d.root.str_at(&["spec", "package"]) else {
                continue;
            };
            let pkg = crate::rules::util::package_name(p);
            let file = ws.rel(d).trim_start_matches("templates/").trim_end_matches(".yaml");
            if file != pkg {
                out.report(
                    d.root
                        .path(&["spec", "package"])
                        .map(|n| d.span(n))
                        .unwrap_or_else(|| d.head_span()),
                    format!(
                        "the entry for {code0} is in {code1}",
                        code0 = code(&pkg),
                        code1 = code(&format!("templates/{file}.yaml"))
                    ),
                )
                .help(format!(
                    "name the file {code0}",
                    code0 = code(&format!("templates/{pkg}.yaml"))
                ));
            }
            if let Some(n) = d.root.path(&["metadata", "name"]) {
                if n.as_str() != Some(pkg.as_str()) {
                    out.report(
                        d.span(n),
                        format!("`metadata.name` should be the package name {code0}", code0 = code(&pkg)),
                    );
                }
            }
        }
    }
}
