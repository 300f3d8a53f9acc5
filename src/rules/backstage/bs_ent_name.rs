use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_backstage_name, is_templated};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an entity has a `metadata.name` of 1 to 63 characters matching
    /// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$` (Backstage's `isValidObjectName`). Templated
    /// names (`${{ … }}`) are skipped.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (FieldFormatEntityPolicy).
    ///
    /// ## Example
    /// ```yaml fixture=fail/names.yaml
    /// metadata:
    ///   name: my service
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/names.yaml
    /// metadata:
    ///   name: Payments_v2.api
    /// ```
    pub BsEntName {
        id: "bs-ent-name",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsEntName {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            let Some(node) = doc.metadata().and_then(|m| m.get("name")) else {
                let span = doc.span_of_key(&doc.root, "metadata");
                out.report(span, "the entity has no `metadata.name`")
                    .help("every entity needs a name");
                continue;
            };
            let text = &*ws.sources.get(doc.file).text;
            let ty = crate::model::backstage::yaml12_type(node, text);
            let Some(name) = node.scalar_text().filter(|_| ty == "string") else {
                out.report(doc.span(node), format!("`metadata.name` must be a string, not {ty}"));
                continue;
            };
            if !is_templated(&name) && !is_backstage_name(&name) {
                out.report(doc.span(node), format!("{code0} is not a valid entity name", code0 = code(&name)))
                    .help("use 1 to 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit; put a display name in `metadata.title`");
            }
        }
    }
}
