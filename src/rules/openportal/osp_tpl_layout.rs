use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the files a template repository must have:
    /// `configuration/{xrd.yaml,composition.yaml,README.md}`, `.github/workflows/release.yaml`,
    /// `examples/` (plural) with a `basic-<resource>.yaml`, `kustomization.yaml`, `rbac.yaml`,
    /// `mise.toml`, `README.md`, and a `.gitignore` that ignores `*.xpkg`.
    ///
    /// ## Why is this bad?
    /// Tooling (the release workflow, Flux, the catalog generator, contributors) relies on the
    /// standard layout; drift such as `example/` or a missing `rbac.yaml` breaks it silently.
    ///
    /// ## Example
    /// A template repository with `example/demo.yaml` instead of `examples/`, no `rbac.yaml`, no
    /// `mise.toml`, and this `.gitignore`:
    /// ```text fixture=fail/template-webapp file=.gitignore
    /// target/
    /// ```
    ///
    /// Use instead: `examples/basic-webapp.yaml`, `rbac.yaml`, `mise.toml`, and a `.gitignore` with
    /// `*.xpkg`:
    /// ```text fixture=pass/template-webapp file=.gitignore
    /// *.xpkg
    /// ```
    pub OspTplLayout {
        id: "osp-tpl-layout",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspTplLayout {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template || !ws.is_package_file("configuration/crossplane.yaml") {
            return;
        }
        let at = ws.span_for_path("configuration/crossplane.yaml");
        for f in [
            "configuration/xrd.yaml",
            "configuration/composition.yaml",
            "configuration/README.md",
            ".github/workflows/release.yaml",
            "kustomization.yaml",
            "rbac.yaml",
            "mise.toml",
            "README.md",
        ] {
            if !ws.exists(f) {
                out.report(at, format!("the template repository has no {code0}", code0 = code(&f)));
            }
        }
        if !ws.exists("examples") {
            let d = out.report(at, "the template repository has no `examples/` folder");
            if ws.exists("example") {
                d.help("rename `example/` to `examples/`");
            }
        } else if !ws
            .paths
            .iter()
            .chain(ws.repo.left_out.excluded.iter().map(String::as_str))
            .chain(ws.repo.left_out.ignored.iter().map(String::as_str))
            .any(|p| {
                p.strip_prefix("examples/basic-")
                    .is_some_and(|r| r.ends_with(".yaml") && !r.contains('/'))
            })
        {
            out.report(at, "`examples/` has no `basic-<resource>.yaml`")
                .help("add a minimal example order, e.g. `examples/basic-webapp.yaml`");
        }
        match ws.text_of(".gitignore") {
            // Left out by `exclude`: it exists, its text was not read.
            None if ws.exists(".gitignore") => {}
            None => {
                out.report(at, "the template repository has no `.gitignore`")
                    .help("add one with `*.xpkg` so built packages are not committed");
            }
            Some(t) if !t.lines().any(|l| l.trim() == "*.xpkg") => {
                out.report(ws.span_for_path(".gitignore"), "`.gitignore` does not ignore `*.xpkg`")
                    .help("add a line `*.xpkg`");
            }
            Some(_) => {}
        }
    }
}
