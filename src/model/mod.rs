//! The typed model of one checked root: every document parsed once, classified by kind, with
//! one cross-file index (XRDs by group/kind, Compositions by name and by composite type) and
//! the go-templating inputs analysed once. Rules read only this.

pub mod backstage;
mod build;
pub mod codeowners;
pub mod compat;
pub mod composed;
pub mod composition;
pub mod innominatus;
pub mod onboarding;
pub mod options;
pub mod orders;
pub mod rendered;
pub mod xrd;

pub use build::{
    assemble, build, classify_doc, is_catalog_entry, is_kustomization_file, prepare, Evidence, Input, InputContent,
    Inputs, Prepared, Role,
};
pub use composition::{Composed, Composition, Origin, TemplateStep};
pub use orders::{is_order_shaped, Layout, OrderPath, PathCuts};
pub use xrd::{Xrd, XrdVersion};

use crate::parse::source::{FileId, SourceMap, Span};
use crate::parse::yaml::{Entry, Node, Problem};
use std::collections::HashMap;

/// What a document is, by `apiVersion` group and `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// `apiextensions.crossplane.io` CompositeResourceDefinition.
    Xrd,
    /// `apiextensions.crossplane.io` Composition.
    Composition,
    /// `apiextensions.crossplane.io` EnvironmentConfig.
    EnvironmentConfig,
    /// `meta.pkg.crossplane.io` Configuration / Function / Provider (`crossplane.yaml`).
    PkgMeta,
    /// `pkg.crossplane.io` Configuration / Function / Provider (an installed package).
    PkgObject,
    /// A kustomize Kustomization.
    Kustomization,
    /// Anything else with or without apiVersion/kind.
    Other,
}

/// One YAML document with its classification.
#[derive(Debug)]
pub struct Doc {
    /// The file it came from.
    pub file: FileId,
    /// The root node.
    pub root: std::sync::Arc<Node>,
    /// `apiVersion` (empty when absent).
    pub api_version: String,
    /// `kind` (empty when absent).
    pub kind: String,
    /// Its class.
    pub class: Class,
    /// True when it is an order of a catalog-orders repository.
    pub order: bool,
    /// The XRDs its `apiVersion`/`kind` names, resolved once when the workspace is assembled
    /// (read through [`Workspace::instance_xrds`]).
    pub xrds: Resolution,
    /// For an order, where its path splits (see [`Workspace::order_path`]).
    pub path_cuts: orders::PathCuts,
    /// Where `api_version` splits into group and version, found when it was classified.
    api_split: ApiSplit,
    /// Whether it is a Backstage catalog entity ([`backstage::is_entity`]), found when it was
    /// classified: rules ask for every document.
    entity: bool,
}

/// Where an `apiVersion` splits: its length and the position of its last `/`.
#[derive(Debug, Clone, Copy)]
struct ApiSplit {
    len: usize,
    at: Option<usize>,
}

impl ApiSplit {
    fn of(api_version: &str) -> ApiSplit {
        ApiSplit {
            len: api_version.len(),
            at: api_version.bytes().rposition(|b| b == b'/'),
        }
    }
}

/// The XRDs a document is an instance of, resolved once when its workspace is assembled: the
/// XRDs defining its group/kind (closest first, see [`Workspace::xrds_for`]) or, when none
/// does, the LegacyCluster XRDs offering it as a claim kind ([`Workspace::claim_xrds_for`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Resolution {
    /// Not resolved: the document was not assembled into a workspace (a streamed scan's
    /// documents); it is looked up when asked.
    #[default]
    Unresolved,
    /// `len` index ids from `start` in [`Workspace::resolved`]; claims when `claim`.
    Resolved {
        /// First id.
        start: u32,
        /// How many.
        len: u32,
        /// True when they offer the kind as a claim.
        claim: bool,
    },
}

impl Doc {
    /// Span of a node of this document.
    pub fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.start, node.end)
    }
    /// Span of a mapping entry's key.
    pub fn key_span(&self, entry: &Entry) -> Span {
        Span::new(self.file, entry.key_start, entry.key_end)
    }
    /// Span of the entry `key` of `map`: the key when present, else the map itself.
    pub fn span_of_key(&self, map: &Node, key: &str) -> Span {
        match map.entry(key) {
            Some(e) => self.key_span(e),
            None => self.span(map),
        }
    }
    /// Span of the whole document's first key (used for document-level findings).
    pub fn head_span(&self) -> Span {
        match self.root.as_map().and_then(|m| m.first()) {
            Some(e) => self.key_span(e),
            None => self.span(&self.root),
        }
    }
    /// The `kind` value's span, or the document head.
    pub fn kind_span(&self) -> Span {
        self.root
            .get("kind")
            .map(|n| self.span(n))
            .unwrap_or_else(|| self.head_span())
    }
    /// API group (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version_parts().0
    }
    /// API version without the group.
    pub fn version(&self) -> &str {
        self.api_version_parts().1
    }
    /// `apiVersion` split as [`split_api_version`] splits it, at the `/` found when the
    /// document was classified (rules ask every document for its group many times).
    fn api_version_parts(&self) -> (&str, &str) {
        let v = &self.api_version;
        match self.api_split {
            // Unless `api_version` was changed since (then it is split again).
            ApiSplit { len, at: Some(i) } if len == v.len() && v.as_bytes().get(i) == Some(&b'/') => {
                (&v[..i], &v[i + 1..])
            }
            ApiSplit { len, at: None } if len == v.len() => ("", v),
            _ => split_api_version(v),
        }
    }
    /// `metadata.name`.
    pub fn name(&self) -> Option<&str> {
        self.root.str_at(&["metadata", "name"])
    }
    /// `metadata`.
    pub fn metadata(&self) -> Option<&Node> {
        self.root.get("metadata")
    }
    /// `spec`.
    pub fn spec(&self) -> Option<&Node> {
        self.root.get("spec")
    }
    /// Entries of `metadata.labels`.
    pub fn labels(&self) -> &[Entry] {
        self.root
            .path(&["metadata", "labels"])
            .and_then(Node::as_map)
            .unwrap_or(&[])
    }
    /// Entries of `metadata.annotations`.
    pub fn annotations(&self) -> &[Entry] {
        self.root
            .path(&["metadata", "annotations"])
            .and_then(Node::as_map)
            .unwrap_or(&[])
    }
    /// A label's value node.
    pub fn label(&self, key: &str) -> Option<&Node> {
        self.labels().iter().find(|e| e.key == key).map(|e| &e.value)
    }
    /// An annotation's value node.
    pub fn annotation(&self, key: &str) -> Option<&Node> {
        self.annotations().iter().find(|e| e.key == key).map(|e| &e.value)
    }
    /// True when the document has `apiVersion` and `kind`, i.e. is a Kubernetes object.
    pub fn is_object(&self) -> bool {
        !self.api_version.is_empty() && !self.kind.is_empty()
    }
}

/// Splits `group/version` (or a core `v1`) into its parts.
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    // A plain byte loop: rules ask every document for its group many times, and a short
    // `apiVersion` is searched faster this way than by `rsplit_once`.
    match api_version.bytes().rposition(|b| b == b'/') {
        Some(i) => (&api_version[..i], &api_version[i + 1..]),
        None => ("", api_version),
    }
}

/// The top-level keys of a Score workload spec (the Score schema's and innominatus's
/// `workflows` and `environment` extensions).
const SCORE_KEYS: &[&str] = &[
    "apiVersion",
    "metadata",
    "service",
    "containers",
    "resources",
    "workflows",
    "environment",
];

/// True when the document `root` is a Score workload spec, judged by its content as Score
/// tooling judges the file it is given: an `apiVersion` of the `score.dev` group (any
/// version, so that a wrong one is reported rather than the file ignored), or, when the
/// `apiVersion` is missing or not a string, a `kind`-less mapping of only Score's top-level
/// keys with `metadata` and `containers`.
pub fn is_score_spec(root: &Node) -> bool {
    let Some(entries) = root.as_map() else { return false };
    match root.get("apiVersion").and_then(Node::as_str) {
        Some(v) => v == "score.dev" || split_api_version(v).0 == "score.dev",
        None => {
            root.get("kind").is_none()
                && root.get("metadata").is_some()
                && root.get("containers").is_some()
                && entries.iter().all(|e| SCORE_KEYS.contains(&e.key.as_str()))
        }
    }
}

/// A YAML problem found while parsing a file.
#[derive(Debug)]
pub struct FileProblem {
    /// The file.
    pub file: FileId,
    /// The problem.
    pub problem: Problem,
}

/// The change under review: what changed against which base, and the release being made.
#[derive(Debug, Clone, Default)]
pub struct PrContext {
    /// The base revision as given (`origin/main`, `v1.2.0`).
    pub base: String,
    /// Changed paths (relative to the root) and how they changed.
    pub changes: Vec<(String, crate::git::ChangeKind)>,
    /// The release tag being made (`v1.3.0`), if this is a release.
    pub release: Option<String>,
    /// The previous release tag, if there is one.
    pub previous: Option<String>,
    /// Catalog entries whose package maps to a template repository (config `catalog.packages`).
    pub packages: Vec<PackageRelease>,
    /// Label prefix of the existing orders read with `--orders` (in `Workspace::external`).
    pub orders_label: Option<String>,
}

/// The version of a release tag `vMAJOR.MINOR.PATCH[-pre][+build]`.
pub fn release_version(tag: &str) -> Option<semver::Version> {
    semver::Version::parse(tag.strip_prefix('v')?).ok()
}

/// A catalog entry's package and the template repository behind it.
#[derive(Debug, Clone, Default)]
pub struct PackageRelease {
    /// The entry file (relative to the root).
    pub entry: String,
    /// `registry/org/name` without the tag.
    pub package: String,
    /// The tag the head pins.
    pub tag: String,
    /// The tag the base pinned, when it differs.
    pub old_tag: Option<String>,
    /// Whether the tag exists in the template repository.
    pub tag_exists: bool,
    /// Label prefix of the template's files at `tag` (in `Workspace::external`).
    pub new_label: String,
    /// Label prefix of the template's files at `old_tag` (in `Workspace::base_docs`).
    pub old_label: Option<String>,
}

impl Workspace {
    /// The base version of a document: same file path, same `metadata.name` (or the first
    /// document of that kind in the file).
    pub fn base_of(&self, doc: &Doc) -> Option<&Doc> {
        let pr = self.pr.as_ref()?;
        let rel = self.rel(doc);
        let want = format!("{}:{rel}", pr.base);
        let same_file: Vec<&Doc> = self
            .base_docs
            .iter()
            .filter(|b| self.sources.get(b.file).rel == want && b.kind == doc.kind)
            .collect();
        same_file
            .iter()
            .find(|b| b.name() == doc.name())
            .or(same_file.first())
            .copied()
    }
}

/// Typed options for rules, from the config file (rules never read config files themselves).
/// Each default is written once, on the option type that the config file deserialises into.
#[derive(Debug, Clone)]
pub struct RuleOptions {
    /// Open Service Portal options (config `openportal:`).
    pub openportal: options::OpenPortalOptions,
    /// Orders repository options (config `orders:`).
    pub orders: options::OrdersOptions,
    /// Work budgets (config `limits:`).
    pub limits: options::Limits,
    /// The Kubernetes version the platform's API server runs (config `kubernetes-version`;
    /// `None`: the newest), which decides the CEL libraries CRD rules may use.
    pub kubernetes_version: Option<crate::schema::celenv::KubeVersion>,
    /// True when a `policy:` is configured: the PR-gate rules run.
    pub gate: bool,
    /// The platform team (`@org/platform`), which must own the CODEOWNERS fallback and `system/`.
    pub platform_team: Option<String>,
    /// Annotations naming an order's owner, in order of preference (policy
    /// `owner-annotations`).
    pub owner_annotations: Vec<String>,
    /// The Score pack forced on or off by config (`None`: when Score files are present).
    pub score: Option<bool>,
    /// The innominatus pack forced on or off by config (`None`: when its files are present).
    pub innominatus: Option<bool>,
    /// The Backstage pack forced on or off by config (`None`: when entities are present).
    pub backstage: Option<bool>,
    /// Options of the Backstage rules (config `backstage:`).
    pub backstage_options: backstage::BackstageOptions,
    /// The onboarding pack forced on or off by config (`None`: when a BU repository is found).
    pub onboarding: Option<bool>,
    /// Options of the onboarding rules (config `onboarding:`).
    pub onboarding_options: onboarding::OnboardingOptions,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            openportal: Default::default(),
            orders: Default::default(),
            limits: Default::default(),
            kubernetes_version: None,
            gate: false,
            platform_team: None,
            owner_annotations: options::default_owner_annotations(),
            score: None,
            innominatus: None,
            backstage: None,
            backstage_options: Default::default(),
            onboarding: None,
            onboarding_options: Default::default(),
        }
    }
}

/// Facts about the checked root as a repository.
#[derive(Debug, Clone, Default)]
pub struct Repo {
    /// The repository name (config, git remote, or directory name).
    pub name: String,
    /// The owner (GitHub organisation or user) in the git remote `origin`, when there is one.
    pub org: Option<String>,
    /// True when [`Repo::name`] comes from config or the git remote, not from the checkout
    /// folder (a folder's name says nothing about the repository: rules that recognise a
    /// repository by its name read only a known name).
    pub named: bool,
    /// True when the root is a directory (layout rules apply), false for a single file.
    pub is_dir: bool,
    /// True when the root looks like a `template-*` repository.
    pub is_template: bool,
    /// True when the Open Service Portal rule pack is on.
    pub openportal: bool,
    /// The layout when the root is a catalog-orders repository.
    pub orders: Option<Layout>,
    /// True when the root is a catalog repository (`templates/*.yaml` package entries).
    pub catalog: bool,
    /// True when the Score pack runs (Score files present, or config `packs.score: on`).
    pub score: bool,
    /// True when the innominatus pack runs (its files present, or `packs.innominatus: on`).
    pub innominatus: bool,
    /// True when the Backstage pack runs (entities present, or `packs.backstage: on`).
    pub backstage: bool,
    /// True when the onboarding pack runs (a `bu-<unit>-infrastructure` repository, or
    /// `packs.onboarding: on`).
    pub onboarding: bool,
    /// Prefix of every relative path of this root (set when several roots are checked).
    pub prefix: String,
    /// The root's directory relative to the config file's directory (per-path globs are
    /// relative to it); `None` without a config file or when the root is outside it.
    pub path_from_config: Option<String>,
    /// What `exclude` and git's ignore files left out of the walk: those paths exist.
    pub left_out: std::sync::Arc<crate::discover::LeftOut>,
}

/// The cross-file index, built once.
#[derive(Debug, Default)]
pub struct Index {
    /// XRD document ids.
    pub xrds: Vec<usize>,
    /// Composition document ids.
    pub compositions: Vec<usize>,
    /// XRDs by (group, kind).
    pub xrd_by_gk: HashMap<(String, String), Vec<usize>>,
    /// LegacyCluster XRDs by (group, claim kind).
    pub claim_by_gk: HashMap<(String, String), Vec<usize>>,
    /// Every API group an XRD of the workspace defines (for XRs and claims).
    pub xr_groups: std::collections::HashSet<String>,
    /// Compositions by `metadata.name`.
    pub comp_by_name: HashMap<String, Vec<usize>>,
    /// Compositions by `compositeTypeRef` (group, kind).
    pub comp_by_type: HashMap<(String, String), Vec<usize>>,
    /// Local Backstage entities by `kind:namespace/name` (lowercase).
    pub entity_by_key: HashMap<String, Vec<usize>>,
    /// The kinds (lowercase) of the local Backstage entities.
    pub entity_kinds: std::collections::HashSet<String>,
}

/// A `(group, kind)` key of the index's maps, looked up without building `String`s: the maps'
/// `(String, String)` keys borrow as it, and a `(&str, &str)` is one.
pub trait GroupKind {
    /// The group and the kind.
    fn parts(&self) -> (&str, &str);
}

impl GroupKind for (String, String) {
    fn parts(&self) -> (&str, &str) {
        (&self.0, &self.1)
    }
}

impl GroupKind for (&str, &str) {
    fn parts(&self) -> (&str, &str) {
        (self.0, self.1)
    }
}

impl<'a> std::borrow::Borrow<dyn GroupKind + 'a> for (String, String) {
    fn borrow(&self) -> &(dyn GroupKind + 'a) {
        self
    }
}

// Hashes as `(String, String)` does (each part as a `str`), so both find the same entry.
impl std::hash::Hash for dyn GroupKind + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let (group, kind) = self.parts();
        group.hash(state);
        kind.hash(state);
    }
}

impl PartialEq for dyn GroupKind + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn GroupKind + '_ {}

/// The ids a `(group, kind)` map holds for `group`/`kind` (none when absent), without
/// allocating.
pub fn by_group_kind<'m>(map: &'m HashMap<(String, String), Vec<usize>>, group: &str, kind: &str) -> &'m [usize] {
    map.get(&(group, kind) as &dyn GroupKind).map_or(&[], Vec::as_slice)
}

/// Appends to `out` the ids `map` holds for `group`/`kind` that may govern the file `near`,
/// closest first (see [`Workspace::xrds_for`]).
fn closest(
    ws: &Workspace,
    map: &HashMap<(String, String), Vec<usize>>,
    group: &str,
    kind: &str,
    near: crate::parse::source::FileId,
    out: &mut Vec<usize>,
) {
    let ids = by_group_kind(map, group, kind);
    let from = out.len();
    let rel_of = |i: usize| -> &str { &ws.sources.get(ws.doc(i).file).rel };
    let here: &str = &ws.sources.get(near).rel;
    if ids.len() <= 1 {
        out.extend_from_slice(ids);
        return;
    }
    // Several definitions of one kind: only those whose folder holds the document count.
    let governs = |i: &usize| {
        let rel = rel_of(*i);
        let mut dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        if dir
            .rsplit('/')
            .next()
            .is_some_and(|last| matches!(last, "configuration" | "apis" | "package"))
        {
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
        }
        dir.is_empty() || here.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
    };
    out.extend(ids.iter().copied().filter(governs));
    let shared = |other: &str| {
        here.split('/')
            .zip(other.split('/'))
            .take_while(|(a, b)| a == b)
            .count()
    };
    out[from..].sort_by_key(|&i| std::cmp::Reverse(shared(rel_of(i))));
}

/// Appends to `out` the XRDs `doc` is an instance of (see [`Workspace::instance_xrds`]);
/// true when they are claim XRDs (no XRD defines its kind as an XR).
fn resolve(ws: &Workspace, doc: &Doc, out: &mut Vec<usize>) -> bool {
    let from = out.len();
    closest(ws, &ws.index.xrd_by_gk, doc.group(), &doc.kind, doc.file, out);
    if out.len() > from {
        return false;
    }
    closest(ws, &ws.index.claim_by_gk, doc.group(), &doc.kind, doc.file, out);
    true
}

/// Resolves every document of the workspace once (its own, the sources' and the base's).
fn resolve_all(ws: &mut Workspace) {
    use rayon::prelude::*;
    // Resolved per document in parallel, then laid end to end.
    let all: Vec<&Doc> = ws.docs.iter().chain(&ws.external).chain(&ws.base_docs).collect();
    let found: Vec<(Vec<usize>, bool)> = all
        .par_iter()
        .map(|doc| {
            let mut ids = Vec::new();
            let claim = resolve(ws, doc, &mut ids);
            (ids, claim)
        })
        .collect();
    let mut resolved = Vec::new();
    let mut links = Vec::with_capacity(found.len());
    for (ids, claim) in found {
        links.push(Resolution::Resolved {
            start: resolved.len() as u32,
            len: ids.len() as u32,
            claim,
        });
        resolved.extend(ids);
    }
    let docs = ws.docs.iter_mut().chain(&mut ws.external).chain(&mut ws.base_docs);
    for (doc, link) in docs.zip(links) {
        doc.xrds = link;
    }
    ws.resolved = resolved;
}

/// The XRDs a document is an instance of ([`Workspace::instance_xrds`]), closest first.
#[derive(Debug, Clone)]
pub struct InstanceXrds<'w> {
    ws: &'w Workspace,
    ids: std::borrow::Cow<'w, [usize]>,
    at: usize,
}

impl<'w> Iterator for InstanceXrds<'w> {
    type Item = Xrd<'w>;
    fn next(&mut self) -> Option<Xrd<'w>> {
        let id = *self.ids.get(self.at)?;
        self.at += 1;
        Some(Xrd(self.ws.doc(id)))
    }
}

/// Everything the rules see.
#[derive(Debug)]
pub struct Workspace {
    /// All files (YAML and the few text files rules need).
    pub sources: SourceMap,
    /// The repository's documents.
    pub docs: Vec<Doc>,
    /// Documents of the `--xrds` sources: indexed for look-ups, never checked themselves.
    /// Index ids at or above `docs.len()` point here.
    pub external: Vec<Doc>,
    /// The base revision's versions of the changed files (with `--base` or `--release`).
    pub base_docs: Vec<Doc>,
    /// What the change is, with `--base` or `--release`.
    pub pr: Option<PrContext>,
    /// How many of the repository's own YAML files were read (sources and base excluded).
    pub local_files: usize,
    /// YAML problems.
    pub problems: Vec<FileProblem>,
    /// Files that could not be read as text, with the reason.
    pub unreadable: Vec<(FileId, String)>,
    /// Helm chart templates (files under a chart's `templates/` with template actions): not
    /// YAML until `helm template` renders them, so not parsed; `yaml-helm-template` says so.
    pub helm_templates: Vec<FileId>,
    /// Every file path under the root (relative), YAML or not.
    pub paths: std::sync::Arc<crate::parse::paths::PathSet>,
    /// Facts about the repository.
    pub repo: Repo,
    /// Typed rule options.
    pub options: RuleOptions,
    /// The cross-file index.
    pub index: Index,
    /// go-templating inline templates, analysed once.
    pub templates: Vec<TemplateStep>,
    /// The CODEOWNERS file GitHub uses (the first of its three locations), parsed once.
    pub codeowners: Option<(FileId, crate::model::codeowners::CodeOwners)>,
    /// Days since each catalog file of a BU repository first appeared in its git history
    /// (filled for the onboarding pack when the root is in a git repository).
    pub file_age_days: std::collections::BTreeMap<String, u64>,
    /// The business-unit repositories of the root (empty unless the onboarding pack runs).
    pub bu_repos: Vec<onboarding::BuRepo>,
    /// Index of `bu_repos` by folder prefix.
    pub bu_by_prefix: HashMap<String, usize>,
    /// The index ids every document's [`Resolution`] points into.
    pub resolved: Vec<usize>,
    /// What the Compositions render for the XRs of the workspace (filled by the engine's
    /// render stage before the rules run; empty otherwise).
    pub renders: rendered::Renders,
    /// The CRDs given to the check (`--crds`).
    pub crds: std::sync::Arc<rendered::Crds>,
}

impl Workspace {
    /// The document behind an index id (the repository's or a source's).
    pub fn doc(&self, id: usize) -> &Doc {
        match id.checked_sub(self.docs.len()) {
            Some(e) => &self.external[e],
            None => &self.docs[id],
        }
    }
    /// True when the index id is one of the repository's own documents.
    pub fn is_local(&self, id: usize) -> bool {
        id < self.docs.len()
    }
    /// The XRDs.
    pub fn xrds(&self) -> impl Iterator<Item = Xrd<'_>> {
        self.index.xrds.iter().map(|&i| Xrd(self.doc(i)))
    }
    /// The Compositions, with their document index.
    pub fn compositions(&self) -> impl Iterator<Item = Composition<'_>> {
        self.index.compositions.iter().map(|&i| Composition {
            doc: self.doc(i),
            id: i,
        })
    }
    /// Every XRD defining `group`/`kind`, the ones closest to `near` (sharing the longest
    /// directory prefix with that file) first: repositories of examples define the same kind
    /// in several folders.
    pub fn xrds_for(&self, group: &str, kind: &str, near: crate::parse::source::FileId) -> Vec<Xrd<'_>> {
        self.closest(&self.index.xrd_by_gk, group, kind, near)
    }

    /// The XRD a Composition composes (its `compositeTypeRef`), the closest one when several
    /// define that kind.
    pub fn xrd_of(&self, c: &Composition<'_>) -> Option<Xrd<'_>> {
        let (g, _, k) = c.type_gvk()?;
        self.xrds_for(g, k, c.doc.file).into_iter().next()
    }

    /// The XRDs offering `group`/`kind` as a claim (LegacyCluster), closest first.
    pub fn claim_xrds_for(&self, group: &str, kind: &str, near: crate::parse::source::FileId) -> Vec<Xrd<'_>> {
        self.closest(&self.index.claim_by_gk, group, kind, near)
    }

    /// The organisation that owns the checked repository: config `openportal.github-org`, else
    /// the owner in the git remote `origin`; `None` when neither names one (never a built-in
    /// name).
    pub fn github_org(&self) -> Option<&str> {
        self.options
            .openportal
            .github_org
            .as_deref()
            .or(self.repo.org.as_deref())
    }

    /// The XRDs `doc` is an instance of, closest first, and whether as a claim: those of
    /// [`Workspace::xrds_for`] its group and kind, or when there are none those of
    /// [`Workspace::claim_xrds_for`]. Resolved once when the workspace was assembled.
    pub fn instance_xrds(&self, doc: &Doc) -> (InstanceXrds<'_>, bool) {
        let (ids, claim) = match doc.xrds {
            Resolution::Resolved { start, len, claim } => {
                let ids = &self.resolved[start as usize..(start + len) as usize];
                (std::borrow::Cow::Borrowed(ids), claim)
            }
            Resolution::Unresolved => {
                let mut ids = Vec::new();
                let claim = resolve(self, doc, &mut ids);
                (std::borrow::Cow::Owned(ids), claim)
            }
        };
        (InstanceXrds { ws: self, ids, at: 0 }, claim)
    }

    fn closest(
        &self,
        map: &HashMap<(String, String), Vec<usize>>,
        group: &str,
        kind: &str,
        near: crate::parse::source::FileId,
    ) -> Vec<Xrd<'_>> {
        let mut ids = Vec::new();
        closest(self, map, group, kind, near, &mut ids);
        ids.into_iter().map(|i| Xrd(self.doc(i))).collect()
    }
    /// Compositions named `name`.
    pub fn compositions_named(&self, name: &str) -> impl Iterator<Item = Composition<'_>> {
        self.index
            .comp_by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| Composition {
                doc: self.doc(i),
                id: i,
            })
    }
    /// Compositions whose `compositeTypeRef` names `group`/`kind`.
    pub fn compositions_for(&self, group: &str, kind: &str) -> impl Iterator<Item = Composition<'_>> {
        self.index
            .comp_by_type
            .get(&(group, kind) as &dyn GroupKind)
            .into_iter()
            .flatten()
            .map(|&i| Composition {
                doc: self.doc(i),
                id: i,
            })
    }
    /// Documents of a class.
    pub fn docs_of(&self, class: Class) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(move |d| d.class == class)
    }
    /// Every `spec.dependsOn[]` entry of the package metadata (`crossplane.yaml`) and of an
    /// Upbound project (`upbound.yaml`, `meta.dev.upbound.io` Project).
    pub fn package_dependencies(&self) -> impl Iterator<Item = &Node> {
        self.docs
            .iter()
            .filter(|d| d.class == Class::PkgMeta || (d.group() == "meta.dev.upbound.io" && d.kind == "Project"))
            .flat_map(|d| {
                d.root
                    .path(&["spec", "dependsOn"])
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
            })
    }
    /// The relative path of a document's file.
    pub fn rel(&self, doc: &Doc) -> &str {
        &self.sources.get(doc.file).rel
    }
    /// The text of a file by relative path, if it was loaded.
    pub fn text_of(&self, rel: &str) -> Option<&str> {
        self.sources.find(rel).map(|id| &*self.sources.get(id).text)
    }
    /// The catalog entries: the `.yaml` files directly under `templates/`.
    pub fn catalog_entries(&self) -> impl Iterator<Item = &str> {
        self.paths
            .iter()
            .filter(|p| p.ends_with(".yaml") && is_catalog_entry(p))
    }
    /// True when `rel` is a Crossplane package's metadata file by its content (see
    /// [`build::is_package_file`]), not merely by its name.
    pub fn is_package_file(&self, rel: &str) -> bool {
        build::is_package_file(&self.docs, &self.sources, &self.paths, rel)
    }
    /// The documents of the file at `rel`.
    pub fn docs_in<'a>(&'a self, rel: &'a str) -> impl Iterator<Item = &'a Doc> {
        self.docs.iter().filter(move |d| self.sources.get(d.file).rel == rel)
    }
    /// `path` (relative, `./` and `..` allowed) resolved against the root, as a root-relative
    /// path with the root's prefix; `None` when it leaves the root.
    pub fn from_root(&self, path: &str) -> Option<String> {
        crate::parse::names::join_path(self.repo.prefix.trim_end_matches('/'), path.trim_end_matches('/'))
    }
    /// `path` resolved against the folder of `doc`'s file; `None` when it leaves the root.
    pub fn from_doc(&self, doc: &Doc, path: &str) -> Option<String> {
        let rel = self.rel(doc);
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        crate::parse::names::join_path(dir, path.trim_end_matches('/'))
    }
    /// True when some file exists at `rel`, or `rel` is a folder holding one (one binary
    /// search: the paths are in walk order, see [`crate::parse::paths::PathSet::contains_or_below`]);
    /// a path `exclude` or git's ignore files left out of the walk exists too.
    pub fn exists(&self, rel: &str) -> bool {
        self.paths.contains_or_below(rel) || self.repo.left_out.covers(rel).is_some()
    }
    /// True when the file `rel` exists: walked, or left out by `exclude` or git's ignore files.
    pub fn has_file(&self, rel: &str) -> bool {
        self.paths.contains(rel) || self.repo.left_out.covers(rel).is_some()
    }
    /// [`Workspace::exists`] for paths asked about in about walk order, `hint` kept between
    /// the questions ([`crate::parse::paths::PathSet::contains_or_below_near`]).
    pub fn exists_near(&self, rel: &str, hint: &mut usize) -> bool {
        self.paths.contains_or_below_near(rel, hint) || self.repo.left_out.covers(rel).is_some()
    }
    /// An empty span at the start of the file at `rel`, or of the first file when it is absent.
    pub fn span_for_path(&self, rel: &str) -> Span {
        let id = self.sources.find(rel).unwrap_or(crate::parse::source::FileId(0));
        Span::file_start(id)
    }
    /// The Score workload specs ([`is_score_spec`]).
    pub fn score_specs(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(|d| is_score_spec(&d.root))
    }
    /// True when a Score spec is read by innominatus rather than by Score tooling alone: it
    /// uses an innominatus extension (top-level `workflows` or `environment`), or the
    /// repository is innominatus's (the innominatus pack is on: detected or configured).
    pub fn innominatus_flavour(&self, doc: &Doc) -> bool {
        doc.root.get("workflows").is_some() || doc.root.get("environment").is_some() || self.repo.innominatus
    }
    /// Documents that are composite resources (XRs): examples and anything of a known XR kind.
    pub fn xr_candidates(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(move |d| {
            if d.class != Class::Other || !d.is_object() {
                return false;
            }
            let rel = self.rel(d);
            if self.is_order(d) {
                return true;
            }
            let in_examples = rel.starts_with("examples/") || rel.starts_with("example/");
            let known_group = self.index.xr_groups.contains(d.group());
            (in_examples && !is_builtin_group(d.group())) || known_group
        })
    }
}

/// True for API groups served by Kubernetes itself or Crossplane's own types.
pub fn is_builtin_group(group: &str) -> bool {
    group.is_empty()
        || group.ends_with(".k8s.io")
        || group.ends_with(".crossplane.io")
        || matches!(
            group,
            "apps" | "batch" | "policy" | "autoscaling" | "extensions" | "kustomize.config.k8s.io"
        )
        || group.ends_with(".fluxcd.io")
        || group.ends_with(".toolkit.fluxcd.io")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(rel: &str, text: &str) -> Input {
        Input {
            rel: rel.to_string(),
            path: rel.into(),
            content: InputContent::Yaml(text.into()),
        }
    }

    fn xrd(group: &str, kind: &str, extra: &str) -> String {
        format!(
            "apiVersion: apiextensions.crossplane.io/v1\nkind: CompositeResourceDefinition\n\
             metadata: {{name: x}}\nspec:\n  group: {group}\n  names: {{kind: {kind}}}\n{extra}"
        )
    }

    fn object(group: &str, kind: &str) -> String {
        format!("apiVersion: {group}/v1\nkind: {kind}\nmetadata: {{name: a}}\n")
    }

    fn workspace(files: Vec<Input>, external: Vec<Input>, base: Vec<Input>, is_dir: bool) -> Workspace {
        let paths = files.iter().map(|i| i.rel.clone()).collect();
        let inputs = Inputs {
            files,
            paths,
            external,
            base,
        };
        let repo = Repo {
            name: "r".into(),
            is_dir,
            ..Repo::default()
        };
        build(inputs, None, repo, None, RuleOptions::default())
    }

    /// The lookup `Workspace::instance_xrds` replaced: the XRDs defining the kind, closest
    /// first, or when there are none the claim XRDs.
    fn looked_up<'w>(ws: &'w Workspace, doc: &Doc) -> (Vec<Xrd<'w>>, bool) {
        let xrs = ws.xrds_for(doc.group(), &doc.kind, doc.file);
        if !xrs.is_empty() {
            return (xrs, false);
        }
        (ws.claim_xrds_for(doc.group(), &doc.kind, doc.file), true)
    }

    fn ids<'a>(xrds: impl IntoIterator<Item = Xrd<'a>>) -> Vec<*const Doc> {
        xrds.into_iter().map(|x| x.doc() as *const Doc).collect()
    }

    /// Every document of a mixed workspace (one kind defined in two example folders and at
    /// the top, a claim kind, a kind only a source defines, unknown kinds, a base revision's
    /// document) resolves, once at assembly, to what the lookups give, and a document that
    /// was not assembled is looked up instead.
    #[test]
    fn resolved_xrds_are_the_lookup() {
        let legacy = "  claimNames: {kind: WidgetClaim}\n";
        let files = vec![
            input(
                "examples/a/configuration/xrd.yaml",
                &xrd("example.org", "Widget", legacy),
            ),
            input("examples/b/apis/xrd.yaml", &xrd("example.org", "Widget", "")),
            input("xrd.yaml", &xrd("example.org", "Gadget", "")),
            input("deep/x/y/xrd.yaml", &xrd("example.org", "Gadget", "")),
            input("examples/a/w.yaml", &object("example.org", "Widget")),
            input("examples/b/sub/w.yaml", &object("example.org", "Widget")),
            input("examples/c/w.yaml", &object("example.org", "Widget")),
            input("examples/a/claim.yaml", &object("example.org", "WidgetClaim")),
            input("examples/b/g.yaml", &object("example.org", "Gadget")),
            input("deep/x/y/z/g.yaml", &object("example.org", "Gadget")),
            input("examples/t.yaml", &object("other.org", "Thing")),
            input("examples/u.yaml", &object("example.org", "Unknown")),
            input("plain.yaml", "a: 1\n"),
        ];
        let external = vec![input("source:xrds/thing.yaml", &xrd("other.org", "Thing", ""))];
        let base = vec![input("main:examples/a/w.yaml", &object("example.org", "Widget"))];
        let ws = workspace(files, external, base, true);
        let mut seen = (0, 0, 0, 0);
        for doc in ws.docs.iter().chain(&ws.external).chain(&ws.base_docs) {
            assert!(matches!(doc.xrds, Resolution::Resolved { .. }), "{}", ws.rel(doc));
            let (want, want_claim) = looked_up(&ws, doc);
            let (got, claim) = ws.instance_xrds(doc);
            let got = ids(got);
            assert_eq!(got, ids(want.iter().copied()), "{}", ws.rel(doc));
            assert_eq!(claim, want_claim, "{}", ws.rel(doc));
            let order_xrd = ws.order_xrd(doc).map(|(x, c)| (x.doc() as *const Doc, c));
            assert_eq!(order_xrd, want.first().map(|x| (x.doc() as *const Doc, want_claim)));
            // The same document, not assembled: looked up when asked.
            let fresh = classify_doc(doc.file, ws.rel(doc), doc.root.clone());
            assert_eq!(fresh.xrds, Resolution::Unresolved);
            let (again, again_claim) = ws.instance_xrds(&fresh);
            assert_eq!((ids(again), again_claim), (got.clone(), claim), "{}", ws.rel(doc));
            seen.0 += usize::from(got.len() > 1 || ws.rel(doc) == "examples/b/sub/w.yaml");
            seen.1 += usize::from(claim && !got.is_empty());
            seen.2 += usize::from(
                got.first()
                    .is_some_and(|&x| ws.external.iter().any(|e| std::ptr::eq(e, x))),
            );
            seen.3 += usize::from(got.is_empty() && doc.is_object());
        }
        // The cases the workspace is made of all occurred.
        assert!(seen.0 > 0 && seen.1 > 0 && seen.2 > 0 && seen.3 > 0, "{seen:?}");
        let rel_of = |rel: &str| {
            let doc = ws.docs.iter().find(|d| ws.rel(d) == rel).expect(rel);
            ids(ws.instance_xrds(doc).0)
                .into_iter()
                .map(|x| ws.docs.iter().chain(&ws.external).position(|d| std::ptr::eq(d, x)))
                .map(|i| ws.rel(ws.doc(i.expect("indexed"))).to_string())
                .collect::<Vec<_>>()
        };
        // Each example folder's XRD governs its own examples; the top-level one governs all.
        assert_eq!(rel_of("examples/a/w.yaml"), ["examples/a/configuration/xrd.yaml"]);
        assert_eq!(rel_of("examples/b/sub/w.yaml"), ["examples/b/apis/xrd.yaml"]);
        assert!(rel_of("examples/c/w.yaml").is_empty());
        assert_eq!(rel_of("examples/a/claim.yaml"), ["examples/a/configuration/xrd.yaml"]);
        assert_eq!(rel_of("deep/x/y/z/g.yaml"), ["deep/x/y/xrd.yaml", "xrd.yaml"]);
        assert_eq!(rel_of("examples/t.yaml"), ["source:xrds/thing.yaml"]);
    }

    /// A document's group and version, split once when it is classified, are what splitting
    /// its `apiVersion` gives, also after `api_version` is changed.
    #[test]
    fn group_and_version_are_the_split_api_version() {
        for v in [
            "",
            "v1",
            "apps/v1",
            "openportal.dev/v1alpha1",
            "/v1",
            "a/",
            "a/b/c",
            "a//b",
            "é.dev/v1",
        ] {
            let root = crate::parse::yaml::parse(&format!("apiVersion: '{v}'\nkind: K\n"))
                .docs
                .remove(0)
                .root;
            let mut doc = classify_doc(crate::parse::source::FileId(0), "x.yaml", root);
            assert_eq!(doc.api_version, v);
            assert_eq!((doc.group(), doc.version()), split_api_version(v), "{v:?}");
            for changed in ["v1", "x/v2", "longer.group.dev/v9", "a/b/c"] {
                doc.api_version = changed.to_string();
                assert_eq!(
                    (doc.group(), doc.version()),
                    split_api_version(changed),
                    "{v:?} -> {changed:?}"
                );
            }
        }
    }

    /// An order's path, cut once at assembly, reads as splitting it does.
    #[test]
    fn cut_order_paths_are_the_split_path() {
        let rels = [
            "c1/ns/Widget/w.yaml",
            "c1/ns/w.yaml",
            "c1/a/b/c/d.yaml",
            "c1/ns//w.yaml",
            "c1/undefined/Widget/w.yaml",
            "c1/é/Wídget/ü.yaml",
        ];
        let mut files = vec![input("c1/kustomization.yaml", "resources: []\n")];
        files.extend(rels.iter().map(|r| input(r, &object("example.org", "Widget"))));
        // The Kind folder names the document's kind: a clusters-layout orders repository.
        let ws = workspace(files, Vec::new(), Vec::new(), true);
        assert_eq!(ws.repo.orders, Some(Layout::Clusters));
        for rel in rels {
            let doc = ws.docs.iter().find(|d| ws.rel(d) == rel).expect(rel);
            assert!(doc.order && doc.path_cuts != PathCuts::default(), "{rel}");
            let seg: Vec<&str> = rel.split('/').collect();
            let at = |i: usize| seg.get(i).copied().filter(|_| seg.len() > i + 1);
            for p in [
                ws.order_path(doc),
                ws.order_path(&classify_doc(doc.file, rel, doc.root.clone())),
            ] {
                assert_eq!(p.cluster, at(0), "{rel}");
                assert_eq!(p.namespace, at(1), "{rel}");
                assert_eq!(p.type_folder, at(2), "{rel}");
                assert_eq!(p.file, *seg.last().expect("a segment"), "{rel}");
                assert_eq!(p.well_formed, seg.len() == 4, "{rel}");
                assert_eq!(p.segments().collect::<Vec<_>>(), seg, "{rel}");
            }
        }
    }
}
