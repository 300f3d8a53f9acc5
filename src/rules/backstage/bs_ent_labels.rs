use crate::model::backstage::yaml12_type;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_qualified_name_part, is_templated, label_key_problem};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `metadata.labels` is an object, its keys (`[dns-subdomain/]name`, no `--` in
    /// the prefix) and values (strings: empty, or at most 63
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
            let text = &*ws.sources.get(doc.file).text;
            if let Some(labels) = doc.metadata().and_then(|m| m.get("labels")) {
                if labels.as_map().is_none() {
                    out.report(
                        doc.span(labels),
                        format!("`metadata.labels` must be an object, not {}", yaml12_type(labels, text)),
                    );
                }
            }
            for e in doc.labels() {
                if let Some(problem) = label_key_problem(&e.key).or_else(|| backstage_prefix_problem(&e.key)) {
                    out.report(
                        doc.key_span(e),
                        format!("invalid label key {code0}: {problem}", code0 = code(&e.key)),
                    );
                }
                let ty = yaml12_type(&e.value, text);
                let Some(value) = e.value.scalar_text().filter(|_| ty == "string") else {
                    out.report(
                        doc.span(&e.value),
                        format!("label {code0} must have a string value, not {ty}", code0 = code(&e.key)),
                    );
                    continue;
                };
                if !value.is_empty() && !is_templated(&value) && !is_qualified_name_part(&value) {
                    out.report(doc.span(&e.value), format!("invalid value {code0} for label {code1}", code0 = code(&value), code1 = code(&e.key)))
                        .help("use at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit; a list belongs in `tags`");
                }
            }
        }
    }
}

/// Backstage's DNS labels have no `--` (`isValidDnsLabel`), unlike Kubernetes': the problem of a
/// key prefix (`a--b.example.com/`) that Kubernetes would take, if any.
pub(crate) fn backstage_prefix_problem(key: &str) -> Option<String> {
    let (prefix, _) = key.split_once('/')?;
    prefix.split('.').any(|l| l.contains("--")).then(|| {
        format!(
            "the prefix {code0} has `--`, which Backstage's DNS labels do not allow",
            code0 = code(&prefix)
        )
    })
}
