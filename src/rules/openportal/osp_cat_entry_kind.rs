use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks each catalog entry `templates/*.yaml`: exactly one `pkg.crossplane.io/v1`
    /// `Configuration` with `spec.package` set (the catalog generator's format; catalog README's
    /// older GitRepository + Kustomization entries are not installed as packages).
    ///
    /// ## Why is this bad?
    /// An entry that is not a package Configuration installs nothing, so the template never reaches
    /// the cluster.
    ///
    /// ## Example
    /// ```yaml fixture=fail/catalog file=templates/template-valkey.yaml
    /// apiVersion: source.toolkit.fluxcd.io/v1
    /// kind: GitRepository
    /// metadata:
    ///   name: template-valkey
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog file=templates/template-whoami.yaml
    /// apiVersion: pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: template-whoami
    /// spec:
    /// ```
    pub OspCatEntryKind {
        id: "osp-cat-entry-kind",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCatEntryKind {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.catalog {
            return;
        }
        let entries: std::collections::BTreeSet<&str> = ws.catalog_entries().collect();
        for rel in entries {
            let docs: Vec<_> = ws.docs_in(rel).collect();
            let configs: Vec<_> = docs
                .iter()
                .filter(|d| d.class == crate::model::Class::PkgObject && d.kind == "Configuration")
                .collect();
            match configs.as_slice() {
                [] => {
                    let at = docs
                        .first()
                        .map(|d| d.kind_span())
                        .unwrap_or_else(|| ws.span_for_path(rel));
                    out.report(
                        at,
                        format!("{code0} holds no `pkg.crossplane.io` Configuration", code0 = code(&rel)),
                    )
                    .help("catalog entries are package Configurations pinned to a release");
                }
                [c, rest @ ..] => {
                    for extra in rest {
                        out.report(extra.kind_span(), "a second Configuration in one catalog entry")
                            .label(c.kind_span(), "first one here");
                    }
                    if c.root
                        .path(&["spec", "package"])
                        .and_then(|n| n.as_str())
                        .is_none_or(str::is_empty)
                    {
                        out.report(c.kind_span(), "the Configuration has no `spec.package`");
                    }
                }
            }
            for d in docs
                .iter()
                .filter(|d| d.is_object() && !(d.class == crate::model::Class::PkgObject && d.kind == "Configuration"))
            {
                out.report(
                    d.kind_span(),
                    format!("{code0} does not belong in a catalog entry", code0 = code(&d.kind)),
                );
            }
        }
    }
}
