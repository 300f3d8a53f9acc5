//! The Score workload schema (`schemas/score/score-v1b1.json`, vendored from score-spec/spec,
//! source in `schemas/SOURCE.md`), parsed once with its local `$ref`s resolved, so that the one
//! validator of this module checks Score files and every error keeps its span.

use crate::parse::yaml::{Entry, Node, Value};
use std::sync::OnceLock;

const TEXT: &str = include_str!("../../schemas/score/score-v1b1.json");

/// How deep `$ref`s may nest before resolution stops (the Score schema nests three deep).
const MAX_REF_DEPTH: usize = 32;

/// The Score schema with `#/$defs/…` references replaced by their definitions.
pub fn schema() -> &'static Node {
    static SCHEMA: OnceLock<Node> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let parsed = crate::parse::yaml::parse(TEXT);
        let root = parsed.docs.into_iter().next().map(|d| (*d.root).clone());
        let root = root.expect("the vendored Score schema parses");
        let defs = root.get("$defs").cloned().unwrap_or(Node {
            start: 0,
            end: 0,
            value: Value::Map(Vec::new()),
            quoted: false,
        });
        resolve(&root, &defs, 0)
    })
}

/// The errors of a Score document against the schema, unknown fields included.
pub fn validate(root: &Node) -> Vec<super::SchemaError> {
    let opts = super::Options {
        kubernetes_object: false,
        ..Default::default()
    };
    let head = (root.start, root.start);
    super::validate(schema(), root, head, &opts)
}

/// A copy of `node` with every `{"$ref": "#/$defs/<name>", …}` replaced by the definition,
/// merged with the referencing object's other keywords (which win).
fn resolve(node: &Node, defs: &Node, depth: usize) -> Node {
    let value = match &node.value {
        Value::Map(entries) => {
            let target = entries
                .iter()
                .find(|e| e.key == "$ref")
                .and_then(|e| e.value.as_str())
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .and_then(|name| defs.get(name))
                .filter(|_| depth < MAX_REF_DEPTH);
            let mut out: Vec<Entry> = entries
                .iter()
                .filter(|e| e.key != "$ref" && e.key != "$defs")
                .map(|e| Entry {
                    value: resolve(&e.value, defs, depth + 1),
                    ..e.clone()
                })
                .collect();
            if let Some(Value::Map(def)) = target.map(|t| resolve(t, defs, depth + 1).value) {
                for e in def {
                    if !out.iter().any(|o| o.key == e.key) {
                        out.push(e);
                    }
                }
            }
            Value::Map(out)
        }
        Value::Seq(items) => Value::Seq(items.iter().map(|i| resolve(i, defs, depth + 1)).collect()),
        other => other.clone(),
    };
    Node { value, ..node.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<String> {
        let doc = crate::parse::yaml::parse(yaml).docs.remove(0);
        let opts = crate::schema::Options {
            kubernetes_object: false,
            ..Default::default()
        };
        crate::schema::validate(schema(), &doc.root, (0, 0), &opts)
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn refs_are_resolved() {
        let text = format!("{:?}", schema());
        assert!(!text.contains("$ref"));
        let container = schema().path(&["properties", "containers", "additionalProperties"]);
        assert!(container.and_then(|c| c.path(&["properties", "image"])).is_some());
    }

    #[test]
    fn the_official_samples_are_valid_and_mistakes_are_not() {
        let full = include_str!("../../fixtures/score-schema/pass/full.yaml");
        assert_eq!(errors(full), Vec::<String>::new());
        let bad = errors(
            "apiVersion: score.dev/v1b1\nmetadata:\n  name: My_App\ncontainers:\n  web:\n    image: nginx:1.27\n",
        );
        assert!(bad.iter().any(|m| m.contains("metadata.name")), "{bad:?}");
        let no_image = errors("apiVersion: score.dev/v1b1\nmetadata:\n  name: app\ncontainers:\n  web: {}\n");
        assert!(no_image.iter().any(|m| m.contains("image")), "{no_image:?}");
        let bad_name =
            errors("apiVersion: score.dev/v1b1\nmetadata:\n  name: app\ncontainers:\n  Web_1:\n    image: x\n");
        assert!(
            bad_name.iter().any(|m| m.contains("`Web_1` is not allowed")),
            "{bad_name:?}"
        );
    }
}
