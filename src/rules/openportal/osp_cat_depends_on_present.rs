use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every Configuration named in a catalog entry's `meta.crossplane.io/depends-on`
    /// annotation is itself in the catalog (by `metadata.name` or package name).
    ///
    /// ## Why is this bad?
    /// With `skipDependencyResolution: true` nothing installs the dependency, so the composite
    /// template fails on a missing kind.
    ///
    /// ## Example
    /// The catalog has `templates/template-whoami.yaml` and no `template-dns`:
    /// ```yaml fixture=fail/catalog file=templates/template-whoami-service.yaml
    /// metadata:
    ///   name: template-whoami-service
    ///   annotations:
    ///     meta.crossplane.io/depends-on: "template-whoami,template-dns"
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog file=templates/template-whoami-service.yaml
    /// metadata:
    ///   name: template-whoami-service
    ///   annotations:
    ///     meta.crossplane.io/depends-on: "template-whoami"
    /// ```
    pub OspCatDependsOnPresent {
        id: "osp-cat-depends-on-present",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCatDependsOnPresent {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.catalog {
            return;
        }
        let entries: Vec<String> = ws
            .docs
            .iter()
            .filter(|d| d.class == crate::model::Class::PkgObject)
            .flat_map(|d| {
                [
                    d.name().map(str::to_string),
                    d.root
                        .str_at(&["spec", "package"])
                        .map(crate::rules::util::package_name),
                ]
            })
            .flatten()
            .collect();
        for d in ws.docs.iter().filter(|d| d.class == crate::model::Class::PkgObject) {
            let Some(v) = d.annotation("meta.crossplane.io/depends-on") else {
                continue;
            };
            for dep in v
                .as_str()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                if !entries.iter().any(|e| e == dep) {
                    out.report(d.span(v), format!("{code0} is not in the catalog", code0 = code(&dep)))
                        .help("add its catalog entry, or remove it from `depends-on`");
                }
            }
        }
    }
}
