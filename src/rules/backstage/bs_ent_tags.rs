use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_backstage_tag, is_templated};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `metadata.tags` is a list of strings of 1 to 63 characters matching
    /// `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$` (current catalog-model `isValidTag`).
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity. Older catalog-model versions used the DNS-label rule, under
    /// which `:` was invalid too.
    ///
    /// ## Example
    /// ```yaml fixture=fail/tags.yaml
    /// metadata:
    ///   name: payments
    ///   tags:
    ///     - Java
    ///     - data_eng
    ///     - ok
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/tags.yaml
    /// metadata:
    ///   name: payments
    ///   tags: [java, data-eng, source:github-import, c++, c#]
    /// ```
    pub BsEntTags {
        id: "bs-ent-tags",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
        fix: true,
    }
}

impl Rule for BsEntTags {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            let Some(tags) = doc.metadata().and_then(|m| m.get("tags")) else {
                continue;
            };
            let Some(items) = tags.as_seq() else {
                out.report(doc.span(tags), "`metadata.tags` must be a list of strings");
                continue;
            };
            for t in items {
                let Some(tag) = t.scalar_text() else {
                    out.report(doc.span(t), "a tag must be a string");
                    continue;
                };
                if !is_templated(&tag) && !is_backstage_tag(&tag) {
                    let lower = tag.to_ascii_lowercase().replace(['_', ' ', '.'], "-");
                    let d = out.report(doc.span(t), format!("{code0} is not a valid tag", code0 = code(&tag)));
                    if is_backstage_tag(&lower) {
                        let text = &ws.sources.get(doc.file).text;
                        d.help(format!("use {code0}", code0 = code(&lower)))
                            .fix(crate::rules::edit::set_string(text, doc.span(t), &lower));
                    } else {
                        d.help("use 1 to 63 lowercase letters, digits, `:`, `+`, `#`, separated by single `-`");
                    }
                }
            }
        }
    }
}
