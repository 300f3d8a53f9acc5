//! Entity references `[<kind>:][<namespace>/]<name>`: parsing and checking one, its lookup
//! key, and the reference fields of an entity's `spec` with every literal use of them.

use crate::model::Doc;
use crate::parse::yaml::Node;

use super::entity::namespace;
use crate::parse::text::code;

/// An entity reference `[<kind>:][<namespace>/]<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityRef<'a> {
    /// The kind, when given.
    pub kind: Option<&'a str>,
    /// The namespace, when given.
    pub namespace: Option<&'a str>,
    /// The name.
    pub name: &'a str,
}

impl<'a> EntityRef<'a> {
    /// Splits a reference into its parts (no validation).
    pub fn parse(s: &'a str) -> EntityRef<'a> {
        let (kind, rest) = match s.split_once(':') {
            Some((k, r)) => (Some(k), r),
            None => (None, s),
        };
        let (namespace, name) = match rest.split_once('/') {
            Some((n, r)) => (Some(n), r),
            None => (None, rest),
        };
        EntityRef { kind, namespace, name }
    }

    /// Why the reference is malformed, if it is.
    pub fn problem(&self) -> Option<String> {
        if let Some(k) = self.kind {
            if !is_kind(k) {
                return Some(format!("the kind {code0} is not a valid kind", code0 = code(&k)));
            }
        }
        if let Some(n) = self.namespace {
            if !crate::parse::names::is_dns1123_label(n) {
                return Some(format!(
                    "the namespace {code0} is not a DNS-1123 label",
                    code0 = code(&n)
                ));
            }
        }
        // Names are not validated when a reference is parsed (owners such as `web@example.com`
        // load, and stay unresolved); only what breaks parsing is an error.
        if self.name.is_empty() {
            return Some("the name is empty".into());
        }
        if self.name.contains(char::is_whitespace) || self.name.contains([':', '/']) {
            return Some(format!(
                "the name {code0} contains whitespace, `:` or `/`",
                code0 = code(&self.name)
            ));
        }
        None
    }

    /// The lookup key `kind:namespace/name` (lowercase), with the defaults filled in (relations
    /// default to the namespace of the entity that holds them).
    pub fn key(&self, default_kind: &str, default_namespace: &str) -> String {
        entity_key(
            self.kind.unwrap_or(default_kind),
            self.namespace.unwrap_or(default_namespace),
            self.name,
        )
    }
}

/// `kind:namespace/name`, lowercase: entity identity is case-insensitive.
pub fn entity_key(kind: &str, namespace: &str, name: &str) -> String {
    format!("{kind}:{namespace}/{name}").to_ascii_lowercase()
}

/// A valid kind: `^[a-zA-Z][a-z0-9A-Z]*$`, at most 63 characters.
pub fn is_kind(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 63 && chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// The reference fields of an entity's `spec`: (field, kinds it may point to, default kind,
/// whether it is a list).
pub const REF_FIELDS: &[(&str, &[&str], &str, bool)] = &[
    ("owner", &["Group", "User"], "Group", false),
    ("system", &["System"], "System", false),
    ("domain", &["Domain"], "Domain", false),
    ("subcomponentOf", &["Component"], "Component", false),
    ("dependsOn", &[], "Component", true),
    ("dependencyOf", &[], "Component", true),
    ("providesApis", &["API"], "API", true),
    ("consumesApis", &["API"], "API", true),
    ("parent", &["Group"], "Group", false),
    ("children", &["Group"], "Group", true),
    ("memberOf", &["Group"], "Group", true),
    ("members", &["User"], "User", true),
];

/// One reference of an entity: its field, the node and the string.
pub struct RefUse<'a> {
    /// The `spec` field.
    pub field: &'static str,
    /// Kinds it may point to (empty: any).
    pub kinds: &'static [&'static str],
    /// The kind assumed when the reference gives none.
    pub default_kind: &'static str,
    /// The scalar node.
    pub node: &'a Node,
    /// Its text.
    pub text: &'a str,
}

/// Every literal entity reference in an entity's `spec` (templated values skipped).
pub fn references(doc: &Doc) -> Vec<RefUse<'_>> {
    let mut out = Vec::new();
    let Some(spec) = doc.spec() else { return out };
    for &(field, kinds, default_kind, list) in REF_FIELDS {
        // A Template's owner is the template's; the rest are entity relations.
        let Some(v) = spec.get(field) else { continue };
        let nodes: Vec<&Node> = match (list, v.as_seq()) {
            (true, Some(items)) => items.iter().collect(),
            (false, None) => vec![v],
            _ => continue,
        };
        for node in nodes {
            let Some(text) = node.as_str() else { continue };
            if crate::parse::names::is_templated(text) {
                continue;
            }
            out.push(RefUse {
                field,
                kinds,
                default_kind,
                node,
                text,
            });
        }
    }
    out
}

impl RefUse<'_> {
    /// The key this reference resolves to from `doc`.
    pub fn key(&self, doc: &Doc) -> String {
        EntityRef::parse(self.text).key(self.default_kind, namespace(doc))
    }
    /// The kind it points to.
    pub fn target_kind(&self) -> &str {
        EntityRef::parse(self.text).kind.unwrap_or(self.default_kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::backstage::expression::analyse;

    #[test]
    fn entity_refs() {
        let r = EntityRef::parse("group:default/team-a");
        assert_eq!(
            (r.kind, r.namespace, r.name),
            (Some("group"), Some("default"), "team-a")
        );
        assert_eq!(
            EntityRef::parse("team-a").key("Group", "default"),
            "group:default/team-a"
        );
        assert!(EntityRef::parse("group:team a").problem().is_some());
        assert!(EntityRef::parse("web@example.com").problem().is_none());
        assert!(analyse("a || b").unwrap_err().contains("`or`"));
    }
}
