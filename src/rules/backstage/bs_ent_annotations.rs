use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Value;
use crate::rules::util::label_key_problem;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks an entity's annotation keys (label-key syntax) and that every value is a string: an
    /// unquoted `true` or `3` in YAML is a boolean or a number.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`isValidAnnotationKey`, `isValidAnnotationValue`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/typed.yaml
    /// annotations:
    ///   backstage.io/orphan: true
    ///   acme.com/replicas: 3
    ///   bad key: x
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/strings.yaml
    /// annotations:
    ///   backstage.io/orphan: "true"
    ///   github.com/project-slug: acme/payments
    ///   acme.com/enabled: yes
    /// ```
    pub BsEntAnnotations {
        id: "bs-ent-annotations",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

fn yaml12_bool(ws: &Workspace, doc: &crate::model::Doc, node: &crate::parse::yaml::Node) -> bool {
    let text = &*ws.sources.get(doc.file).text;
    let src = text.get(node.start as usize..node.end as usize).unwrap_or("");
    matches!(src, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
}

impl Rule for BsEntAnnotations {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            if let Some(annotations) = doc.metadata().and_then(|m| m.get("annotations")) {
                if annotations.as_map().is_none() {
                    let text = &*ws.sources.get(doc.file).text;
                    out.report(
                        doc.span(annotations),
                        format!(
                            "`metadata.annotations` must be an object, not {}",
                            crate::model::backstage::yaml12_type(annotations, text)
                        ),
                    );
                }
            }
            for e in doc.annotations() {
                let prefix = || super::bs_ent_labels::backstage_prefix_problem(&e.key);
                if let Some(problem) = label_key_problem(&e.key).or_else(prefix) {
                    out.report(
                        doc.key_span(e),
                        format!("invalid annotation key {code0}: {problem}", code0 = code(&e.key)),
                    );
                }
                let kind = match &e.value.value {
                    Value::Str(_) => continue,
                    // Backstage reads YAML 1.2: only `true`/`false` spellings are booleans.
                    Value::Bool(_) if !yaml12_bool(ws, doc, &e.value) => continue,
                    Value::Bool(_) => "a boolean",
                    Value::Int(_) | Value::Float(_) => "a number",
                    Value::Null => "null",
                    _ => "not a string",
                };
                let help = match e.value.scalar_text() {
                    Some(t) if !matches!(e.value.value, Value::Null) => {
                        format!("quote it: {code0}", code0 = code(&format!("\"{t}\"")))
                    }
                    _ => "give it a string value".to_string(),
                };
                out.report(
                    doc.span(&e.value),
                    format!("annotation {code0} is {kind}, not a string", code0 = code(&e.key)),
                )
                .help(help);
            }
        }
    }
}
