//! The schema of the CRD Crossplane builds from an XRD version's schema (what
//! crossplane-runtime `pkg/xcrd` does, read, not copied): Crossplane's own root (`type:
//! object`, `apiVersion`, `kind`, `metadata`, a required `spec`, `status`) with the XRD
//! root's `description` and `x-kubernetes-validations`; of the XRD's `spec` and `status` it
//! keeps `required`, `x-kubernetes-validations`, `oneOf`, `description`, `properties` (and for
//! `spec` `x-kubernetes-preserve-unknown-fields`); everything else of the XRD's root is
//! dropped. The fields Crossplane adds to `spec` and `status` itself are not in it (callers
//! allow them by path).

use crate::parse::yaml::{Entry, Node, Value};

/// The longest name of a composite resource (it is used as a label value).
pub const MAX_XR_NAME: i64 = 63;

/// What Crossplane keeps of the XRD's `spec` (and of `status`, without the preserve flag).
const KEPT: &[&str] = &[
    "required",
    "x-kubernetes-validations",
    "oneOf",
    "description",
    "properties",
    "x-kubernetes-preserve-unknown-fields",
];

fn synthetic(at: &Node, value: Value) -> Node {
    Node {
        start: at.start,
        end: at.end,
        value,
        quoted: false,
    }
}

fn entry(at: &Node, key: &str, value: Node) -> Entry {
    Entry {
        key: key.to_string(),
        key_start: at.start,
        key_end: at.start,
        value,
    }
}

fn string(at: &Node, s: &str) -> Node {
    synthetic(at, Value::Str(s.to_string()))
}

fn typed(at: &Node, t: &str, mut more: Vec<Entry>) -> Node {
    more.insert(0, entry(at, "type", string(at, t)));
    synthetic(at, Value::Map(more))
}

/// The XRD's `spec` or `status` as Crossplane copies it.
fn copied(at: &Node, x: Option<&Node>, keep_preserve: bool) -> Node {
    let mut kept: Vec<Entry> = Vec::new();
    for e in x.and_then(Node::as_map).unwrap_or(&[]) {
        if KEPT.contains(&e.key.as_str()) && (keep_preserve || e.key != "x-kubernetes-preserve-unknown-fields") {
            kept.push(e.clone());
        }
    }
    if !kept.iter().any(|e| e.key == "properties") {
        kept.push(entry(at, "properties", synthetic(at, Value::Map(Vec::new()))));
    }
    typed(x.unwrap_or(at), "object", kept)
}

/// The `openAPIV3Schema` of the CRD Crossplane renders from `xrd` (an XRD version's
/// `openAPIV3Schema`).
pub fn crd_schema(xrd: &Node) -> Node {
    let at = xrd;
    let props = xrd.get("properties");
    let max_name = props
        .and_then(|p| p.path(&["metadata", "properties", "name", "maxLength"]))
        .and_then(Node::as_i64)
        .map_or(MAX_XR_NAME, |m| m.min(MAX_XR_NAME));
    let name = typed(
        at,
        "string",
        vec![entry(at, "maxLength", synthetic(at, Value::Int(max_name)))],
    );
    let metadata = typed(
        at,
        "object",
        vec![entry(
            at,
            "properties",
            synthetic(at, Value::Map(vec![entry(at, "name", name)])),
        )],
    );
    let properties = vec![
        entry(at, "apiVersion", typed(at, "string", Vec::new())),
        entry(at, "kind", typed(at, "string", Vec::new())),
        entry(at, "metadata", metadata),
        entry(at, "spec", copied(at, props.and_then(|p| p.get("spec")), true)),
        entry(at, "status", copied(at, props.and_then(|p| p.get("status")), false)),
    ];
    let mut root = vec![
        entry(at, "required", synthetic(at, Value::Seq(vec![string(at, "spec")]))),
        entry(at, "properties", synthetic(at, Value::Map(properties))),
    ];
    for k in ["description", "x-kubernetes-validations"] {
        if let Some(e) = xrd.entry(k) {
            root.push(e.clone());
        }
    }
    typed(at, "object", root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossplane_builds_the_root_and_keeps_spec_and_status_fields() {
        let xrd = crate::parse::yaml::parse(
            "type: string\nx-kubernetes-validations: [{rule: 'true'}]\nproperties:\n  extra: {type: integer}\n  metadata: {type: object, properties: {labels: {type: object}}}\n  spec:\n    type: string\n    default: {}\n    required: [a]\n    properties: {a: {type: string}}\n  status:\n    x-kubernetes-preserve-unknown-fields: true\n",
        )
        .docs
        .remove(0)
        .root;
        let crd = crd_schema(&xrd).to_json();
        assert_eq!(
            crd,
            serde_json::json!({
                "type": "object",
                "required": ["spec"],
                "x-kubernetes-validations": [{"rule": "true"}],
                "properties": {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 63}}},
                    "spec": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
                    "status": {"type": "object", "properties": {}},
                },
            })
        );
    }
}
