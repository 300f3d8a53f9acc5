//! Software templates (`scaffolder.backstage.io` `Template`): their form pages, parameters and
//! steps, and the local skeleton folder a `fetch:template` step names.

use crate::model::{Doc, Workspace};
use crate::parse::yaml::Node;

use super::expression::has_expression;
use super::form::collect_properties;
use crate::parse::text::code;

/// True for a scaffolder software template (`scaffolder.backstage.io` `Template`).
pub fn is_template(doc: &Doc) -> bool {
    doc.group() == "scaffolder.backstage.io" && doc.kind == "Template"
}

/// A software template (`scaffolder.backstage.io/v1beta3` `Template`).
#[derive(Clone, Copy)]
pub struct Template<'a>(pub &'a Doc);

/// A step of a template with what expressions need of it.
pub struct Step<'a> {
    /// Its position.
    pub index: usize,
    /// The step node.
    pub node: &'a Node,
    /// `id`, when set.
    pub id: Option<&'a str>,
    /// `action`, when a string.
    pub action: Option<&'a str>,
}

impl<'a> Template<'a> {
    /// The form pages: `spec.parameters` as a list, or the single object.
    pub fn pages(&self) -> Vec<&'a Node> {
        match self.0.root.path(&["spec", "parameters"]) {
            Some(p) if p.as_map().is_some() => vec![p],
            Some(p) => p
                .as_seq()
                .map(|s| s.iter().filter(|n| n.as_map().is_some()).collect())
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// The steps.
    pub fn steps(&self) -> Vec<Step<'a>> {
        let items = self
            .0
            .root
            .path(&["spec", "steps"])
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        items
            .iter()
            .enumerate()
            .map(|(index, node)| Step {
                index,
                node,
                id: node.get("id").and_then(Node::as_str),
                action: node.get("action").and_then(Node::as_str),
            })
            .collect()
    }

    /// Every declared parameter schema, by name: each page's `properties`, and those added by
    /// `dependencies`, `allOf`/`anyOf`/`oneOf` and `if`/`then`/`else` branches.
    pub fn parameters(&self) -> Vec<(&'a str, &'a Node)> {
        let mut out = Vec::new();
        for page in self.pages() {
            collect_properties(page, &mut out, 0);
        }
        out
    }
}

impl<'a> Step<'a> {
    /// `input`, when a mapping.
    pub fn input(&self) -> Option<&'a Node> {
        self.node.get("input").filter(|i| i.as_map().is_some())
    }
    /// A literal string input.
    pub fn input_str(&self, key: &str) -> Option<&'a str> {
        self.input().and_then(|i| i.get(key)).and_then(Node::as_str)
    }
    /// How the step is named in messages.
    pub fn label(&self) -> String {
        self.id.map_or_else(
            || format!("step {}", self.index + 1),
            |id| format!("step {code0}", code0 = code(&id)),
        )
    }
}

impl Workspace {
    /// The software templates.
    pub fn templates(&self) -> impl Iterator<Item = Template<'_>> {
        self.docs.iter().filter(|d| is_template(d)).map(Template)
    }

    /// The skeleton of a `fetch:template` step with a local `url`: its folder (relative to
    /// the root) and the text files under it (path, file, text).
    pub fn skeleton(&self, t: Template<'_>, step: &Step<'_>) -> Option<Skeleton<'_>> {
        let url = step.input_str("url")?;
        let dir = local_url(self.rel(t.0), url)?;
        let prefix = format!("{dir}/");
        let files = self
            .paths
            .iter()
            .filter(|p| p.starts_with(&prefix))
            .map(|p| {
                let id = self.sources.find(p);
                (p, id, id.map_or("", |id| &*self.sources.get(id).text))
            })
            .collect();
        Some(Skeleton { dir, files })
    }
}

/// A `fetch:template` skeleton folder and its files.
pub struct Skeleton<'w> {
    /// The folder, relative to the root.
    pub dir: String,
    /// Every file under it: path, source id when read as text, text (empty when not read).
    pub files: Vec<(&'w str, Option<crate::parse::source::FileId>, &'w str)>,
}

/// The directory of a template relative to the root (`""` or `dir/`).
pub fn template_dir(rel: &str) -> &str {
    match rel.rfind('/') {
        Some(i) => &rel[..=i],
        None => "",
    }
}

/// The skeleton folder a `fetch:*` step's literal relative `url` names, relative to the root.
pub fn local_url(template_rel: &str, url: &str) -> Option<String> {
    if url.contains("://") || has_expression(url) || url.starts_with('/') {
        return None;
    }
    crate::parse::names::join_path(template_dir(template_rel).trim_end_matches('/'), url)
}
