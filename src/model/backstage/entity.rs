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

/// True for a Backstage catalog entity (`apiVersion` of `backstage.io` or a subdomain of it).
pub fn is_entity(doc: &Doc) -> bool {
    let g = doc.group();
    g == "backstage.io" || g.ends_with(".backstage.io")
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
