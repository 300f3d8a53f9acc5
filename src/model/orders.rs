//! The orders view: which documents are orders of a catalog-orders repository and what their
//! path says (cluster, namespace, type folder, file name), for both layouts.

use super::{Doc, Workspace, Xrd};

/// The folder layout of an orders repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `namespaces/<namespace>/<type>/<name>.yaml` (seed 000).
    Namespaces,
    /// `<cluster>/<namespace>/<Kind>/<name>.yaml` (the catalog-orders README).
    Clusters,
}

/// What an order's path says.
#[derive(Debug, Clone)]
pub struct OrderPath<'a> {
    /// The cluster folder (clusters layout).
    pub cluster: Option<&'a str>,
    /// The whole path (relative to the root); [`OrderPath::segments`] splits it.
    pub rel: &'a str,
    /// The namespace folder, if the path has one.
    pub namespace: Option<&'a str>,
    /// The type (or Kind) folder, if the path has one.
    pub type_folder: Option<&'a str>,
    /// The file name.
    pub file: &'a str,
    /// True when the path has exactly the segments the layout wants.
    pub well_formed: bool,
}

/// Where a relative path splits into its `/`-separated segments, found once per order when the
/// workspace is assembled ([`Doc::path_cuts`]): rules read an order's path many times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathCuts {
    /// The positions of the first three `/`.
    slashes: [u32; 3],
    /// Where the file name (the last segment) starts.
    file: u32,
    /// How many segments; 0 when not cut yet.
    segments: u32,
}

impl PathCuts {
    /// The cuts of `rel`.
    pub fn of(rel: &str) -> PathCuts {
        let mut cuts = PathCuts {
            segments: 1,
            ..PathCuts::default()
        };
        for (i, b) in rel.bytes().enumerate() {
            if b == b'/' {
                if let Some(slot) = cuts.slashes.get_mut(cuts.segments as usize - 1) {
                    *slot = i as u32;
                }
                cuts.segments += 1;
                cuts.file = i as u32 + 1;
            }
        }
        cuts
    }
}

impl<'a> OrderPath<'a> {
    /// All segments of the path.
    pub fn segments(&self) -> std::str::Split<'a, char> {
        self.rel.split('/')
    }
}

impl Workspace {
    /// The cluster folders of a clusters-layout repository: configured, or the top-level
    /// folders holding a `kustomization.yaml`.
    pub fn cluster_dirs(&self) -> Vec<String> {
        cluster_dirs(&self.options, &self.paths)
    }

    /// True when `doc` is an order of this orders repository.
    pub fn is_order(&self, doc: &Doc) -> bool {
        doc.order
    }

    /// The orders.
    pub fn orders(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(move |d| self.is_order(d))
    }

    /// What the path of an order says.
    pub fn order_path<'a>(&'a self, doc: &Doc) -> OrderPath<'a> {
        let rel: &'a str = &self.sources.get(doc.file).rel;
        // Cut once when the workspace was assembled (orders), else here.
        let cuts = match doc.path_cuts {
            PathCuts { segments: 0, .. } => PathCuts::of(rel),
            cuts => cuts,
        };
        let folder = |i: usize| {
            let start = if i == 0 { 0 } else { cuts.slashes[i - 1] as usize + 1 };
            (cuts.segments as usize > i + 1).then(|| &rel[start..cuts.slashes[i] as usize])
        };
        OrderPath {
            // The namespaces layout's first folder is `namespaces`, not a cluster.
            cluster: folder(0).filter(|_| self.repo.orders != Some(Layout::Namespaces)),
            namespace: folder(1),
            type_folder: folder(2),
            file: &rel[cuts.file as usize..],
            well_formed: cuts.segments == 4,
            rel,
        }
    }

    /// The XRD an order (XR or claim) resolves to, and whether it is a claim.
    pub fn order_xrd(&self, doc: &Doc) -> Option<(Xrd<'_>, bool)> {
        let (mut xrds, claim) = self.instance_xrds(doc);
        xrds.next().map(|x| (x, claim))
    }
}

/// The cluster folders of a clusters-layout repository: configured, or the top-level folders
/// holding a `kustomization.yaml`; when none holds one (Flux's kustomize-controller generates
/// a kustomization for a folder without one), the top-level folders holding
/// `<namespace>/<Kind>/<name>.yaml` files.
pub fn cluster_dirs(options: &super::RuleOptions, paths: &crate::parse::paths::PathSet) -> Vec<String> {
    if let Some(c) = &options.orders.clusters {
        return c.clone();
    }
    let kustomized: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            p.strip_suffix("/kustomization.yaml")
                .or_else(|| p.strip_suffix("/kustomization.yml"))
        })
        .filter(|d| !d.contains('/'))
        .map(str::to_string)
        .collect();
    if !kustomized.is_empty() {
        return kustomized;
    }
    let generated: std::collections::BTreeSet<&str> = paths
        .iter()
        .filter(|p| p.split('/').count() == 4 && (p.ends_with(".yaml") || p.ends_with(".yml")))
        .filter_map(|p| p.split('/').next())
        .filter(|d| !d.starts_with('.') && *d != "namespaces")
        .collect();
    generated.into_iter().map(str::to_string).collect()
}

/// True when a file at `rel` holds orders in a repository of `layout`.
pub fn is_order_path(layout: Option<Layout>, rel: &str) -> bool {
    if crate::model::is_kustomization_file(rel) || !rel.ends_with(".yaml") && !rel.ends_with(".yml") {
        return false;
    }
    match layout {
        Some(Layout::Namespaces) => rel.starts_with("namespaces/"),
        // Every YAML file below the top level that is not a kustomization is an order,
        // wherever it is (a file in an unknown folder is reported, not skipped).
        Some(Layout::Clusters) => rel.contains('/') && !rel.starts_with(".github/"),
        None => false,
    }
}

/// True when `rel` has the shape of an order in either layout, judged from the paths alone
/// (before any file is read): `namespaces/<ns>/<type>/<file>`, or `<cluster>/<ns>/<Kind>/<file>`
/// under a cluster folder with a `kustomization.yaml` (`kustomized(folder)`).
pub fn is_order_shaped(rel: &str, kustomized: impl Fn(&str) -> bool) -> bool {
    let seg: Vec<&str> = rel.split('/').collect();
    seg.len() == 4 && (seg[0] == "namespaces" || kustomized(seg[0]))
}

/// Detects the orders layout from the paths, whether some document sits in a folder named
/// after its kind under a cluster folder ([`super::Evidence::kind_folder`]), and the
/// repository's name when it is known from config or the git remote (`catalog-orders`, or any
/// `<prefix>-orders`, holding some `<cluster>/<ns>/<type>/<name>.yaml`: the clusters layout).
pub fn detect(paths: &crate::parse::paths::PathSet, kind_folder: bool, name: Option<&str>) -> Option<Layout> {
    let has_namespaces = paths
        .iter()
        .any(|p| p.starts_with("namespaces/") && p.split('/').count() == 4 && p.ends_with(".yaml"));
    if has_namespaces {
        return Some(Layout::Namespaces);
    }
    // A clusters layout: some `<cluster>/<ns>/<Kind>/<name>.yaml` whose Kind folder is the
    // document's kind, under a cluster folder with a kustomization.yaml.
    let named = name.is_some_and(is_orders_name)
        && paths
            .iter()
            .any(|p| p.split('/').count() == 4 && !p.starts_with('.') && (p.ends_with(".yaml") || p.ends_with(".yml")));
    (kind_folder || named).then_some(Layout::Clusters)
}

/// True when a repository name says it holds orders: `catalog-orders`, `<anything>-orders`.
pub fn is_orders_name(name: &str) -> bool {
    name.strip_suffix("-orders").is_some_and(|p| !p.is_empty())
}

/// Who asks for an order: `@login`, or for a bot's PR the order's owner annotation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Requester {
    /// A GitHub login or Backstage user.
    User(String),
    /// A team (Backstage group name, CODEOWNERS `@org/<team>`).
    Group(String),
}

impl Requester {
    /// The owner a Backstage entity ref names: `[kind:][namespace/]name`, the kind Group
    /// unless it says `user` (`group:default/team-a` → team `team-a`).
    pub fn from_owner_ref(owner: &str) -> Requester {
        let (kind, rest) = owner.split_once(':').unwrap_or(("group", owner));
        let name = rest.rsplit('/').next().unwrap_or(rest).to_string();
        if kind.eq_ignore_ascii_case("user") {
            Requester::User(name)
        } else {
            Requester::Group(name)
        }
    }
}

/// An order's owner annotation (the first of the configured keys it carries): key and node.
pub fn owner_annotation<'w, 'd>(
    ws: &'w crate::model::Workspace,
    doc: &'d crate::model::Doc,
) -> Option<(&'w str, &'d crate::parse::yaml::Node)> {
    ws.options
        .owner_annotations
        .iter()
        .find_map(|k| Some((k.as_str(), doc.annotation(k)?)))
}

impl std::fmt::Display for Requester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Requester::User(u) => write!(f, "@{u}"),
            Requester::Group(g) => write!(f, "group:{g}"),
        }
    }
}
