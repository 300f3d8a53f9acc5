use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// For Open Service Portal templates (the `openportal` profile, or a template that names the
    /// configured GitHub organisation), checks that `metadata.tags` includes a source tag
    /// (`source:…`, e.g. `source:github-import`). The tags' syntax is `bs-ent-tags`'s.
    ///
    /// ## Why is this bad?
    /// The portal's metadata convention ("Always include source tag in template.yaml") lets users
    /// filter hand-written templates from generated ones.
    ///
    /// ## Example
    /// A template owned by `group:open-service-portal`, the configured GitHub organisation
    /// (`openportal: {github-org: open-service-portal}`):
    /// ```yaml fixture=fail/no-source-tag.yaml
    /// metadata:
    ///   name: new-service
    ///   tags: [nodejs]
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/source-tag.yaml
    /// metadata:
    ///   name: new-service
    ///   tags: [nodejs, source:github-import]
    /// ```
    pub BsTplMetadataTags {
        id: "bs-tpl-metadata-tags",
        category: Style,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplMetadataTags {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let text = &*ws.sources.get(t.0.file).text;
            if !ws.repo.openportal && !ws.github_org().is_some_and(|org| text.contains(org)) {
                continue;
            }
            let tags = t.0.metadata().and_then(|m| m.get("tags"));
            let items = tags.and_then(|t| t.as_seq()).unwrap_or(&[]);
            if items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.starts_with("source:")))
            {
                continue;
            }
            let span = tags.map_or_else(|| t.0.span_of_key(&t.0.root, "metadata"), |n| t.0.span(n));
            out.report(span, "the template has no source tag")
                .help("add a `source:` tag, e.g. `source:github-import`, as the portal's tagging convention asks");
        }
    }
}
