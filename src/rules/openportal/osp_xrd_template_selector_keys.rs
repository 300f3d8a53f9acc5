use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags template-selector annotation spellings the ingestor never reads:
    /// `openportal.dev/parameters-template`, `openportal.dev/steps-template`, `openportal.dev/api-
    /// template` and `backstage.io/template` (annotations.md documents them, the ingestor reads
    /// `openportal.dev/template-parameters`, `-steps`, `-api` and `openportal.dev/template`).
    ///
    /// ## Why is this bad?
    /// The selection silently falls back to the default templates.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   annotations:
    ///     openportal.dev/parameters-template: gitops
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
    ///     openportal.dev/template-parameters: gitops
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
    pub OspXrdTemplateSelectorKeys {
        id: "osp-xrd-template-selector-keys",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
        fix: true,
    }
}

impl Rule for OspXrdTemplateSelectorKeys {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            for e in doc.annotations() {
                let fix = match e.key.as_str() {
                    "openportal.dev/parameters-template" => "openportal.dev/template-parameters",
                    "openportal.dev/steps-template" => "openportal.dev/template-steps",
                    "openportal.dev/api-template" => "openportal.dev/template-api",
                    "backstage.io/template" => "openportal.dev/template",
                    _ => continue,
                };
                let text = &ws.sources.get(doc.file).text;
                out.report(
                    doc.key_span(e),
                    format!("the ingestor never reads {code0}", code0 = code(&e.key)),
                )
                .help(format!("use {code0}", code0 = code(&fix)))
                .fix(crate::rules::edit::rename_key(
                    text,
                    e,
                    doc.key_span(e),
                    doc.annotations(),
                    fix,
                ));
            }
        }
    }
}
