use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the values of the `openportal.dev/template`, `template-api`, `template-parameters`,
    /// `template-steps` and `template-output` annotations: each comma-separated name must be a
    /// built-in ingestor template (backstage: default, debug; api: default; parameters and steps:
    /// default, gitops; output: default, download-manifest, gitops-summary, gitops, pr-link) or one
    /// listed in `openportal.custom-template-names`.
    ///
    /// ## Why is this bad?
    /// Unknown names silently fall back to `default`, so the form or steps the author chose never
    /// appear.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   annotations:
    ///     openportal.dev/template-steps: gitopz
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: WebApp, plural: webapps}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   annotations:
    ///     openportal.dev/template-steps: gitops
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: WebApp, plural: webapps}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    /// ```
    pub OspXrdTemplateSelectorValues {
        id: "osp-xrd-template-selector-values",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdTemplateSelectorValues {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let builtin: [(&str, &[&str]); 5] = [
            ("openportal.dev/template", &["default", "debug"]),
            ("openportal.dev/template-api", &["default"]),
            ("openportal.dev/template-parameters", &["default", "gitops"]),
            ("openportal.dev/template-steps", &["default", "gitops"]),
            (
                "openportal.dev/template-output",
                &["default", "download-manifest", "gitops-summary", "gitops", "pr-link"],
            ),
        ];
        for x in ws.xrds() {
            let doc = x.doc();
            for (key, names) in builtin {
                let Some(v) = doc.annotation(key) else { continue };
                for name in v
                    .as_str()
                    .unwrap_or("")
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                {
                    if names.contains(&name) || ws.options.openportal.custom_template_names.iter().any(|c| c == name) {
                        continue;
                    }
                    let d = out.report(
                        doc.span(v),
                        format!(
                            "{code0} names {code1}, which is not an ingestor template",
                            code0 = code(&key),
                            code1 = code(&name)
                        ),
                    );
                    match crate::parse::text::suggest(name, names.iter().copied()) {
                        Some(s) => d.help(format!(
                            "did you mean {code0}? (unknown names fall back to `default`)",
                            code0 = code(&s)
                        )),
                        None => d.help(format!(
                            "known: {}; add custom names to `openportal.custom-template-names`",
                            crate::parse::text::nearest(name, names, crate::parse::text::NEAREST)
                        )),
                    };
                }
            }
        }
    }
}
