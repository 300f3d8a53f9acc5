use crate::model::{Class, Workspace};
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks each package root (a folder with a `crossplane.yaml` that holds package metadata,
    /// or nothing that says what else it is; a file merely named `crossplane.yaml` whose
    /// documents are of other kinds is not a package): it holds exactly one
    /// package metadata object (`meta.pkg.crossplane.io`), and in a `template-*` repository
    /// that object is a `Configuration`.
    ///
    /// ## Why is this bad?
    /// `crossplane xpkg build` fails ("not exactly one package meta type", "package meta type
    /// is not Configuration") and no release is published.
    ///
    /// ## Example
    /// `configuration/crossplane.yaml` holds a Configuration and, after it, a second package
    /// metadata object:
    /// ```yaml fixture=fail/two file=configuration/crossplane.yaml
    /// ---
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Provider
    /// metadata:
    ///   name: provider-web
    /// ```
    ///
    /// Use instead: the Configuration alone.
    /// ```yaml fixture=pass/package file=configuration/crossplane.yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-web
    /// ```
    pub XpPkgOneMeta {
        id: "xp-pkg-one-meta",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpPkgOneMeta {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let roots: Vec<&str> = ws
            .paths
            .iter()
            .filter(|p| p.rsplit('/').next() == Some("crossplane.yaml") && ws.is_package_file(p))
            .map(|p| p.rsplit_once('/').map_or("", |(d, _)| d))
            .collect();
        for root in roots {
            let under = |rel: &str| root.is_empty() || rel.starts_with(&format!("{root}/"));
            // A nested package root owns its own subtree.
            let nested = |rel: &str| {
                ws.paths.iter().filter(|p| ws.is_package_file(p)).any(|p| {
                    let d = p.strip_suffix("/crossplane.yaml").unwrap_or("\0");
                    d != root && under(p) && rel.starts_with(&format!("{d}/"))
                })
            };
            let metas: Vec<_> = ws
                .docs_of(Class::PkgMeta)
                .filter(|d| under(ws.rel(d)) && !nested(ws.rel(d)))
                .collect();
            let file = if root.is_empty() {
                "crossplane.yaml".to_string()
            } else {
                format!("{root}/crossplane.yaml")
            };
            match metas.as_slice() {
                [] => {
                    out.report(
                        ws.span_for_path(&file),
                        format!(
                            "{code0} holds no package metadata (`meta.pkg.crossplane.io`)",
                            code0 = code(&file)
                        ),
                    );
                }
                [first, rest @ ..] => {
                    for d in rest {
                        out.report(d.kind_span(), "a second package metadata object in the same package")
                            .label(first.kind_span(), "first one here")
                            .help("a package root holds exactly one `crossplane.yaml` object");
                    }
                    if ws.repo.is_template && first.kind != "Configuration" {
                        out.report(
                            first.kind_span(),
                            format!(
                                "a template repository packages a `Configuration`, not a {code0}",
                                code0 = code(&first.kind)
                            ),
                        );
                    }
                }
            }
        }
    }
}
