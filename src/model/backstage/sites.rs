//! Where a template's expressions are: every `${{ … }}` of its steps and output with its field
//! path, the ones that parse with what they read, and locating them in the source.

use crate::model::{Doc, Workspace};
use crate::parse::source::Span;
use crate::parse::yaml::Node;

use super::expression::{analyse, expressions, Expression, Uses};
use super::template::Template;

/// The string scalars under `node` with their path from it (`input.values.name`).
pub fn strings_with_path<'a>(node: &'a Node, path: &mut Vec<String>, out: &mut Vec<(String, &'a Node)>) {
    if path.len() > 64 {
        return;
    }
    if let Some(map) = node.as_map() {
        for e in map {
            path.push(e.key.clone());
            strings_with_path(&e.value, path, out);
            path.pop();
        }
    } else if let Some(items) = node.as_seq() {
        for (i, item) in items.iter().enumerate() {
            path.push(i.to_string());
            strings_with_path(item, path, out);
            path.pop();
        }
    } else if node.as_str().is_some() {
        out.push((path.join("."), node));
    }
}

/// Every expression use in a template's steps and output: (where — `step` index or `None`
/// for `output` —, the field path, the scalar, the expression).
pub struct ExprSite<'a> {
    /// The step index (`None`: under `spec.output`).
    pub step: Option<usize>,
    /// Path inside the step or output (`input.values.name`, `if`, `links.0.url`).
    pub field: String,
    /// The scalar.
    pub node: &'a Node,
    /// The expression.
    pub expr: Expression<'a>,
}

/// Every `${{ … }}` in a template's steps and output.
pub fn expression_sites<'a>(t: Template<'a>) -> Vec<ExprSite<'a>> {
    let mut out = Vec::new();
    let mut scalars = Vec::new();
    for step in t.steps() {
        scalars.clear();
        // The runner renders a step's `input`, `if` and `each`; other keys are not evaluated.
        for key in ["input", "if", "each"] {
            if let Some(node) = step.node.get(key) {
                strings_with_path(node, &mut vec![key.to_string()], &mut scalars);
            }
        }
        for (field, node) in scalars.drain(..) {
            for expr in expressions(node.as_str().unwrap_or("")) {
                out.push(ExprSite {
                    step: Some(step.index),
                    field: field.clone(),
                    node,
                    expr,
                });
            }
        }
    }
    if let Some(output) = t.0.root.path(&["spec", "output"]) {
        strings_with_path(output, &mut Vec::new(), &mut scalars);
        for (field, node) in scalars.drain(..) {
            for expr in expressions(node.as_str().unwrap_or("")) {
                out.push(ExprSite {
                    step: None,
                    field: field.clone(),
                    node,
                    expr,
                });
            }
        }
    }
    out
}

/// An expression of a template's steps or output that parses, with what it reads and where
/// it is (syntax errors are `bs-tpl-expression-syntax`'s).
pub struct ParsedSite<'a> {
    /// Where it is used.
    pub site: ExprSite<'a>,
    /// What it reads.
    pub uses: Uses,
    /// Its span (the `${{ … }}` when the source spells it verbatim, else the scalar).
    pub span: Span,
}

impl Workspace {
    /// The expressions of a template's steps and output that parse.
    pub fn parsed_expressions<'a>(&self, t: Template<'a>) -> Vec<ParsedSite<'a>> {
        expression_sites(t)
            .into_iter()
            .filter_map(|site| {
                let uses = analyse(site.expr.inner).ok()?;
                let span = self.span_in(t.0, site.node, site.expr.whole);
                Some(ParsedSite { site, uses, span })
            })
            .collect()
    }
}

impl Workspace {
    /// The span of `needle` inside the scalar `node` of `doc` when the source spells it
    /// verbatim (a plain or simply quoted scalar), else the node's span.
    pub fn span_in(&self, doc: &Doc, node: &Node, needle: &str) -> Span {
        let text = &*self.sources.get(doc.file).text;
        let (s, e) = (node.start as usize, node.end as usize);
        match text.get(s..e).and_then(|src| src.find(needle)) {
            Some(at) if !needle.is_empty() => {
                let start = (s + at) as u32;
                Span::new(doc.file, start, start + needle.len() as u32)
            }
            _ => doc.span(node),
        }
    }
}

/// The byte offset of `part` inside `whole` (both from the same string).
pub fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}
