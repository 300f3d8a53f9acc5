use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `.github/workflows/release.yaml` of a template repository: it runs on tags `v*.*.*`,
    /// calls the shared build `open-service-portal/.github/.github/workflows/build-crossplane-
    /// package.yaml` and the catalog update `open-service-portal/catalog/.github/workflows/update-
    /// catalog-entry.yaml`.
    ///
    /// ## Why is this bad?
    /// Without them a tag publishes no package and opens no catalog PR, so the release never
    /// reaches the portal.
    ///
    /// ## Example
    /// ```yaml fixture=fail/template-webapp file=.github/workflows/release.yaml
    /// name: Release
    /// on:
    ///   push:
    ///     branches: [main]
    /// jobs:
    ///   build:
    ///     uses: open-service-portal/.github/.github/workflows/build-crossplane-package.yaml@main
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=.github/workflows/release.yaml
    /// name: Release
    /// on:
    ///   push:
    ///     tags: ['v*.*.*']
    /// jobs:
    ///   build:
    ///     uses: open-service-portal/.github/.github/workflows/build-crossplane-package.yaml@main
    ///     secrets: inherit
    ///   catalog:
    ///     needs: build
    ///     uses: open-service-portal/catalog/.github/workflows/update-catalog-entry.yaml@main
    ///     secrets: inherit
    /// ```
    pub OspTplReleaseWorkflow {
        id: "osp-tpl-release-workflow",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspTplReleaseWorkflow {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template {
            return;
        }
        for d in ws.docs_in(".github/workflows/release.yaml") {
            let tags = d
                .root
                .path(&["on", "push", "tags"])
                .and_then(crate::parse::yaml::Node::as_seq)
                .unwrap_or(&[]);
            if !tags
                .iter()
                .filter_map(|t| t.as_str())
                .any(|t| t.starts_with('v') && t.contains('*'))
            {
                let at = d
                    .root
                    .entry("on")
                    .map(|e| d.key_span(e))
                    .unwrap_or_else(|| d.head_span());
                out.report(at, "the release workflow does not run on version tags (`v*.*.*`)");
            }
            let uses: Vec<&str> = d
                .root
                .get("jobs")
                .and_then(crate::parse::yaml::Node::as_map)
                .unwrap_or(&[])
                .iter()
                .filter_map(|j| j.value.get("uses").and_then(crate::parse::yaml::Node::as_str))
                .collect();
            let jobs_at = d
                .root
                .entry("jobs")
                .map(|e| d.key_span(e))
                .unwrap_or_else(|| d.head_span());
            for (needle, what) in [
                (
                    "/.github/workflows/build-crossplane-package.yaml",
                    "the shared package build",
                ),
                (
                    "/catalog/.github/workflows/update-catalog-entry.yaml",
                    "the catalog update",
                ),
            ] {
                if !uses.iter().any(|u| u.contains(needle)) {
                    out.report(
                        jobs_at,
                        format!(
                            "the release workflow does not call {what} ({code0})",
                            code0 = code(&format!("…{needle}"))
                        ),
                    );
                }
            }
        }
    }
}
