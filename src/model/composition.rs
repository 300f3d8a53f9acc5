//! Typed view of a Composition and of its pipeline steps, plus the one-time analysis of
//! function-go-templating inline templates.

use super::{split_api_version, Doc};
use crate::gotpl;
use crate::source::{FileId, Span};
use crate::yaml::{self, Node, OffsetMap};

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
    /// True when the step runs function-patch-and-transform.
    pub fn is_patch_and_transform(&self) -> bool {
        self.input_group() == "pt.fn.crossplane.io" || self.function.is_some_and(|f| f.contains("patch-and-transform"))
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
            yaml::parse(&scan.skeleton).docs.into_iter().map(|d| d.root).collect()
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

    /// True when a rendered node's text comes (partly) from a template action.
    pub fn is_dynamic(&self, node: &Node) -> bool {
        let (s, e) = (node.start as usize, node.end as usize);
        self.scan.actions.iter().any(|a| a.start < e.max(s + 1) && a.end > s)
    }
}
