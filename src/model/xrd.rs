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
}
