use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the `openportal.dev/publish-phase` annotation: a YAML block whose keys are `gitRepo`,
    /// `gitBranch`, `gitLayout`, `basePath` and `createPr`; `gitRepo` is `host?owner=…&repo=…`;
    /// `gitLayout` is `cluster-scoped`, `namespace-scoped` or `custom`; `basePath` does not contain
    /// `undefined`.
    ///
    /// ## Why is this bad?
    /// The ingestor builds the order-publishing step from it; a wrong value sends orders to the
    /// wrong repository or path (`…/undefined/…` paths reached the real catalog-orders history).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   annotations:
    ///     openportal.dev/publish-phase: |
    ///       gitRepo: github.com?owner=acme&repo=catalog-orders
    ///       gitLayout: cluster
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
    ///     openportal.dev/publish-phase: |
    ///       gitRepo: github.com?owner=acme&repo=catalog-orders
    ///       gitLayout: namespace-scoped
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
    pub OspXrdPublishPhaseBlock {
        id: "osp-xrd-publish-phase-block",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdPublishPhaseBlock {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let Some(v) = doc.annotation("openportal.dev/publish-phase") else {
                continue;
            };
            let Some(text) = v.as_str() else { continue };
            let parsed = crate::parse::yaml::parse(text);
            let Some(block) = parsed
                .docs
                .first()
                .map(|d| &d.root)
                .filter(|r| r.as_map().is_some() && parsed.problems.is_empty())
            else {
                out.report(doc.span(v), "`openportal.dev/publish-phase` is not a YAML mapping")
                    .help("write it as a block: `|` then `gitRepo: …` lines");
                continue;
            };
            // Point into the block: map offsets of the parsed text back to the file.
            let map = crate::parse::yaml::OffsetMap::new(&ws.sources.get(doc.file).text, v);
            let at = |start: u32, end: u32| {
                crate::parse::source::Span::new(doc.file, map.to_file(start as usize), map.to_file(end as usize))
            };
            for e in block.as_map().unwrap_or(&[]) {
                let val = e.value.scalar_text().unwrap_or_default();
                let problem = match e.key.as_str() {
                    "gitRepo" if !(val.contains("?owner=") && val.contains("repo=")) => Some(format!(
                        "{code0} must be `host?owner=<org>&repo=<repo>`",
                        code0 = code(&format!("gitRepo: {val}"))
                    )),
                    "gitLayout" if !matches!(val.as_str(), "cluster-scoped" | "namespace-scoped" | "custom") => {
                        Some(format!(
                            "{code0} must be `cluster-scoped`, `namespace-scoped` or `custom`",
                            code0 = code(&format!("gitLayout: {val}"))
                        ))
                    }
                    "basePath" if val.contains("undefined") => Some(format!(
                        "{code0} contains `undefined`",
                        code0 = code(&format!("basePath: {val}"))
                    )),
                    "gitRepo" | "gitLayout" | "basePath" | "gitBranch" | "createPr" => None,
                    other => Some(format!("unknown publish-phase key {code0}", code0 = code(&other))),
                };
                if let Some(p) = problem {
                    out.report(at(e.key_start, e.value.end), p);
                }
            }
        }
    }
}
