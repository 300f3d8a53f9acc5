//! The innominatus view: workflow documents, their steps, and the admin config
//! (RULES.md §2). Provider workflows live under `providers/<team>/workflows/`.

use super::{Doc, Workspace};
use crate::parse::source::Span;
use crate::parse::yaml::Node;

/// Step types the load-time validator registers (applied to provider workflows).
pub const VALIDATOR_STEP_TYPES: &[&str] = &[
    "terraform",
    "kubernetes",
    "ansible",
    "policy",
    "gitea-repo",
    "argocd-app",
];

/// Step types only the runtime executors handle (the load-time validator rejects them).
pub const RUNTIME_ONLY_STEP_TYPES: &[&str] = &[
    "resource-provisioning",
    "security",
    "cost-analysis",
    "tagging",
    "database-migration",
    "vault-setup",
    "monitoring",
    "validation",
    "terraform-generate",
];

/// Step types some executor handles: the validator's and the runtime-only ones.
pub fn executor_step_types() -> Vec<&'static str> {
    VALIDATOR_STEP_TYPES
        .iter()
        .chain(RUNTIME_ONLY_STEP_TYPES)
        .copied()
        .collect()
}

/// True for an innominatus workflow document (`Workflow` of `innominatus.io` or
/// `workflow.dev`, or a `workflow.dev` `ProductWorkflow`).
pub fn is_workflow(doc: &Doc) -> bool {
    matches!(
        (doc.group(), doc.kind.as_str()),
        ("innominatus.io" | "workflow.dev", "Workflow") | ("workflow.dev", "ProductWorkflow")
    )
}

/// True when `rel` (relative to the root) is a provider's workflow file.
pub fn is_provider_workflow(rel: &str) -> bool {
    let seg: Vec<&str> = rel.split('/').collect();
    seg.len() >= 4 && seg[0] == "providers" && seg[2] == "workflows"
}

/// True for the files that make a root an innominatus repository.
pub fn is_innominatus_file(rel: &str) -> bool {
    // Called for every path of the root: no allocation.
    let provider = rel
        .strip_prefix("providers/")
        .and_then(|r| r.strip_suffix("/provider.yaml"))
        .is_some_and(|team| !team.is_empty() && !team.contains('/'));
    provider || rel == "admin-config.yaml" || rel == "goldenpaths.yaml"
}

impl Workspace {
    /// The innominatus workflow documents.
    pub fn inn_workflows(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(|d| is_workflow(d))
    }

    /// The provider manifests (`providers/<team>/provider.yaml`).
    pub fn inn_providers(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(|d| {
            let seg: Vec<&str> = self.local_rel(d).split('/').collect();
            matches!(seg.as_slice(), ["providers", _, "provider.yaml"])
        })
    }

    /// Every parameter of every golden path, with its document.
    pub fn golden_path_parameters(&self) -> Vec<(&Doc, &crate::parse::yaml::Entry)> {
        self.golden_paths()
            .into_iter()
            .flat_map(|(d, path)| {
                let params = path.value.get("parameters").and_then(Node::as_map).unwrap_or(&[]);
                params.iter().map(move |p| (d, p))
            })
            .collect()
    }

    /// The golden paths: each entry of `goldenpaths:` in a `goldenpaths.yaml`, with its document.
    pub fn golden_paths(&self) -> Vec<(&Doc, &crate::parse::yaml::Entry)> {
        self.docs
            .iter()
            .filter(|d| self.local_rel(d).rsplit('/').next() == Some("goldenpaths.yaml"))
            .flat_map(|d| {
                let paths = d.root.get("goldenpaths").and_then(Node::as_map).unwrap_or(&[]);
                paths.iter().map(move |e| (d, e))
            })
            .collect()
    }

    /// The root's `admin-config.yaml` document.
    pub fn admin_config(&self) -> Option<&Doc> {
        let rel = format!("{}admin-config.yaml", self.repo.prefix);
        self.docs.iter().find(|d| self.rel(d) == rel)
    }

    /// The admin config's `workflowPolicies.allowedStepTypes`: its node (for labels) and the
    /// names, when the root has an admin config that sets it.
    pub fn allowed_step_types(&self) -> Option<(Span, Vec<&str>)> {
        let admin = self.admin_config()?;
        let list = admin.root.path(&["workflowPolicies", "allowedStepTypes"])?;
        let names = list.as_seq().unwrap_or(&[]).iter().filter_map(Node::as_str).collect();
        Some((admin.span(list), names))
    }

    /// The path of a document's file relative to the root (without the prefix).
    pub fn local_rel(&self, doc: &Doc) -> &str {
        let rel = self.rel(doc);
        rel.strip_prefix(self.repo.prefix.as_str()).unwrap_or(rel)
    }
}

/// A workflow's steps: top-level `steps` (provider workflows) or `spec.steps`.
pub fn steps(doc: &Doc) -> Option<&Node> {
    doc.root.get("steps").or_else(|| doc.root.path(&["spec", "steps"]))
}

/// The steps of `doc` of type `step_type` that have a `config` map, with that map.
pub fn steps_of_type<'a>(doc: &'a Doc, step_type: &'a str) -> impl Iterator<Item = (&'a Node, &'a Node)> + 'a {
    steps(doc)
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter(move |s| s.get("type").and_then(Node::as_str) == Some(step_type))
        .filter_map(|s| Some((s, s.get("config").filter(|c| c.as_map().is_some())?)))
}

/// A step's name for messages.
pub fn step_name(step: &Node) -> &str {
    step.get("name").and_then(Node::as_str).unwrap_or("?")
}

/// The `workflows[]` entries of a provider manifest.
pub fn provider_workflows(doc: &Doc) -> &[Node] {
    doc.root.get("workflows").and_then(Node::as_seq).unwrap_or(&[])
}

/// The `capabilities.resourceTypeCapabilities[]` entries of a provider manifest.
pub fn capabilities(doc: &Doc) -> &[Node] {
    doc.root
        .path(&["capabilities", "resourceTypeCapabilities"])
        .and_then(Node::as_seq)
        .unwrap_or(&[])
}

/// Every resource type a provider claims: primary types, aliases and the legacy
/// `capabilities.resourceTypes`, each with its node (duplicates removed).
pub fn claimed_types(doc: &Doc) -> Vec<(&str, &Node)> {
    let mut out: Vec<(&str, &Node)> = Vec::new();
    let typed = capabilities(doc).iter().filter_map(|c| c.get("type"));
    let legacy = doc
        .root
        .path(&["capabilities", "resourceTypes"])
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    for node in typed.chain(legacy) {
        if let Some(t) = node.as_str().filter(|t| !t.is_empty()) {
            if !out.iter().any(|(u, _)| *u == t) {
                out.push((t, node));
            }
        }
    }
    out
}

/// The operations a capability's primary type supports (following `aliasFor` once).
pub fn operations<'a>(doc: &'a Doc, capability: &'a Node) -> Option<&'a Node> {
    if let Some(target) = capability.get("aliasFor").and_then(Node::as_str) {
        let primary = capabilities(doc)
            .iter()
            .find(|c| c.get("type").and_then(Node::as_str) == Some(target))?;
        return primary.get("operations");
    }
    capability.get("operations")
}

impl Workspace {
    /// True when the admin config does not disable the provider (`enabled: false` on the
    /// `providers[]` entry whose path holds it).
    pub fn provider_enabled(&self, provider: &Doc) -> bool {
        let Some(admin) = self.admin_config() else { return true };
        let rel = self.rel(provider);
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        let entries = admin.root.get("providers").and_then(Node::as_seq).unwrap_or(&[]);
        !entries.iter().any(|e| {
            let path = e.str_at(&["path"]).unwrap_or("");
            self.from_root(path).as_deref() == Some(dir) && e.get("enabled").and_then(Node::as_bool) == Some(false)
        })
    }

    /// The document a provider's `workflows[]` entry points at (its `file`, relative to the
    /// provider manifest).
    pub fn provider_workflow_doc(&self, provider: &Doc, entry: &Node) -> Option<&Doc> {
        let file = entry.get("file").and_then(Node::as_str)?;
        let target = self.from_doc(provider, file)?;
        self.docs.iter().find(|d| self.sources.get(d.file).rel == target)
    }

    /// The enabled providers claiming each resource type, in walk order.
    pub fn providers_by_type(&self) -> Vec<(&str, Vec<&Doc>)> {
        let mut out: Vec<(&str, Vec<&Doc>)> = Vec::new();
        for p in self.inn_providers().filter(|p| self.provider_enabled(p)) {
            for (t, _) in claimed_types(p) {
                match out.iter_mut().find(|(u, _)| *u == t) {
                    Some((_, v)) => v.push(p),
                    None => out.push((t, vec![p])),
                }
            }
        }
        out
    }
}
