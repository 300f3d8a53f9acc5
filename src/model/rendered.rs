//! What the Compositions of a workspace render, as data the rules read: for each XR that was
//! rendered (the examples of a template repository, and with `portalint check --render` every
//! order), the composed resources its Composition's pipeline produced, each with the span of
//! the template or base that made it, and how the render ended. The engine fills it (it runs
//! `crate::render`, which the model does not know of) before the rules run; rules stay pure
//! functions over it.
//!
//! Also here: the CRDs given to a check (`--crds`), for the schema, scope and served-version
//! checks of rendered resources.

use std::collections::HashMap;

use serde_json::Value;

use super::composed::RenderedView;
use crate::parse::source::Span;
use crate::parse::yaml::Node;

/// One composed resource of a render.
#[derive(Debug, Clone)]
pub struct RenderedResource {
    /// Its composition-resource-name.
    pub name: String,
    /// The object the pipeline left.
    pub resource: Value,
    /// What in the Composition made it: the resource's `kind` in a go-templating document or
    /// a patch-and-transform base when portalint maps it there, else the whole template or
    /// base (`None`: unknown).
    pub origin: Option<Span>,
    /// The pipeline step that first produced it.
    pub step: usize,
    /// A function returned it `READY_TRUE`.
    pub ready: bool,
    /// A function returned it `READY_FALSE` (a template that decides readiness itself).
    pub decided: bool,
    /// Its patch-and-transform `resources[]` entry has `readinessChecks`.
    pub readiness_checks: bool,
    /// It comes from a patch-and-transform entry without `readinessChecks` (the function's
    /// default check: a `Ready: True` condition).
    pub pt_default: bool,
}

impl RenderedResource {
    /// The resource through the view the composed checks read.
    pub fn view(&self) -> RenderedView<'_> {
        RenderedView {
            resource: &self.resource,
            origin: self.origin,
            step: self.step,
            ready: self.ready,
            readiness_checks: self.readiness_checks,
            pt_default: self.pt_default,
            decided: self.decided,
        }
    }
    /// `apiVersion` and `kind`, when both are strings.
    pub fn gvk(&self) -> Option<(&str, &str, &str)> {
        let api = self.resource.get("apiVersion")?.as_str()?;
        let kind = self.resource.get("kind")?.as_str()?;
        let (g, v) = super::split_api_version(api);
        Some((g, v, kind))
    }
    /// `metadata.namespace`, when set.
    pub fn namespace(&self) -> Option<&str> {
        self.resource.pointer("/metadata/namespace").and_then(Value::as_str)
    }
}

/// A composed resource that a later document of the same render replaced: the function keeps
/// one desired resource per composition-resource-name, the last one written.
#[derive(Debug, Clone)]
pub struct Replaced {
    /// The composition-resource-name.
    pub name: String,
    /// (apiVersion, kind) of the resource that was replaced.
    pub first: (String, String),
    /// Where the replaced resource was made.
    pub first_origin: Option<Span>,
    /// Its step.
    pub first_step: usize,
    /// (apiVersion, kind) of the resource that replaced it.
    pub then: (String, String),
    /// Where the replacing resource was made.
    pub then_origin: Option<Span>,
    /// Its step.
    pub then_step: usize,
}

/// How a render stopped early.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The step's name (or `#index`).
    pub step: String,
    /// What the function said.
    pub message: String,
    /// Where in the Composition.
    pub span: Option<Span>,
    /// Why the failure may be portalint's rather than the Composition's (a step before it
    /// was skipped, its EnvironmentConfigs are not in the checked files): then it is said as a
    /// note, not reported as an error.
    pub incomplete: Option<String>,
}

/// One XR rendered with one Composition.
#[derive(Debug, Clone)]
pub struct Render {
    /// The XR: an index into `Workspace::docs`.
    pub xr: usize,
    /// The Composition: an index into `Workspace::docs`.
    pub composition: usize,
    /// The XR is an order (rendered with `--render`), not an example.
    pub order: bool,
    /// The desired composed resources, in the order the functions produced them.
    pub resources: Vec<RenderedResource>,
    /// Resources a later document replaced under the same name.
    pub replaced: Vec<Replaced>,
    /// Set when a step returned a fatal result: the pipeline stopped there.
    pub failure: Option<Failure>,
}

/// A step portalint cannot run, once per Composition.
#[derive(Debug, Clone)]
pub struct Unsupported {
    /// The Composition: an index into `Workspace::docs`.
    pub composition: usize,
    /// The step's name.
    pub step: String,
    /// `functionRef.name`.
    pub function: String,
    /// The step's span.
    pub span: Span,
}

/// Everything rendered for a workspace.
#[derive(Debug, Clone, Default)]
pub struct Renders {
    /// True when the render stage ran (it does not for a streamed check).
    pub ran: bool,
    /// One per rendered XR.
    pub renders: Vec<Render>,
    /// The steps no render could run.
    pub unsupported: Vec<Unsupported>,
}

/// One version of a CRD given to the check.
#[derive(Debug, Clone)]
pub struct CrdVersion {
    /// `name`.
    pub name: String,
    /// `served`.
    pub served: bool,
    /// `schema.openAPIV3Schema`.
    pub schema: Option<Node>,
}

/// One CustomResourceDefinition given to the check (`--crds`).
#[derive(Debug, Clone)]
pub struct GivenCrd {
    /// `spec.group`.
    pub group: String,
    /// `spec.names.kind`.
    pub kind: String,
    /// `spec.scope` is `Cluster`.
    pub cluster_scoped: bool,
    /// Its versions.
    pub versions: Vec<CrdVersion>,
    /// The file it was read from, as shown.
    pub source: String,
}

/// The CRDs given to the check, by group and by (group, kind).
#[derive(Debug, Clone, Default)]
pub struct Crds {
    /// Every CRD.
    pub all: Vec<GivenCrd>,
    by_gk: HashMap<(String, String), usize>,
    groups: std::collections::HashSet<String>,
}

impl Crds {
    /// Reads the CRDs among `docs` (root nodes of YAML documents, with the file each is
    /// from); the first definition of a (group, kind) wins.
    pub fn from_docs<'a>(docs: impl IntoIterator<Item = (&'a Node, &'a str)>) -> Crds {
        let mut out = Crds::default();
        for (root, source) in docs {
            let Some(crd) = GivenCrd::of(root, source) else {
                continue;
            };
            let key = (crd.group.clone(), crd.kind.clone());
            if out.by_gk.contains_key(&key) {
                continue;
            }
            out.groups.insert(crd.group.clone());
            out.by_gk.insert(key, out.all.len());
            out.all.push(crd);
        }
        out
    }
    /// The CRD of `group`/`kind`.
    pub fn find(&self, group: &str, kind: &str) -> Option<&GivenCrd> {
        self.by_gk
            .get(&(group.to_string(), kind.to_string()))
            .map(|&i| &self.all[i])
    }
    /// True when some given CRD is of `group`.
    pub fn has_group(&self, group: &str) -> bool {
        self.groups.contains(group)
    }
    /// True when no CRD was given.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}

impl GivenCrd {
    /// The CRD a document is, when it is one (`apiextensions.k8s.io` CustomResourceDefinition
    /// with a group and a kind).
    pub fn of(root: &Node, source: &str) -> Option<GivenCrd> {
        let api = root.str_at(&["apiVersion"])?;
        if !api.starts_with("apiextensions.k8s.io/") || root.str_at(&["kind"]) != Some("CustomResourceDefinition") {
            return None;
        }
        let spec = root.get("spec")?;
        let group = spec.get("group")?.as_str()?.to_string();
        let kind = spec.path(&["names", "kind"])?.as_str()?.to_string();
        let cluster_scoped = spec.get("scope").and_then(Node::as_str) == Some("Cluster");
        let versions = spec
            .get("versions")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| {
                Some(CrdVersion {
                    name: v.get("name")?.as_str()?.to_string(),
                    served: v.get("served").and_then(Node::as_bool).unwrap_or(false),
                    schema: v.path(&["schema", "openAPIV3Schema"]).cloned(),
                })
            })
            .collect();
        Some(GivenCrd {
            group,
            kind,
            cluster_scoped,
            versions,
            source: source.to_string(),
        })
    }
    /// The version named `name`.
    pub fn version(&self, name: &str) -> Option<&CrdVersion> {
        self.versions.iter().find(|v| v.name == name)
    }
    /// The served versions' names, comma-separated.
    pub fn served(&self) -> String {
        self.versions
            .iter()
            .filter(|v| v.served)
            .map(|v| format!("`{}`", v.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl super::Workspace {
    /// Every render with its Composition and its XR document.
    pub fn each_render(&self) -> impl Iterator<Item = (&Render, super::Composition<'_>, &super::Doc)> {
        self.renders.renders.iter().map(move |r| {
            let c = super::Composition {
                doc: self.doc(r.composition),
                id: r.composition,
            };
            (r, c, &self.docs[r.xr])
        })
    }
    /// The label a finding about a rendered resource carries at the XR that was rendered.
    pub fn rendered_for(&self, xr: &super::Doc) -> (Span, String) {
        let what = if xr.order { "order" } else { "example" };
        let name = xr.name().unwrap_or("?");
        (
            xr.kind_span(),
            format!("found by rendering the {what} {}", crate::parse::text::code(&name)),
        )
    }
}
