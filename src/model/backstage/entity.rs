//! Catalog entities: which documents are entities, the built-in kinds, an entity's namespace
//! and key, a Location's targets, and the workspace's look-ups of entities by key and kind.

use crate::model::{Doc, Workspace};
use crate::parse::yaml::Node;

use super::reference::{entity_key, EntityRef};

/// The built-in entity kinds and the apiVersions their schemas accept.
pub const BUILTIN_KINDS: &[(&str, &[&str])] = &[
    ("Component", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("API", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Resource", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("System", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Domain", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Group", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("User", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Location", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Template", &["scaffolder.backstage.io/v1beta3"]),
];

/// True for a Backstage catalog entity: an `apiVersion` of `backstage.io` or a subdomain of it,
/// or, judged by content, a document whose `apiVersion` is missing, not a string or malformed but whose
/// `kind` is a built-in entity kind and which has `metadata` (the catalog still reads it, and
/// refuses it for its `apiVersion`).
pub fn is_entity(doc: &Doc) -> bool {
    doc.entity
}

/// Decides [`is_entity`] once, when a document is classified.
pub(crate) fn detect(doc: &Doc) -> bool {
    let g = doc.group();
    if g == "backstage.io" || g.ends_with(".backstage.io") {
        return true;
    }
    // A string apiVersion that cannot be any API group's (`a#b`, `backstage io/v1`): nothing
    // else will read the document either.
    let malformed = |v: &str| {
        let (group, version) = crate::model::split_api_version(v);
        !version_like(version) || !(group.is_empty() || group.split('.').all(version_like))
    };
    let api = doc.root.get("apiVersion");
    api.is_none_or(|a| a.as_str().is_none_or(malformed))
        && BUILTIN_KINDS.iter().any(|(k, _)| *k == doc.kind)
        && doc.root.get("metadata").is_some()
}

/// Letters, digits and `-` (the characters of a DNS label, any case), not empty.
fn version_like(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// An entity's namespace (`default` when unset).
pub fn namespace(doc: &Doc) -> &str {
    doc.root.str_at(&["metadata", "namespace"]).unwrap_or("default")
}

/// The key of an entity document (`kind:namespace/name`), when it has a literal name.
pub fn doc_key(doc: &Doc) -> Option<String> {
    let name = doc.name().filter(|n| !crate::parse::names::is_templated(n))?;
    Some(entity_key(&doc.kind, namespace(doc), name))
}

/// A Location's `spec.target` and `spec.targets[]` nodes.
pub fn location_targets(doc: &Doc) -> Vec<&Node> {
    let spec = doc.spec();
    let mut targets: Vec<&Node> = spec.and_then(|s| s.get("target")).into_iter().collect();
    targets.extend(
        spec.and_then(|s| s.get("targets"))
            .and_then(Node::as_seq)
            .unwrap_or(&[]),
    );
    targets
}

impl Workspace {
    /// The Backstage entities of the checked roots.
    pub fn entities(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(|d| is_entity(d))
    }

    /// The entities with the key `kind:namespace/name` (lowercase).
    pub fn entities_by_key(&self, key: &str) -> impl Iterator<Item = &Doc> {
        self.index
            .entity_by_key
            .get(key)
            .into_iter()
            .flatten()
            .map(|&i| &self.docs[i])
    }

    /// True when the workspace (or the configured catalog) knows entities of `kind`, so that a
    /// reference to that kind can be resolved here.
    pub fn knows_kind(&self, kind: &str) -> bool {
        let lower = kind.to_ascii_lowercase();
        self.index.entity_kinds.contains(&lower)
            || self
                .options
                .backstage_options
                .known_entities
                .iter()
                .any(|k| k.to_ascii_lowercase().starts_with(&format!("{lower}:")))
    }

    /// True when the reference key resolves to an entity here or in the configured catalog.
    pub fn resolves(&self, key: &str) -> bool {
        self.index.entity_by_key.contains_key(key)
            || self
                .options
                .backstage_options
                .known_entities
                .iter()
                .any(|k| EntityRef::parse(k).key("", "default") == key)
    }
}
