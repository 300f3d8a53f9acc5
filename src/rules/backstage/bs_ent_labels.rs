use crate::model::Workspace;
use crate::rules::util::{is_qualified_name_part, is_templated, label_key_problem};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks an entity's label keys (`[dns-subdomain/]name`) and values (empty, or at most 63
    /// letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit).
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`isValidLabelKey`, `isValidLabelValue`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/labels.yaml
    /// labels:
    ///   tier: "gold,silver"
    ///   a/b/c: x
    /// ```
    ///
    /// Use instead: one value per label, or a tag.
    pub BsEntLabels {
        id: "bs-ent-labels",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsEntLabels {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            for e in doc.labels() {
                if let Some(problem) = label_key_problem(&e.key) {
                    out.report(doc.key_span(e), format!("invalid label key `{}`: {problem}", e.key));
                }
                let Some(value) = e.value.scalar_text() else {
                    out.report(
                        doc.span(&e.value),
                        format!("label `{}` must have a string value", e.key),
                    );
                    continue;
                };
                if !value.is_empty() && !is_templated(&value) && !is_qualified_name_part(&value) {
                    out.report(doc.span(&e.value), format!("invalid value `{value}` for label `{}`", e.key))
                        .help("use at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit; a list belongs in `tags`");
                }
            }
        }
    }
}
