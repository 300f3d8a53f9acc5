//! Typed view of a Composition and of its pipeline steps, plus the one-time analysis of
//! function-go-templating inline templates.

use super::{split_api_version, Doc};
use crate::parse::gotpl;
use crate::parse::source::{FileId, Span};
use crate::parse::yaml::{self, Node, OffsetMap};

/// A view of a Composition document.
#[derive(Clone, Copy, Debug)]
pub struct Composition<'a> {
    /// The document.
    pub doc: &'a Doc,
    /// Its index in `Workspace::docs`.
    pub id: usize,
}

/// One pipeline step.
#[derive(Clone, Copy, Debug)]
pub struct Step<'a> {
    /// The step node.
    pub node: &'a Node,
    /// `step`.
    pub name: Option<&'a str>,
    /// `functionRef.name`.
    pub function: Option<&'a str>,
    /// `input`.
    pub input: Option<&'a Node>,
}

impl Step<'_> {
    /// The input's API group.
    pub fn input_group(&self) -> &str {
        self.input
            .and_then(|i| i.str_at(&["apiVersion"]))
            .map(|a| split_api_version(a).0)
            .unwrap_or("")
    }
    /// The input's kind.
    pub fn input_kind(&self) -> &str {
        self.input.and_then(|i| i.str_at(&["kind"])).unwrap_or("")
    }
    /// True when the step runs function-go-templating.
    pub fn is_go_templating(&self) -> bool {
        self.input_group().starts_with("gotemplating.")
            || self.input_kind() == "GoTemplate"
            || self.function.is_some_and(|f| f.contains("go-templating"))
    }
    /// True when the step runs function-patch-and-transform: its input is of the function's
    /// group, or the function is named after it. An input of another function's group
    /// (`*.fn.crossplane.io`: function-cel-filter's `cel.fn.crossplane.io` `Filters`) is never
    /// read as patch-and-transform's, whatever the function is called.
    pub fn is_patch_and_transform(&self) -> bool {
        match self.input_group() {
            "pt.fn.crossplane.io" => true,
            g if g.ends_with(".fn.crossplane.io") => false,
            _ => self.function.is_some_and(|f| f.contains("patch-and-transform")),
        }
    }
    /// True when the step runs function-environment-configs.
    pub fn is_environment_configs(&self) -> bool {
        self.input_group() == "environmentconfigs.fn.crossplane.io"
            || self.function.is_some_and(|f| f.contains("environment-configs"))
    }
}

impl<'a> Composition<'a> {
    /// `spec`.
    pub fn spec(&self) -> Option<&'a Node> {
        self.doc.root.get("spec")
    }
    /// `spec.compositeTypeRef`.
    pub fn type_ref(&self) -> Option<&'a Node> {
        self.spec()?.get("compositeTypeRef")
    }
    /// (group, version, kind) of the composite type.
    pub fn type_gvk(&self) -> Option<(&'a str, &'a str, &'a str)> {
        let r = self.type_ref()?;
        let (g, v) = split_api_version(r.get("apiVersion")?.as_str()?);
        Some((g, v, r.get("kind")?.as_str()?))
    }
    /// `spec.mode`, defaulting to `Pipeline`.
    pub fn mode(&self) -> &'a str {
        self.spec()
            .and_then(|s| s.get("mode"))
            .and_then(Node::as_str)
            .unwrap_or("Pipeline")
    }
    /// `metadata.name`.
    pub fn name(&self) -> Option<&'a str> {
        self.doc.name()
    }
    /// True for a legacy patch-and-transform Composition (`mode: Resources`, or `resources`
    /// without a mode, which Crossplane v1 defaulted to Resources).
    pub fn is_legacy(&self) -> bool {
        let spec = self.spec();
        match spec.and_then(|s| s.get("mode")).and_then(Node::as_str) {
            Some(m) => m == "Resources",
            None => spec.is_some_and(|s| s.get("resources").is_some()),
        }
    }
    /// The pipeline steps.
    pub fn steps(&self) -> Vec<Step<'a>> {
        let Some(items) = self.spec().and_then(|s| s.get("pipeline")).and_then(Node::as_seq) else {
            return Vec::new();
        };
        items
            .iter()
            .map(|n| Step {
                node: n,
                name: n.get("step").and_then(Node::as_str),
                function: n.path(&["functionRef", "name"]).and_then(Node::as_str),
                input: n.get("input"),
            })
            .collect()
    }
}

/// A function-go-templating inline template, scanned once.
#[derive(Debug)]
pub struct TemplateStep {
    /// Index of the Composition in `Workspace::docs`.
    pub doc: usize,
    /// Index of the step in the pipeline.
    pub step: usize,
    /// The file.
    pub file: FileId,
    /// The scan result.
    pub scan: gotpl::Scan,
    /// Template offset → file offset.
    pub map: OffsetMap,
    /// The documents the template renders, parsed from its skeleton (empty on a scan error).
    pub rendered: Vec<Node>,
}

impl TemplateStep {
    /// Analyses the inline template of `step` when it has one.
    pub fn analyse(doc_id: usize, doc: &Doc, text: &str, step_index: usize, step: &Step<'_>) -> Option<Self> {
        if !step.is_go_templating() {
            return None;
        }
        let tpl = step.input?.path(&["inline", "template"])?;
        let src = tpl.as_str()?;
        let scan = gotpl::scan(src);
        let rendered = if scan.error.is_none() {
            yaml::parse(&scan.skeleton)
                .docs
                .into_iter()
                .map(|d| std::sync::Arc::unwrap_or_clone(d.root))
                .collect()
        } else {
            Vec::new()
        };
        Some(TemplateStep {
            doc: doc_id,
            step: step_index,
            file: doc.file,
            map: OffsetMap::new(text, tpl),
            scan,
            rendered,
        })
    }

    /// File span of the template range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let s = self.map.to_file(start);
        let e = self.map.to_file(end).max(s);
        Span::new(self.file, s, e)
    }

    /// File span of a node of a rendered document.
    pub fn node_span(&self, node: &Node) -> Span {
        self.span(node.start as usize, node.end as usize)
    }

    /// File span of a rendered mapping entry's key.
    pub fn key_span(&self, e: &yaml::Entry) -> Span {
        self.span(e.key_start as usize, e.key_end as usize)
    }

    /// True when a template action (not a comment) lies inside a rendered node.
    pub fn contains_action(&self, node: &Node) -> bool {
        let (s, e) = (node.start as usize, node.end as usize);
        self.scan
            .actions
            .iter()
            .any(|a| a.start >= s && a.start < e && !a.body.trim_start().starts_with("/*"))
    }

    /// True when a rendered node may be (partly) produced by the template: a scalar that
    /// overlaps an action, or a collection holding an action on a line of its own (which can
    /// emit keys or items the skeleton does not show).
    pub fn is_dynamic(&self, node: &Node) -> bool {
        let (s, e) = (node.start as usize, node.end as usize);
        match node.value {
            crate::parse::yaml::Value::Map(_) | crate::parse::yaml::Value::Seq(_) => self
                .scan
                .actions
                .iter()
                .any(|a| a.start >= s && a.start < e && self.scan.skeleton.as_bytes().get(a.start) == Some(&b' ')),
            _ => self.overlaps_action(s, e),
        }
    }

    /// True when the template range `start..end` overlaps an action.
    pub fn overlaps_action(&self, start: usize, end: usize) -> bool {
        self.scan
            .actions
            .iter()
            .any(|a| a.start < end.max(start + 1) && a.end > start)
    }
}

/// Where a composed resource comes from.
#[derive(Clone, Copy, Debug)]
pub enum Origin<'a> {
    /// A document rendered by a go-templating step (its skeleton, offsets in the template).
    Template(&'a TemplateStep),
    /// A `resources[].base` of a patch-and-transform step, in the Composition document.
    Base(&'a Doc),
}

/// One resource a Composition emits, with spans that point into the Composition's file.
#[derive(Clone, Copy, Debug)]
pub struct Composed<'a> {
    /// The resource's root node.
    pub root: &'a Node,
    /// Where it comes from.
    pub origin: Origin<'a>,
    /// The pipeline step index.
    pub step: usize,
    /// For a patch-and-transform base: the resource's `patches` (they complete the base).
    pub patches: &'a [Node],
    /// For a patch-and-transform base: its `resources[]` entry (name, readiness checks).
    pub entry: Option<&'a Node>,
}

impl<'a> Composed<'a> {
    /// File span of a node of the resource.
    pub fn span(&self, n: &Node) -> Span {
        match self.origin {
            Origin::Template(t) => t.node_span(n),
            Origin::Base(d) => d.span(n),
        }
    }
    /// File span of a mapping entry's key.
    pub fn key_span(&self, e: &yaml::Entry) -> Span {
        self.range_span(e.key_start, e.key_end)
    }
    /// File span of an offset range of the resource's source (the template or the document).
    pub fn range_span(&self, start: u32, end: u32) -> Span {
        match self.origin {
            Origin::Template(t) => t.span(start as usize, end as usize),
            Origin::Base(d) => Span::new(d.file, start, end),
        }
    }
    /// True when the node's value is produced by a template action.
    pub fn is_dynamic(&self, n: &Node) -> bool {
        match self.origin {
            Origin::Template(t) => t.is_dynamic(n),
            Origin::Base(_) => false,
        }
    }
    /// True when a mapping key is produced by a template action.
    pub fn key_is_dynamic(&self, e: &yaml::Entry) -> bool {
        match self.origin {
            Origin::Template(t) => t.overlaps_action(e.key_start as usize, e.key_end as usize),
            Origin::Base(_) => false,
        }
    }
    /// True when a patch may write `path` (dotted) or something below or above it: such a
    /// field is not missing from a patch-and-transform base.
    pub fn patched(&self, path: &str) -> bool {
        self.patches.iter().any(|p| {
            let ty = p.str_at(&["type"]).unwrap_or("FromCompositeFieldPath");
            if ty == "PatchSet" {
                return true;
            }
            p.str_at(&["toFieldPath"]).is_some_and(|t| {
                let t = t.replace('[', ".").replace(']', "");
                t == path || t.starts_with(&format!("{path}.")) || path.starts_with(&format!("{t}."))
            })
        })
    }
    /// A string at a path, unless it is templated.
    pub fn static_str(&self, keys: &[&str]) -> Option<&'a str> {
        let n = self.root.path(keys)?;
        if self.is_dynamic(n) {
            return None;
        }
        n.as_str()
    }
    /// `apiVersion`.
    pub fn api_version(&self) -> Option<&'a str> {
        self.static_str(&["apiVersion"])
    }
    /// `kind`.
    pub fn kind(&self) -> Option<&'a str> {
        self.static_str(&["kind"])
    }
    /// The API group.
    pub fn group(&self) -> Option<&'a str> {
        self.api_version().map(|a| split_api_version(a).0)
    }
    /// Span of the resource head (its `kind`, or its first key).
    pub fn head_span(&self) -> Span {
        match self.root.get("kind") {
            Some(k) => self.span(k),
            None => self.span(self.root),
        }
    }
    /// The manifest wrapped by a provider-kubernetes `Object`, if this is one.
    pub fn wrapped_manifest(&self) -> Option<&'a Node> {
        if self.kind() != Some("Object") || !self.group().is_some_and(|g| g.starts_with("kubernetes.")) {
            return None;
        }
        self.root.path(&["spec", "forProvider", "manifest"])
    }
}

impl crate::model::Workspace {
    /// Every resource the Composition `comp` emits.
    pub fn composed<'a>(&'a self, comp: &Composition<'a>) -> Vec<Composed<'a>> {
        let mut out = Vec::new();
        for t in self.templates.iter().filter(|t| t.doc == comp.id) {
            for root in &t.rendered {
                if root.as_map().is_some() {
                    out.push(Composed {
                        root,
                        origin: Origin::Template(t),
                        step: t.step,
                        patches: &[],
                        entry: None,
                    });
                }
            }
        }
        let doc = comp.doc;
        if let Some(items) = doc.root.path(&["spec", "pipeline"]).and_then(Node::as_seq) {
            for (k, step) in items.iter().enumerate() {
                let Some(resources) = step.path(&["input", "resources"]).and_then(Node::as_seq) else {
                    continue;
                };
                for r in resources {
                    if let Some(base) = r.get("base") {
                        let patches = r.get("patches").and_then(Node::as_seq).unwrap_or(&[]);
                        out.push(Composed {
                            root: base,
                            origin: Origin::Base(doc),
                            step: k,
                            patches,
                            entry: Some(r),
                        });
                    }
                }
            }
        }
        out
    }

    /// The resources emitted for namespaced XRs: each Composition whose XRD is namespaced,
    /// with that XRD and every resource it composes.
    pub fn namespaced_composed(&self) -> impl Iterator<Item = (Composition<'_>, crate::model::Xrd<'_>, Composed<'_>)> {
        self.compositions()
            .filter_map(move |c| Some((c, self.xrd_of(&c).filter(|x| x.is_namespaced())?)))
            .flat_map(move |(c, x)| self.composed(&c).into_iter().map(move |r| (c, x, r)))
    }
}
