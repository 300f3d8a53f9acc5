//! XRD compatibility: the differences between two versions of an XRD, each classified as
//! immutable (the API server rejects the update), breaking (existing XRs or clients can stop
//! working) or compatible, with the node in both versions. A pure function of the two views.

use super::{Doc, Xrd};
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::parse::yaml::Node;

/// How serious a difference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeClass {
    /// Allowed and safe: new optional field, wider enum, description.
    Compatible,
    /// Allowed by the API server but breaks existing XRs or clients.
    Breaking,
    /// Rejected by the API server (`self == oldSelf`).
    Immutable,
}

/// One difference.
#[derive(Debug, Clone)]
pub struct Change {
    /// Its class.
    pub class: ChangeClass,
    /// What changed, e.g. "field `spec.size` removed".
    pub message: String,
    /// The node in the old version.
    pub old: Option<Span>,
    /// The node in the new version.
    pub new: Option<Span>,
}

struct Diff<'a> {
    old: &'a Doc,
    new: &'a Doc,
    out: Vec<Change>,
}

impl Diff<'_> {
    fn push(&mut self, class: ChangeClass, message: String, old: Option<&Node>, new: Option<&Node>) {
        let (o, n) = (old.map(|n| self.old.span(n)), new.map(|n| self.new.span(n)));
        self.out.push(Change {
            class,
            message,
            old: o,
            new: n,
        });
    }

    /// A change at explicit spans (keys rather than whole nodes).
    fn push_at(&mut self, class: ChangeClass, message: String, old: Option<Span>, new: Option<Span>) {
        self.out.push(Change {
            class,
            message,
            old,
            new,
        });
    }

    /// The span of `key`'s key in the map `node` of the old (`in_new` false) or the new
    /// version, else `or` (the key naming `node` itself): a caret on the key a change is
    /// about, never on the first entry of the map around it.
    fn key_or(&self, in_new: bool, node: &Node, key: &str, or: Span) -> Span {
        let doc = if in_new { self.new } else { self.old };
        node.entry(key).map(|e| doc.key_span(e)).unwrap_or(or)
    }

    /// Compares the schema `old` with `new` at the field `path`; `keys` are the spans of the
    /// key naming the schema in each version (where a change of the schema as a whole points).
    fn schema(&mut self, old: &Node, new: &Node, path: &str, keys: (Span, Span)) {
        let ty = |n: &Node| n.str_at(&["type"]).map(str::to_string);
        if ty(old) != ty(new) && ty(old).is_some() {
            let shown = |t: Option<String>| t.unwrap_or_else(|| "untyped".into());
            let (o, n) = (
                old.get("type").map(|t| self.old.span(t)).unwrap_or(keys.0),
                new.get("type").map(|t| self.new.span(t)).unwrap_or(keys.1),
            );
            self.push_at(
                ChangeClass::Breaking,
                format!(
                    "{code0} changed type from {} to {}",
                    shown(ty(old)),
                    shown(ty(new)),
                    code0 = code(&path)
                ),
                Some(o),
                Some(n),
            );
            return;
        }
        // Enum: values removed narrow it; a new enum restricts a free field.
        let values = |n: &Node| {
            n.get("enum")
                .and_then(Node::as_seq)
                .map(|s| s.iter().filter_map(Node::scalar_text).collect::<Vec<_>>())
        };
        match (values(old), values(new)) {
            (Some(a), Some(b)) => {
                let removed: Vec<&String> = a.iter().filter(|v| !b.contains(v)).collect();
                if !removed.is_empty() {
                    let shown: Vec<String> = removed.iter().map(|v| code(&v)).collect();
                    self.push(
                        ChangeClass::Breaking,
                        format!("{code0} no longer allows {}", shown.join(", "), code0 = code(&path)),
                        old.get("enum"),
                        new.get("enum"),
                    );
                } else if b.len() > a.len() {
                    self.push(
                        ChangeClass::Compatible,
                        format!("{code0} allows more values", code0 = code(&path)),
                        old.get("enum"),
                        new.get("enum"),
                    );
                }
            }
            (None, Some(_)) => {
                let n = new.get("enum").map(|e| self.new.span(e));
                self.push_at(
                    ChangeClass::Breaking,
                    format!("{code0} is now restricted to an enum", code0 = code(&path)),
                    Some(keys.0),
                    n,
                )
            }
            (Some(_), None) => {
                let o = old.get("enum").map(|e| self.old.span(e));
                self.push_at(
                    ChangeClass::Compatible,
                    format!("{code0} is no longer restricted to an enum", code0 = code(&path)),
                    o,
                    Some(keys.1),
                )
            }
            (None, None) => {}
        }
        if old.get("pattern").map(Node::scalar_text) != new.get("pattern").map(Node::scalar_text)
            && new.get("pattern").is_some()
        {
            self.push(
                ChangeClass::Breaking,
                format!("{code0} has a new pattern", code0 = code(&path)),
                old.get("pattern"),
                new.get("pattern"),
            );
        }
        // Bounds: raising a minimum or lowering a maximum tightens.
        for (key, tighter_if_larger) in [
            ("minimum", true),
            ("minLength", true),
            ("minItems", true),
            ("maximum", false),
            ("maxLength", false),
            ("maxItems", false),
        ] {
            let (a, b) = (old.get(key).and_then(Node::as_f64), new.get(key).and_then(Node::as_f64));
            let tightened = match (a, b) {
                (Some(a), Some(b)) => (b > a) == tighter_if_larger && a != b,
                (None, Some(_)) => true,
                _ => false,
            };
            if tightened {
                let o = old.get(key).map(|v| self.old.span(v)).unwrap_or(keys.0);
                let n = new.get(key).map(|v| self.new.span(v));
                self.push_at(
                    ChangeClass::Breaking,
                    format!("{code0} has a tighter {code1}", code0 = code(&path), code1 = code(&key)),
                    Some(o),
                    n,
                );
            } else if a.is_some() && a != b {
                let o = old.get(key).map(|v| self.old.span(v));
                let n = new.get(key).map(|v| self.new.span(v)).unwrap_or(keys.1);
                self.push_at(
                    ChangeClass::Compatible,
                    format!("{code0} has a looser {code1}", code0 = code(&path), code1 = code(&key)),
                    o,
                    Some(n),
                );
            }
        }
        // Properties: removed is breaking, added optional is compatible, newly required
        // without a default is breaking.
        let props = |n: &'_ Node| -> Vec<(String, Node)> {
            n.get("properties")
                .and_then(Node::as_map)
                .unwrap_or(&[])
                .iter()
                .map(|e| (e.key.clone(), e.value.clone()))
                .collect()
        };
        let required = |n: &Node| -> Vec<String> {
            n.get("required")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|r| r.as_str().map(String::from))
                .collect()
        };
        let (old_props, new_props) = (props(old), props(new));
        let (old_req, new_req) = (required(old), required(new));
        for (k, ov) in &old_props {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            let old_key = old
                .get("properties")
                .and_then(|p| p.entry(k))
                .map(|e| self.old.key_span(e))
                .unwrap_or(keys.0);
            match new_props.iter().find(|(nk, _)| nk == k) {
                // In the new version the field is absent: the finding points at the
                // `properties` key that no longer lists it (or the key naming the schema),
                // never at a sibling field; the base version's label at the field's key.
                None => {
                    let at = self.key_or(true, new, "properties", keys.1);
                    self.push_at(
                        ChangeClass::Breaking,
                        format!("field {code0} removed", code0 = code(&child)),
                        Some(old_key),
                        Some(at),
                    )
                }
                Some((_, nv)) => {
                    let (o, n) = (
                        old.path(&["properties", k]).unwrap_or(ov),
                        new.path(&["properties", k]).unwrap_or(nv),
                    );
                    let new_key = new
                        .get("properties")
                        .and_then(|p| p.entry(k))
                        .map(|e| self.new.key_span(e))
                        .unwrap_or(keys.1);
                    self.schema(o, n, &child, (old_key, new_key));
                }
            }
        }
        for (k, nv) in &new_props {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            let is_new = !old_props.iter().any(|(ok, _)| ok == k);
            let newly_required = new_req.contains(k) && !old_req.contains(k);
            let defaulted = nv.get("default").is_some();
            // Point at the field's key in the new version.
            let key = new
                .get("properties")
                .and_then(|p| p.entry(k))
                .map(|e| self.new.key_span(e));
            if newly_required && !defaulted {
                let o = old.get("required").map(|n| self.old.span(n));
                self.out.push(Change {
                    class: ChangeClass::Breaking,
                    message: format!("field {code0} is now required and has no default", code0 = code(&child)),
                    old: o,
                    new: key,
                });
            } else if is_new {
                self.out.push(Change {
                    class: ChangeClass::Compatible,
                    message: format!("optional field {code0} added", code0 = code(&child)),
                    old: None,
                    new: key,
                });
            }
        }
        if let (Some(a), Some(b)) = (old.get("items"), new.get("items")) {
            let at = (
                self.key_or(false, old, "items", keys.0),
                self.key_or(true, new, "items", keys.1),
            );
            self.schema(a, b, &format!("{path}[]"), at);
        }
        if old.get("description").map(Node::scalar_text) != new.get("description").map(Node::scalar_text) {
            self.push(
                ChangeClass::Compatible,
                format!("{code0} description changed", code0 = code(&path)),
                old.get("description"),
                new.get("description"),
            );
        }
    }
}

impl super::Workspace {
    /// Every difference between an XRD and its base version (with `--base` or `--release`),
    /// with the XRD.
    pub fn xrd_changes(&self) -> impl Iterator<Item = (Xrd<'_>, Change)> {
        self.xrds()
            .filter_map(|x| Some((x, self.base_of(x.doc())?)))
            .flat_map(|(x, old)| classify(Xrd(old), x).into_iter().map(move |c| (x, c)))
    }
}

/// Classifies every difference between the old and the new version of an XRD.
pub fn classify(old: Xrd<'_>, new: Xrd<'_>) -> Vec<Change> {
    let mut d = Diff {
        old: old.doc(),
        new: new.doc(),
        out: Vec::new(),
    };
    let (os, ns) = (old.spec(), new.spec());
    let get = |s: Option<&Node>, k: &str| s.and_then(|s| s.get(k)).cloned();
    // Where a change of `spec` as a whole points: its key (not its first entry).
    let spec_key = |x: Xrd<'_>| {
        let doc = x.doc();
        doc.root
            .entry("spec")
            .map(|e| doc.key_span(e))
            .unwrap_or_else(|| doc.head_span())
    };
    let (old_spec, new_spec) = (spec_key(old), spec_key(new));
    for key in ["group", "names", "enforcedCompositionRef", "claimNames"] {
        let (a, b) = (get(os, key), get(ns, key));
        let changed = match (&a, &b) {
            (Some(a), Some(b)) => !a.same_as(b),
            (Some(_), None) => true,
            (None, Some(_)) => key == "enforcedCompositionRef",
            (None, None) => false,
        };
        if changed {
            let (on, nn) = (os.and_then(|s| s.get(key)), ns.and_then(|s| s.get(key)));
            let (o, n) = (
                on.map(|n| d.old.span(n)).unwrap_or(old_spec),
                nn.map(|n| d.new.span(n)).unwrap_or(new_spec),
            );
            d.push_at(
                ChangeClass::Immutable,
                format!("{code0} changed; it is immutable", code0 = code(&format!("spec.{key}"))),
                Some(o),
                Some(n),
            );
        }
    }
    if old.scope() != new.scope() {
        let (on, nn) = (os.and_then(|s| s.get("scope")), ns.and_then(|s| s.get("scope")));
        let (o, n) = (
            on.map(|n| d.old.span(n)).unwrap_or(old_spec),
            nn.map(|n| d.new.span(n)).unwrap_or(new_spec),
        );
        d.push_at(
            ChangeClass::Immutable,
            format!(
                "`spec.scope` changed from {} to {}; it is immutable",
                old.scope(),
                new.scope()
            ),
            Some(o),
            Some(n),
        );
    }
    for v in old.versions().iter().filter(|v| v.served) {
        let name = v.name.unwrap_or("?");
        match new.version(name) {
            Some(nv) if nv.served => {
                if let (Some(a), Some(b)) = (v.schema, nv.schema) {
                    let key = |doc: &Doc, version: &Node| {
                        version
                            .get("schema")
                            .and_then(|s| s.entry("openAPIV3Schema"))
                            .map(|e| doc.key_span(e))
                            .unwrap_or_else(|| doc.span(version))
                    };
                    let keys = (key(d.old, v.node), key(d.new, nv.node));
                    d.schema(a, b, "", keys);
                }
            }
            other => {
                // Still listed but not served: its `served`; gone: the `versions` key.
                let at = match other {
                    Some(o) => o
                        .node
                        .entry("served")
                        .map(|e| d.new.key_span(e))
                        .unwrap_or_else(|| d.new.span(o.node)),
                    None => ns
                        .and_then(|s| s.entry("versions"))
                        .map(|e| d.new.key_span(e))
                        .unwrap_or(new_spec),
                };
                let was = v
                    .node
                    .entry("name")
                    .map(|e| d.old.span(&e.value))
                    .unwrap_or_else(|| d.old.span(v.node));
                d.push_at(
                    ChangeClass::Breaking,
                    format!("served version {code0} removed", code0 = code(&name)),
                    Some(was),
                    Some(at),
                );
            }
        }
    }
    let (or, nr) = (old.referenceable(), new.referenceable());
    if let (Some(a), Some(b)) = (or, nr) {
        if a.name != b.name {
            d.push(
                ChangeClass::Breaking,
                format!(
                    "the referenceable version changed from {code0} to {code1}",
                    code0 = code(&a.name.unwrap_or("?")),
                    code1 = code(&b.name.unwrap_or("?"))
                ),
                Some(a.node),
                Some(b.node),
            );
        }
    }
    for v in new
        .versions()
        .iter()
        .filter(|v| v.served && old.version(v.name.unwrap_or("")).is_none())
    {
        d.push(
            ChangeClass::Compatible,
            format!("version {code0} added", code0 = code(&v.name.unwrap_or("?"))),
            None,
            Some(v.node),
        );
    }
    d.out
}
