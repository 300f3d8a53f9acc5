use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags the `terasky.backstage.io/*` annotations that were replaced: `owner`, `system`,
    /// `lifecycle` by `backstage.io/*`; `tags`, `publish-phase`, `default-composition`,
    /// `composition-strategy` by `openportal.dev/*`; `component-type`, `add-to-catalog`, `auto-
    /// apply` were dropped. (The selected TeraSky fork still reads `add-to-catalog` when
    /// `ingestAllXRDs: false`; set this rule's severity in config if you rely on it.)
    ///
    /// ## Why is this bad?
    /// The OSP ingestor ignores them, so the value the author set has no effect.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   annotations:
    ///     terasky.backstage.io/owner: platform-team
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
    ///     backstage.io/owner: platform-team
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
    pub OspXrdLegacyTeraskyAnnotations {
        id: "osp-xrd-legacy-terasky-annotations",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
        fix: true,
    }
}

impl Rule for OspXrdLegacyTeraskyAnnotations {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            for e in doc.annotations() {
                let Some(name) = e.key.strip_prefix("terasky.backstage.io/") else {
                    continue;
                };
                let replacement = match name {
                    "owner" | "system" | "lifecycle" => Some(format!("backstage.io/{name}")),
                    "tags" | "publish-phase" | "default-composition" | "composition-strategy" => {
                        Some(format!("openportal.dev/{name}"))
                    }
                    "component-type" | "add-to-catalog" | "auto-apply" => None,
                    _ => continue,
                };
                let d = out.report(
                    doc.key_span(e),
                    format!("{code0} is a legacy annotation", code0 = code(&e.key)),
                );
                let text = &ws.sources.get(doc.file).text;
                match replacement {
                    Some(r) => d
                        .help(format!("use {code0}", code0 = code(&r)))
                        .fix(crate::rules::edit::rename_key(
                            text,
                            e,
                            doc.key_span(e),
                            doc.annotations(),
                            &r,
                        )),
                    None => d.help("it is no longer read; remove it"),
                };
            }
        }
    }
}
