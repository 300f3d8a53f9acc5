use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a template repository (one with `configuration/crossplane.yaml`) is named
    /// `template-<name>` (`^template-[a-z0-9]+(-[a-z0-9]+)*$`). The name comes from config
    /// `openportal.repo-name`, the git remote `origin`, or the directory name.
    ///
    /// ## Why is this bad?
    /// The release workflow, the catalog entry file name and the Backstage source links are all
    /// derived from the repository name.
    ///
    /// ## Example
    /// A repository (directory) named `webapp-template`, whose `configuration/crossplane.yaml` is:
    /// ```yaml fixture=fail/webapp-template file=configuration/crossplane.yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-webapp
    /// ```
    ///
    /// Use instead: the same package in a repository named `template-webapp`:
    /// ```yaml fixture=pass/template-webapp file=configuration/crossplane.yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-webapp
    /// ```
    pub OspTplRepoName {
        id: "osp-tpl-repo-name",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspTplRepoName {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template || !ws.is_package_file("configuration/crossplane.yaml") {
            return;
        }
        let name = &ws.repo.name;
        let ok = name.strip_prefix("template-").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .split('-')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        });
        if !ok {
            out.report(
                ws.span_for_path("configuration/crossplane.yaml"),
                format!(
                    "the repository is named {code0}; template repositories are named `template-<name>`",
                    code0 = code(&name)
                ),
            )
            .help("rename the repository, or set `openportal.repo-name` if the name was not detected correctly");
        }
    }
}
