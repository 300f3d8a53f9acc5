//! Typed view of a CompositeResourceDefinition (apiextensions.crossplane.io v1 and v2).

use super::Doc;
use crate::parse::yaml::Node;

/// A view of an XRD document.
#[derive(Clone, Copy, Debug)]
pub struct Xrd<'a>(pub &'a Doc);

/// One entry of `spec.versions`.
#[derive(Clone, Copy, Debug)]
pub struct XrdVersion<'a> {
    /// The version node.
    pub node: &'a Node,
    /// `name`.
    pub name: Option<&'a str>,
    /// `served`.
    pub served: bool,
    /// `referenceable`.
    pub referenceable: bool,
    /// `schema.openAPIV3Schema`.
    pub schema: Option<&'a Node>,
}

impl<'a> Xrd<'a> {
    /// The document.
    pub fn doc(&self) -> &'a Doc {
        self.0
    }
    /// True for `apiextensions.crossplane.io/v2`.
    pub fn is_v2(&self) -> bool {
        self.0.version() == "v2"
    }
    /// `spec`.
    pub fn spec(&self) -> Option<&'a Node> {
        self.0.root.get("spec")
    }
    /// `spec.group`.
    pub fn group(&self) -> Option<&'a str> {
        self.spec()?.get("group")?.as_str()
    }
    /// `spec.names.kind`.
    pub fn kind(&self) -> Option<&'a str> {
        self.spec()?.path(&["names", "kind"])?.as_str()
    }
    /// `spec.names.plural`.
    pub fn plural(&self) -> Option<&'a str> {
        self.spec()?.path(&["names", "plural"])?.as_str()
    }
    /// `spec.scope`, or the default for the API version.
    pub fn scope(&self) -> &'a str {
        match self.spec().and_then(|s| s.get("scope")).and_then(Node::as_str) {
            Some(s) => s,
            None if self.is_v2() => "Namespaced",
            None => "LegacyCluster",
        }
    }
    /// True when XRs of this kind live in a namespace.
    pub fn is_namespaced(&self) -> bool {
        self.scope() == "Namespaced"
    }
    /// `spec.versions`.
    pub fn versions(&self) -> Vec<XrdVersion<'a>> {
        self.each_version().collect()
    }
    /// `spec.versions`, read one at a time ([`Xrd::versions`] without collecting them).
    pub fn each_version(&self) -> impl Iterator<Item = XrdVersion<'a>> {
        let items = self.spec().and_then(|s| s.get("versions")).and_then(Node::as_seq);
        items.unwrap_or(&[]).iter().map(|v| XrdVersion {
            node: v,
            name: v.get("name").and_then(Node::as_str),
            served: v.get("served").and_then(Node::as_bool).unwrap_or(false),
            referenceable: v.get("referenceable").and_then(Node::as_bool).unwrap_or(false),
            schema: v.path(&["schema", "openAPIV3Schema"]),
        })
    }
    /// The referenceable version (the first one when several are marked).
    pub fn referenceable(&self) -> Option<XrdVersion<'a>> {
        self.each_version().find(|v| v.referenceable)
    }
    /// The version named `name`.
    pub fn version(&self, name: &str) -> Option<XrdVersion<'a>> {
        self.each_version().find(|v| v.name == Some(name))
    }
    /// The schema used for cross-file checks: the referenceable version's, else the first.
    pub fn main_schema(&self) -> Option<&'a Node> {
        self.referenceable()
            .and_then(|v| v.schema)
            .or_else(|| self.versions().iter().find_map(|v| v.schema))
    }
    /// Span of `metadata.name` (or the document head), for "XRD defined here" labels.
    pub fn name_span(&self) -> crate::parse::source::Span {
        self.0
            .root
            .path(&["metadata", "name"])
            .map(|n| self.0.span(n))
            .unwrap_or_else(|| self.0.head_span())
    }
    /// `metadata.name`.
    pub fn name(&self) -> Option<&'a str> {
        self.0.name()
    }
    /// Where the scope is decided, for labels of cross-file findings: the `spec.scope` value,
    /// or when it is absent the `apiVersion` whose default applies; with what that says.
    pub fn scope_label(&self) -> (crate::parse::source::Span, String) {
        let doc = self.0;
        match self.spec().and_then(|s| s.get("scope")) {
            Some(n) => (doc.span(n), format!("the XRD declares `scope: {}` here", self.scope())),
            None => (
                doc.root
                    .get("apiVersion")
                    .map(|n| doc.span(n))
                    .unwrap_or_else(|| doc.head_span()),
                format!(
                    "the XRD sets no `spec.scope`: `{}` defaults it to `{}`",
                    doc.root.str_at(&["apiVersion"]).unwrap_or_default(),
                    self.scope()
                ),
            ),
        }
    }
    /// The deepest declaration in the schema of `version` (the main schema when absent) of
    /// the instance path `path` (`spec.items[0].name`: `properties` by name, `items` for an
    /// index, `additionalProperties` for any other name): the span of the key that declares
    /// it, with the dotted path declared; `None` without a schema or when not even the first
    /// segment is declared.
    pub fn schema_decl(&self, version: Option<&str>, path: &str) -> Option<(crate::parse::source::Span, String)> {
        let root = match version.and_then(|v| self.version(v)) {
            Some(v) => v.schema?,
            None => self.main_schema()?,
        };
        let mut node = root;
        let mut found = None;
        let mut shown = String::new();
        for seg in path.split('.').filter(|s| !s.is_empty()) {
            let (name, indexes) = match seg.find('[') {
                Some(i) => (&seg[..i], seg[i..].matches('[').count()),
                None => (seg, 0),
            };
            let entry = node.get("properties").and_then(|p| p.entry(name)).or_else(|| {
                node.entry("additionalProperties")
                    .filter(|e| e.value.as_map().is_some())
            });
            let Some(mut entry) = entry else { break };
            for _ in 0..indexes {
                match entry.value.entry("items") {
                    Some(items) => entry = items,
                    None => break,
                }
            }
            node = &entry.value;
            if !shown.is_empty() {
                shown.push('.');
            }
            shown.push_str(seg);
            found = Some(self.0.key_span(entry));
        }
        found.map(|at| (at, shown))
    }
    /// A label for a finding about an instance's field `path`: the schema node that declares
    /// it (or its deepest declared parent), else the XRD's name.
    pub fn schema_label(&self, version: Option<&str>, path: &str) -> (crate::parse::source::Span, String) {
        match self.schema_decl(version, path) {
            Some((at, shown)) => (at, format!("the XRD's schema declares `{shown}` here")),
            None => (self.name_span(), "XRD defined here".to_string()),
        }
    }
}
