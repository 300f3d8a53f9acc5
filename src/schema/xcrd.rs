//! The schema of the CRD Crossplane builds from an XRD version's schema (what
//! crossplane-runtime `pkg/xcrd` does, read, not copied): Crossplane's own root (`type:
//! object`, `apiVersion`, `kind`, `metadata`, a required `spec`, `status`) with the XRD
//! root's `description` and `x-kubernetes-validations`; of the XRD's `spec` and `status` it
//! keeps `required`, `x-kubernetes-validations`, `oneOf`, `description`, `properties` (and for
//! `spec` `x-kubernetes-preserve-unknown-fields`); everything else of the XRD's root is
//! dropped. The fields Crossplane adds to `spec` and `status` itself are not in it (callers
//! allow them by path); [`crd_schema_with_crossplane_fields`] adds them, for what must hold
//! against the whole CRD (the CEL rules of the root, `spec` and `status` compile against it).

use crate::parse::yaml::{Entry, Node, Value};
use std::sync::OnceLock;

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

/// The CRD Crossplane renders from an XRD: the composite resource's (of the XRD's scope) or
/// the claim's (an `apiextensions.crossplane.io/v1` XRD with `claimNames`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendered<'a> {
    /// The composite resource's CRD, with the XRD's scope (`Namespaced`, `Cluster`,
    /// `LegacyCluster`).
    Composite(&'a str),
    /// The claim's CRD.
    Claim,
}

// What crossplane-runtime `pkg/xcrd/schemas.go` adds (`CompositeResourceSpecProps`,
// `CompositeResourceClaimSpecProps`, `CompositeResourceStatusProps`), read, not copied: the
// schema of those fields as the CRD carries them.
const REFS: &str = "
compositionRef: {type: object, required: [name], properties: {name: {type: string}}}
compositionSelector: {type: object, required: [matchLabels], properties: {matchLabels: {type: object, additionalProperties: {type: string}}}}
compositionRevisionRef: {type: object, required: [name], properties: {name: {type: string}}}
compositionRevisionSelector: {type: object, required: [matchLabels], properties: {matchLabels: {type: object, additionalProperties: {type: string}}}}
compositionUpdatePolicy: {type: string, enum: [Automatic, Manual]}
";
const RESOURCE_REFS: &str = "
resourceRefs:
  type: array
  x-kubernetes-list-type: atomic
  items: {type: object, required: [apiVersion, kind], properties: {apiVersion: {type: string}, name: {type: string}, namespace: {type: string}, kind: {type: string}}}
";
const NAMESPACED_RESOURCE_REFS: &str = "
resourceRefs:
  type: array
  x-kubernetes-list-type: atomic
  items: {type: object, required: [apiVersion, kind], properties: {apiVersion: {type: string}, name: {type: string}, kind: {type: string}}}
";
const LEGACY_SPEC: &str = "
claimRef: {type: object, required: [apiVersion, kind, namespace, name], properties: {apiVersion: {type: string}, kind: {type: string}, namespace: {type: string}, name: {type: string}}}
writeConnectionSecretToRef: {type: object, required: [name, namespace], properties: {name: {type: string}, namespace: {type: string}}}
";
const CLAIM_SPEC: &str = "
compositeDeletePolicy: {type: string, enum: [Background, Foreground]}
resourceRef: {type: object, required: [apiVersion, kind, name], properties: {apiVersion: {type: string}, kind: {type: string}, name: {type: string}}}
writeConnectionSecretToRef: {type: object, required: [name], properties: {name: {type: string}}}
";
const CONDITIONS: &str = "
conditions:
  description: Conditions of the resource.
  type: array
  x-kubernetes-list-type: map
  x-kubernetes-list-map-keys: [type]
  items:
    type: object
    required: [lastTransitionTime, reason, status, type]
    properties:
      lastTransitionTime: {type: string, format: date-time}
      message: {type: string}
      reason: {type: string}
      status: {type: string}
      type: {type: string}
      observedGeneration: {type: integer, format: int64}
";
const LEGACY_STATUS: &str = "
connectionDetails: {type: object, properties: {lastPublishedTime: {type: string, format: date-time}}}
claimConditionTypes: {type: array, x-kubernetes-list-type: set, items: {type: string}}
";

fn fields(parts: &[&str]) -> Vec<Entry> {
    let text = parts.concat();
    let parsed = crate::parse::yaml::parse(&text);
    let root = parsed.docs.into_iter().next().map(|d| (*d.root).clone());
    match root.map(|r| r.value) {
        Some(Value::Map(entries)) => entries,
        _ => Vec::new(),
    }
}

/// The fields Crossplane adds to `spec` and to `status` of the CRD it renders.
pub fn crossplane_fields(r: Rendered<'_>) -> (&'static [Entry], &'static [Entry]) {
    type Pair = (Vec<Entry>, Vec<Entry>);
    static LEGACY: OnceLock<Pair> = OnceLock::new();
    static CLUSTER: OnceLock<Pair> = OnceLock::new();
    static NAMESPACED: OnceLock<Pair> = OnceLock::new();
    static CLAIM: OnceLock<Pair> = OnceLock::new();
    let modern = |refs: &'static str| {
        move || {
            let inner = fields(&[REFS, refs]);
            let at = Node {
                start: 0,
                end: 0,
                value: Value::Null,
                quoted: false,
            };
            let crossplane = typed(
                &at,
                "object",
                vec![
                    entry(
                        &at,
                        "description",
                        string(&at, "Configures how Crossplane will reconcile this composite resource"),
                    ),
                    entry(&at, "properties", synthetic(&at, Value::Map(inner))),
                ],
            );
            (vec![entry(&at, "crossplane", crossplane)], fields(&[CONDITIONS]))
        }
    };
    let pair = match r {
        Rendered::Claim => CLAIM.get_or_init(|| (fields(&[REFS, CLAIM_SPEC]), fields(&[CONDITIONS, LEGACY_STATUS]))),
        Rendered::Composite("Namespaced") => NAMESPACED.get_or_init(modern(NAMESPACED_RESOURCE_REFS)),
        Rendered::Composite("Cluster") => CLUSTER.get_or_init(modern(RESOURCE_REFS)),
        Rendered::Composite(_) => LEGACY.get_or_init(|| {
            (
                fields(&[REFS, RESOURCE_REFS, LEGACY_SPEC]),
                fields(&[CONDITIONS, LEGACY_STATUS]),
            )
        }),
    };
    (&pair.0, &pair.1)
}

/// [`crd_schema`] with the fields Crossplane adds to `spec` and `status` (which replace the
/// XRD's fields of the same name, as Crossplane copies its own over them).
pub fn crd_schema_with_crossplane_fields(xrd: &Node, r: Rendered<'_>) -> Node {
    let mut crd = crd_schema(xrd);
    let (spec, status) = crossplane_fields(r);
    for (top, add) in [("spec", spec), ("status", status)] {
        let Some(props) = props_mut(&mut crd, top) else {
            continue;
        };
        for e in add {
            props.retain(|p| p.key != e.key);
            props.push(e.clone());
        }
    }
    crd
}

/// The `properties` of the root's `top` node (`spec` or `status`) of a rendered CRD.
fn props_mut<'a>(crd: &'a mut Node, top: &str) -> Option<&'a mut Vec<Entry>> {
    let Value::Map(root) = &mut crd.value else { return None };
    let Value::Map(props) = &mut root.iter_mut().find(|e| e.key == "properties")?.value.value else {
        return None;
    };
    let Value::Map(node) = &mut props.iter_mut().find(|e| e.key == top)?.value.value else {
        return None;
    };
    match &mut node.iter_mut().find(|e| e.key == "properties")?.value.value {
        Value::Map(p) => Some(p),
        _ => None,
    }
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

    #[test]
    fn crossplane_fields_follow_the_scope_and_the_claim() {
        let xrd = crate::parse::yaml::parse(
            "type: object\nproperties:\n  spec:\n    type: object\n    properties:\n      claimRef: {type: string}\n",
        )
        .docs
        .remove(0)
        .root;
        let legacy = crd_schema_with_crossplane_fields(&xrd, Rendered::Composite("LegacyCluster")).to_json();
        let spec = &legacy["properties"]["spec"]["properties"];
        // Crossplane's own `claimRef` replaces the XRD's.
        assert_eq!(spec["claimRef"]["type"], "object");
        assert!(spec.get("crossplane").is_none());
        assert_eq!(
            legacy["properties"]["status"]["properties"]["claimConditionTypes"]["x-kubernetes-list-type"],
            "set"
        );
        let ns = crd_schema_with_crossplane_fields(&xrd, Rendered::Composite("Namespaced")).to_json();
        let refs = &ns["properties"]["spec"]["properties"]["crossplane"]["properties"]["resourceRefs"];
        assert!(refs["items"]["properties"].get("namespace").is_none());
        assert!(ns["properties"]["status"]["properties"]
            .get("connectionDetails")
            .is_none());
        let cluster = crd_schema_with_crossplane_fields(&xrd, Rendered::Composite("Cluster")).to_json();
        let refs = &cluster["properties"]["spec"]["properties"]["crossplane"]["properties"]["resourceRefs"];
        assert_eq!(refs["items"]["properties"]["namespace"]["type"], "string");
        let claim = crd_schema_with_crossplane_fields(&xrd, Rendered::Claim).to_json();
        let spec = &claim["properties"]["spec"]["properties"];
        assert_eq!(spec["compositeDeletePolicy"]["enum"][1], "Foreground");
        assert_eq!(
            spec["writeConnectionSecretToRef"]["required"],
            serde_json::json!(["name"])
        );
        assert_eq!(spec["claimRef"]["type"], "string");
    }
}
