use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the tags of `openportal.dev/tags`: split on `,` and trimmed, each must be a valid
    /// Backstage tag (`^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`, 1 to 63 characters).
    ///
    /// ## Why is this bad?
    /// The ingestor copies each tag into the generated Template's `metadata.tags`; the Backstage
    /// catalog rejects the whole entity when one tag is invalid.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   annotations:
    ///     openportal.dev/tags: "DNS,cloud flare"
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
    ///     openportal.dev/tags: "dns,cloudflare"
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
    pub OspXrdTagFormat {
        id: "osp-xrd-tag-format",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdTagFormat {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let Some(v) = doc
                .annotation("openportal.dev/tags")
                .or_else(|| doc.label("openportal.dev/tags"))
            else {
                continue;
            };
            let Some(text) = v.as_str() else { continue };
            for tag in text.split(',').map(str::trim) {
                if !crate::rules::util::is_backstage_tag(tag) {
                    out.report(
                        doc.span(v),
                        format!("{code0} is not a valid Backstage tag", code0 = code(&tag)),
                    )
                    .help(format!(
                        "use lowercase letters, digits, `:`, `+`, `#` and single `-` separators, e.g. {code0}",
                        code0 = code(&(tag.to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")))
                    ));
                }
            }
        }
    }
}
