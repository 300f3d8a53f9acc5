use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `configuration/crossplane.yaml` of a template repository: `apiVersion:
    /// meta.pkg.crossplane.io/v1`, `kind: Configuration`, `metadata.name: configuration-<resource>`
    /// (the repository name without `template-`), and the annotations
    /// `meta.crossplane.io/maintainer`, `source`, `license`, `description` and `readme`. With
    /// `openportal.package-labels` set, each of its labels must match one of those keys (`*`
    /// matches any run of characters), e.g. `package-labels: ["openportal.dev/*"]`.
    ///
    /// ## Why is this bad?
    /// Package registries and the catalog show these fields; the template standard requires them,
    /// and `v1alpha1` is deprecated.
    ///
    /// ## Example
    /// ```yaml fixture=fail/template-webapp file=configuration/crossplane.yaml
    /// apiVersion: meta.pkg.crossplane.io/v1alpha1
    /// kind: Configuration
    /// metadata:
    ///   name: webapp
    ///   annotations:
    ///     meta.crossplane.io/maintainer: Platform Team
    ///     meta.crossplane.io/source: github.com/open-service-portal/template-webapp
    ///     meta.crossplane.io/license: Apache-2.0
    ///     meta.crossplane.io/description: A web application
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=configuration/crossplane.yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-webapp
    ///   annotations:
    ///     meta.crossplane.io/maintainer: Platform Team
    ///     meta.crossplane.io/source: github.com/open-service-portal/template-webapp
    ///     meta.crossplane.io/license: Apache-2.0
    ///     meta.crossplane.io/description: A web application
    ///     meta.crossplane.io/readme: Deploys a web application.
    /// ```
    pub OspPkgMeta {
        id: "osp-pkg-meta",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspPkgMeta {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template {
            return;
        }
        for d in ws
            .docs_in("configuration/crossplane.yaml")
            .filter(|d| d.class == crate::model::Class::PkgMeta)
        {
            if d.api_version != "meta.pkg.crossplane.io/v1" {
                out.report(
                    d.root
                        .get("apiVersion")
                        .map(|n| d.span(n))
                        .unwrap_or_else(|| d.head_span()),
                    format!("package metadata uses {code0}", code0 = code(&d.api_version)),
                )
                .help("use `apiVersion: meta.pkg.crossplane.io/v1`");
            }
            if d.kind != "Configuration" {
                out.report(
                    d.kind_span(),
                    format!(
                        "a template package is a `Configuration`, not a {code0}",
                        code0 = code(&d.kind)
                    ),
                );
            }
            let resource = ws.repo.name.strip_prefix("template-").unwrap_or(&ws.repo.name);
            let want = format!("configuration-{resource}");
            // The standard name follows the repository's known name (config or git remote),
            // never the checkout folder's.
            if let Some(n) = d.root.path(&["metadata", "name"]).filter(|_| ws.repo.named) {
                if n.as_str() != Some(want.as_str()) {
                    out.report(
                        d.span(n),
                        format!(
                            "the package is named {code0}; the standard name is {code1}",
                            code0 = code(&(n.scalar_text().unwrap_or_default())),
                            code1 = code(&want)
                        ),
                    );
                }
            }
            let missing: Vec<&str> = ["maintainer", "source", "license", "description", "readme"]
                .into_iter()
                .filter(|k| d.annotation(&format!("meta.crossplane.io/{k}")).is_none())
                .collect();
            if let Some(allowed) = &ws.options.openportal.package_labels {
                for e in d.labels() {
                    if !crate::rules::util::matches_any(&e.key, allowed) {
                        let shown: Vec<&str> = allowed.iter().map(String::as_str).collect();
                        out.report(
                            d.key_span(e),
                            format!(
                                "the package metadata label {code0} is not among `openportal.package-labels`",
                                code0 = code(&e.key)
                            ),
                        )
                        .help(format!(
                            "remove it, or allow it in the config (allowed: {})",
                            crate::parse::text::list(&shown, 5)
                        ));
                    }
                }
            }
            if !missing.is_empty() {
                let at = d
                    .metadata()
                    .map(|m| d.span_of_key(m, "name"))
                    .unwrap_or_else(|| d.head_span());
                let names: Vec<String> = missing.iter().map(|k| format!("meta.crossplane.io/{k}")).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                out.report(
                    at,
                    format!("package metadata lacks {}", crate::parse::text::list(&names, 5)),
                );
            }
        }
    }
}
