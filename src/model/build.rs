//! Builds the workspace: parses every file once (in parallel), classifies documents and
//! builds the cross-file index.

use super::{Class, Composition, Doc, FileProblem, Index, Repo, RuleOptions, TemplateStep, Workspace};
pub use crate::discover::{Input, InputContent};
use crate::parse::source::{FileId, SourceFile, SourceMap};
use crate::parse::yaml;
use rayon::prelude::*;
use std::sync::Arc;

fn classify(api_version: &str, kind: &str, rel: &str) -> Class {
    let group = super::split_api_version(api_version).0;
    match (group, kind) {
        ("apiextensions.crossplane.io", "CompositeResourceDefinition") => Class::Xrd,
        ("apiextensions.crossplane.io", "Composition") => Class::Composition,
        ("apiextensions.crossplane.io", "EnvironmentConfig") => Class::EnvironmentConfig,
        ("meta.pkg.crossplane.io", "Configuration" | "Function" | "Provider") => Class::PkgMeta,
        ("pkg.crossplane.io", "Configuration" | "Function" | "Provider") => Class::PkgObject,
        ("kustomize.config.k8s.io", "Kustomization") => Class::Kustomization,
        ("", "") if is_kustomization_file(rel) => Class::Kustomization,
        _ => Class::Other,
    }
}

/// True for the file names kustomize reads.
pub fn is_kustomization_file(rel: &str) -> bool {
    let name = rel.bytes().rposition(|b| b == b'/').map_or(rel, |i| &rel[i + 1..]);
    matches!(name, "kustomization.yaml" | "kustomization.yml" | "Kustomization")
}

/// True when `rel` is a Crossplane package's metadata file, judged by its content: it holds
/// `meta.pkg.crossplane.io` metadata, or nothing that says what it is (empty, not YAML,
/// documents without `apiVersion`/`kind`), or XRDs or Compositions sit in its folder (a
/// package whose metadata is wrong). A file merely named `crossplane.yaml` whose documents are
/// of other kinds (a Provider install object, a ConfigMap, a tool's config), with no package
/// content beside it, is not a package.
pub fn is_package_file(docs: &[Doc], sources: &SourceMap, paths: &crate::parse::paths::PathSet, rel: &str) -> bool {
    if !paths.contains(rel) {
        return false;
    }
    let mut kinds = docs.iter().filter(|d| sources.get(d.file).rel == rel).peekable();
    if kinds.peek().is_none() {
        return true;
    }
    let mut unknown = true;
    for d in kinds {
        if d.class == Class::PkgMeta {
            return true;
        }
        if !d.api_version.is_empty() && !d.kind.is_empty() {
            unknown = false;
        }
    }
    // Other kinds, but XRDs or Compositions beside it: a package whose metadata is missing.
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    unknown
        || docs.iter().any(|d| {
            matches!(d.class, Class::Xrd | Class::Composition)
                && (dir.is_empty() || sources.get(d.file).rel.starts_with(&format!("{dir}/")))
        })
}

/// True for a Helm chart template: a file under the `templates/` folder of a chart (a folder
/// with `Chart.yaml`) whose text holds a template action (`{{`). Helm renders it before anything
/// reads it as YAML.
pub fn is_helm_template(rel: &str, paths: &crate::parse::paths::PathSet, text: &str) -> bool {
    if !text.contains("{{") {
        return false;
    }
    let mut at = 0;
    while let Some(i) = rel[at..].find("templates/") {
        let start = at + i;
        if start == 0 || rel.as_bytes()[start - 1] == b'/' {
            let chart = format!("{}Chart.yaml", &rel[..start]);
            if paths.contains(&chart) {
                return true;
            }
        }
        at = start + "templates/".len();
    }
    false
}

/// True for a catalog entry's path: a file directly under `templates/`.
pub fn is_catalog_entry(rel: &str) -> bool {
    rel.strip_prefix("templates/").is_some_and(|name| !name.contains('/'))
}

/// The files a workspace is built from.
#[derive(Debug, Default)]
pub struct Inputs {
    /// The repository's files.
    pub files: Vec<Input>,
    /// Every path of the repository (YAML or not).
    pub paths: crate::parse::paths::PathSet,
    /// Files of the `--xrds` sources.
    pub external: Vec<Input>,
    /// The base revision's versions of the changed files.
    pub base: Vec<Input>,
}

/// Where an input comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The checked repository.
    Local,
    /// An `--xrds` source: indexed, never checked.
    Source,
    /// The base revision of a changed file.
    Base,
}

/// An input with its parse: files are parsed once, and a streamed check reuses the parse of
/// the files every batch needs.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The input.
    pub input: Input,
    /// Where it comes from.
    pub role: Role,
    /// The parse of a YAML input.
    pub parsed: Option<yaml::Parsed>,
}

/// Parses inputs in parallel.
/// A JSON file that holds no manifest (see [`is_json_manifest`]) is dropped here: it is not
/// checked, counted or reported.
pub fn prepare(inputs: Vec<(Input, Role)>, limits: yaml::Limits) -> Vec<Prepared> {
    // Collected in place (an indexed collect), then the few JSON files that hold no manifest
    // dropped: a filtering collect would concatenate every parse on the calling thread.
    let mut prepared: Vec<Prepared> = inputs
        .into_par_iter()
        .map(|(input, role)| {
            let parsed = match &input.content {
                InputContent::Yaml(text) => Some(yaml::parse_with(text, limits)),
                _ => None,
            };
            Prepared { input, role, parsed }
        })
        .collect();
    // Asked in parallel (a path's extension per input); the retain runs only when one goes.
    if prepared.par_iter().any(|p| !is_json_manifest(p)) {
        prepared.retain(is_json_manifest);
    }
    prepared
}

/// False for a `.json` file of the checked tree (or the base) that holds no manifest: no
/// object with `apiVersion` and `kind` (Kubernetes objects and Backstage entities have both;
/// `package.json` or a JSON Schema has not) and no Score workload spec (which has no `kind`,
/// [`super::is_score_spec`]), or one refused for its content (over
/// the size limit, binary, not UTF-8: not known to be a manifest). True for any other input.
pub fn is_json_manifest(p: &Prepared) -> bool {
    if !crate::discover::is_json(&p.input.path) || p.role == Role::Source {
        return true;
    }
    match &p.input.content {
        InputContent::Yaml(_) => p.parsed.as_ref().is_some_and(|parsed| {
            parsed.docs.iter().any(|d| {
                (d.root.get("apiVersion").and_then(|v| v.as_str()).is_some()
                    && d.root.get("kind").and_then(|v| v.as_str()).is_some())
                    || super::is_score_spec(&d.root)
            })
        }),
        InputContent::Text(_) => true,
        InputContent::Unreadable(why) => !crate::discover::is_content_problem(why),
    }
}

/// A document of `parsed` classified, with its `apiVersion` and `kind` read once.
pub fn classify_doc(file: FileId, rel: &str, root: Arc<yaml::Node>) -> Doc {
    let api_version = root.str_at(&["apiVersion"]).unwrap_or("").to_string();
    let kind = root.str_at(&["kind"]).unwrap_or("").to_string();
    let class = classify(&api_version, &kind, rel);
    let api_split = super::ApiSplit::of(&api_version);
    let mut doc = Doc {
        file,
        root,
        api_version,
        kind,
        class,
        order: false,
        xrds: Default::default(),
        path_cuts: Default::default(),
        api_split,
        entity: false,
    };
    doc.entity = super::backstage::detect_entity(&doc);
    doc
}

/// What the repository's documents say about what the repository is. Accumulated document by
/// document, so that a streamed check decides from every file while holding few of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// An openportal.dev XRD where a template repository keeps its package: at the root or
    /// under the root's `configuration/`, outside test folders. One deeper down (in another
    /// repository checked out below the root, in a plugin's fixtures) does not make the root
    /// an Open Service Portal repository.
    pub portal_xrd: bool,
    /// An openportal.dev object, or a package of the Open Service Portal.
    pub portal_objects: bool,
    /// A Crossplane package object at a catalog entry path (`templates/<file>`).
    pub catalog_entry: bool,
    /// A catalog entry named after its template repository (`templates/template-<name>.yaml`),
    /// the catalog's own convention, whatever organisation publishes the packages.
    pub catalog_named_entry: bool,
    /// The owners in the packages of catalog entries (`ghcr.io/<owner>/<package>`).
    pub catalog_owners: std::collections::BTreeSet<String>,
    /// A `<cluster>/<ns>/<Kind>/<file>` whose Kind folder is its document's kind, under a
    /// cluster folder with a `kustomization.yaml`, or without one for an XR or claim (Flux
    /// generates the kustomization).
    pub kind_folder: bool,
    /// A Score workload spec ([`super::is_score_spec`]).
    pub score_spec: bool,
    /// An innominatus workflow document.
    pub inn_workflow: bool,
    /// A Backstage catalog entity or software template.
    pub backstage_entity: bool,
}

fn openportal_group(g: &str) -> bool {
    g == "openportal.dev" || g.ends_with(".openportal.dev")
}

impl Evidence {
    /// Adds what one local document (at `rel`, relative to the root; `prefix` is the root's
    /// label prefix when several roots are checked) says.
    pub fn add(&mut self, doc: &Doc, rel: &str, prefix: &str, paths: &crate::parse::paths::PathSet) {
        // Test fixtures (`test/`, `tests/`, `testdata/`) do not decide what the repository is.
        let in_tests = || {
            rel.split('/')
                .rev()
                .skip(1)
                .any(|seg| matches!(seg, "test" | "tests" | "testdata"))
        };
        let local = rel.strip_prefix(prefix).unwrap_or(rel);
        let own_package = !local.contains('/') || local.starts_with("configuration/");
        if doc.class == Class::Xrd
            && own_package
            && super::Xrd(doc).group().is_some_and(openportal_group)
            && !in_tests()
        {
            self.portal_xrd = true;
        }
        if openportal_group(doc.group())
            || doc
                .root
                .str_at(&["spec", "package"])
                .is_some_and(|p| p.contains("open-service-portal") || p.contains("openportal"))
        {
            self.portal_objects = true;
        }
        if doc.class == Class::PkgObject && is_catalog_entry(rel) {
            self.catalog_entry = true;
            let file = rel.rsplit('/').next().unwrap_or(rel);
            self.catalog_named_entry |= doc.kind == "Configuration" && file.starts_with("template-");
            if let Some(owner) = doc
                .root
                .str_at(&["spec", "package"])
                .and_then(|p| p.split('/').nth(1))
                .filter(|o| !o.is_empty())
            {
                self.catalog_owners.insert(owner.to_ascii_lowercase());
            }
        }
        self.score_spec |= super::is_score_spec(&doc.root);
        self.inn_workflow |= super::innominatus::is_workflow(doc);
        self.backstage_entity |= super::backstage::is_entity(doc);
        // Runs for every document of a streamed scan: no allocation unless the shape matches.
        if !self.kind_folder && rel.matches('/').count() == 3 {
            let mut seg = rel.split('/');
            let (cluster, kind) = (seg.next().unwrap_or(""), seg.nth(1).unwrap_or(""));
            // Flux generates a kustomization for a cluster folder without one: the folder's
            // own kustomization is not needed when the document is an object of a group with a
            // dot that no Kubernetes built-in uses (an XR or claim, not a `Deployment`).
            let custom = doc.class == Class::Other && doc.group().contains('.') && !doc.group().ends_with(".k8s.io");
            self.kind_folder = kind == doc.kind && (custom || paths.contains(&format!("{cluster}/kustomization.yaml")));
        }
    }

    /// What either says.
    pub fn merge(self, other: Evidence) -> Evidence {
        // Merged once per file: the larger set takes the smaller (nothing to do when empty).
        let (mut owners, more) = if self.catalog_owners.len() >= other.catalog_owners.len() {
            (self.catalog_owners, other.catalog_owners)
        } else {
            (other.catalog_owners, self.catalog_owners)
        };
        owners.extend(more);
        Evidence {
            portal_xrd: self.portal_xrd || other.portal_xrd,
            portal_objects: self.portal_objects || other.portal_objects,
            catalog_entry: self.catalog_entry || other.catalog_entry,
            catalog_named_entry: self.catalog_named_entry || other.catalog_named_entry,
            catalog_owners: owners,
            kind_folder: self.kind_folder || other.kind_folder,
            score_spec: self.score_spec || other.score_spec,
            inn_workflow: self.inn_workflow || other.inn_workflow,
            backstage_entity: self.backstage_entity || other.backstage_entity,
        }
    }
}

/// Builds the workspace from discovered files.
pub fn build(
    inputs: Inputs,
    pr: Option<super::PrContext>,
    repo: Repo,
    profile: Option<bool>,
    options: RuleOptions,
) -> Workspace {
    let Inputs {
        files,
        paths,
        external,
        base,
    } = inputs;
    let tagged = files
        .into_iter()
        .map(|i| (i, Role::Local))
        .chain(external.into_iter().map(|i| (i, Role::Source)))
        .chain(base.into_iter().map(|i| (i, Role::Base)))
        .collect();
    assemble(
        prepare(tagged, options.limits.yaml()),
        Arc::new(paths),
        pr,
        repo,
        profile,
        options,
        None,
    )
}

/// Where an input's text comes from, for the reports: a base file is named `<rev>:<path>`
/// ([`crate::engine::change::GitContext::base_inputs`]).
fn origin(role: Role, rel: &str) -> crate::parse::source::Origin {
    use crate::parse::source::Origin;
    match role {
        Role::Local => Origin::Checked,
        Role::Source => Origin::Source,
        Role::Base => match rel.split_once(':') {
            Some((rev, path)) => Origin::Revision {
                rev: rev.to_string(),
                path: path.to_string(),
            },
            None => Origin::Checked,
        },
    }
}

/// One input made ready for the workspace, off the main thread ([`assemble`]).
struct Item {
    id: FileId,
    file: SourceFile,
    role: Role,
    /// A local YAML file (counted as checked).
    local_yaml: bool,
    /// Why it could not be read.
    unreadable: Option<String>,
    /// A Helm chart template (not parsed as YAML).
    helm: bool,
    docs: Vec<Doc>,
    /// For a local file, whether each document is a Backstage entity.
    entity: Vec<bool>,
    problems: Vec<yaml::Problem>,
    /// What its documents say about the repository (a local file, when asked).
    evidence: Option<Evidence>,
}

impl Item {
    fn of(id: FileId, p: Prepared, paths: &crate::parse::paths::PathSet, prefix: &str, gather: bool) -> Item {
        let Prepared { input, role, parsed } = p;
        let yaml_input = !matches!(input.content, InputContent::Text(_));
        let local_yaml = role == Role::Local && yaml_input && crate::discover::is_manifest(&input.path);
        let mut item = Item {
            id,
            file: SourceFile::new(input.rel, input.path, Arc::from("")),
            role,
            local_yaml,
            unreadable: None,
            helm: false,
            docs: Vec::new(),
            entity: Vec::new(),
            problems: Vec::new(),
            evidence: None,
        };
        item.file.origin = origin(role, &item.file.rel);
        match input.content {
            InputContent::Yaml(t) | InputContent::Text(t) => item.file.text = t,
            InputContent::Unreadable(reason) => {
                item.unreadable = Some(reason);
                return item;
            }
        }
        let rel = &item.file.rel;
        item.helm = yaml_input && is_helm_template(rel, paths, &item.file.text);
        if item.helm {
            return item;
        }
        let Some(parsed) = parsed else { return item };
        item.problems = parsed.problems;
        item.docs = parsed.docs.into_iter().map(|d| classify_doc(id, rel, d.root)).collect();
        if role == Role::Local {
            item.entity = item.docs.iter().map(|d| d.entity).collect();
            if gather {
                let mut e = Evidence::default();
                for d in &item.docs {
                    e.add(d, rel, prefix, paths);
                }
                item.evidence = Some(e);
            }
        }
        item
    }
}

/// Builds the workspace from parsed inputs. `evidence` overrides what the local documents say
/// about the repository (a streamed check gathers it from every file first).
pub fn assemble(
    parsed: Vec<Prepared>,
    paths: Arc<crate::parse::paths::PathSet>,
    pr: Option<super::PrContext>,
    mut repo: Repo,
    profile: Option<bool>,
    options: RuleOptions,
    evidence: Option<Evidence>,
) -> Workspace {
    // Per file, in parallel: the source file, its documents classified, whether a local
    // document is a Backstage entity, and what the local documents say about the repository.
    // Every input becomes one source file, so the file id is the input's position.
    let gather_evidence = evidence.is_none();
    let items: Vec<Item> = parsed
        .into_par_iter()
        .enumerate()
        .map(|(i, p)| Item::of(FileId(i as u32), p, &paths, &repo.prefix, gather_evidence))
        .collect();
    // Sized once: growing them file by file copies every document several times.
    let local_docs: usize = items
        .iter()
        .filter(|i| i.role == Role::Local)
        .map(|i| i.docs.len())
        .sum();
    let mut sources = SourceMap::with_capacity(items.len() + 1);
    let mut docs = Vec::with_capacity(local_docs);
    let mut entity = Vec::with_capacity(local_docs);
    let mut external = Vec::new();
    let mut base_docs = Vec::new();
    let mut problems = Vec::new();
    let mut unreadable = Vec::new();
    let mut helm_templates = Vec::new();
    let mut local_files = 0;
    let mut gathered = Evidence::default();
    for item in items {
        local_files += usize::from(item.local_yaml);
        let id = sources.add(item.file);
        debug_assert_eq!(id, item.id, "one source file per input, in input order");
        if let Some(reason) = item.unreadable {
            unreadable.push((id, reason));
            continue;
        }
        if item.helm {
            if item.role == Role::Local {
                helm_templates.push(id);
            }
            continue;
        }
        problems.extend(
            item.problems
                .into_iter()
                .map(|problem| FileProblem { file: id, problem }),
        );
        match item.role {
            Role::Source => external.extend(item.docs),
            Role::Base => base_docs.extend(item.docs),
            Role::Local => {
                docs.extend(item.docs);
                entity.extend(item.entity);
            }
        }
        if let Some(e) = item.evidence {
            gathered = gathered.merge(e);
        }
    }

    let mut index = Index::default();
    let local = docs.len();
    for (i, d) in docs.iter().chain(&external).enumerate() {
        match d.class {
            Class::Xrd => {
                if i < local {
                    index.xrds.push(i);
                }
                let x = super::Xrd(d);
                if let Some(g) = x.group() {
                    index.xr_groups.insert(g.to_string());
                }
                if let (Some(g), Some(k)) = (x.group(), x.kind()) {
                    index
                        .xrd_by_gk
                        .entry((g.to_string(), k.to_string()))
                        .or_default()
                        .push(i);
                }
                if let (Some(g), Some(k)) = (
                    x.group(),
                    x.spec()
                        .and_then(|s| s.path(&["claimNames", "kind"]))
                        .and_then(crate::parse::yaml::Node::as_str),
                ) {
                    index
                        .claim_by_gk
                        .entry((g.to_string(), k.to_string()))
                        .or_default()
                        .push(i);
                }
            }
            Class::Composition => {
                if i < local {
                    index.compositions.push(i);
                }
                let c = Composition { doc: d, id: i };
                if let Some(n) = c.name() {
                    index.comp_by_name.entry(n.to_string()).or_default().push(i);
                }
                if let Some((g, _, k)) = c.type_gvk() {
                    index
                        .comp_by_type
                        .entry((g.to_string(), k.to_string()))
                        .or_default()
                        .push(i);
                }
            }
            _ if i < local && entity[i] => {
                if let Some(key) = super::backstage::doc_key(d) {
                    index.entity_by_key.entry(key).or_default().push(i);
                }
                index.entity_kinds.insert(d.kind.to_ascii_lowercase());
            }
            _ => {}
        }
    }

    let templates: Vec<TemplateStep> = index
        .compositions
        .par_iter()
        .flat_map_iter(|&i| {
            let doc = &docs[i];
            let text = &*sources.get(doc.file).text;
            let comp = Composition { doc, id: i };
            comp.steps()
                .iter()
                .enumerate()
                .filter_map(|(k, s)| TemplateStep::analyse(i, doc, text, k, s))
                .collect::<Vec<_>>()
        })
        .collect();

    let evidence = evidence.unwrap_or(gathered);
    repo.orders =
        if repo.is_dir {
            options.orders.layout.forced().or_else(|| {
                super::orders::detect(&paths, evidence.kind_folder, repo.named.then_some(repo.name.as_str()))
            })
        } else {
            None
        };
    repo.catalog = repo.is_dir && evidence.catalog_entry;
    repo.score = options.score.unwrap_or(evidence.score_spec);
    let bu_repos = super::onboarding::find(&repo.name, &paths, &repo.prefix, options.onboarding);
    repo.onboarding = !bu_repos.is_empty();
    // A BU repository registers its catalog: the Backstage rules apply to it.
    repo.backstage = options
        .backstage
        .unwrap_or(evidence.backstage_entity || repo.onboarding);
    repo.innominatus = options.innominatus.unwrap_or_else(|| {
        let prefix = repo.prefix.as_str();
        let own_file = |p: &str| super::innominatus::is_innominatus_file(p.strip_prefix(prefix).unwrap_or(p));
        evidence.inn_workflow || paths.iter().any(own_file)
    });
    repo.openportal = profile.unwrap_or_else(|| {
        let source_xrd = external
            .iter()
            .any(|d| d.class == Class::Xrd && super::Xrd(d).group().is_some_and(openportal_group));
        // An orders or catalog repository holds no XRDs: its openportal.dev orders, its
        // catalog of openportal packages, or the sources' XRDs decide.
        // A catalog is one by its layout, or by publishing packages of the repository's own
        // organisation (config `openportal.github-org`, or the owner in the git remote): no
        // organisation is built in.
        let org = options.openportal.github_org.as_deref().or(repo.org.as_deref());
        let own_packages = org.is_some_and(|o| evidence.catalog_owners.contains(&o.to_ascii_lowercase()));
        let catalog = repo.catalog && (evidence.catalog_named_entry || own_packages);
        // A `template-*` repository by its name (config or git remote, never the checkout
        // folder's name), whatever group its XRDs use.
        let template_named = repo.is_dir && repo.named && repo.name.starts_with("template-");
        evidence.portal_xrd
            || template_named
            || catalog
            || ((repo.orders.is_some() || repo.catalog) && (source_xrd || evidence.portal_objects))
    });
    repo.is_template = repo.is_dir
        && (is_package_file(&docs, &sources, &paths, "configuration/crossplane.yaml")
            || repo.name.starts_with("template-"));

    // Classify orders once; rules ask for them many times.
    docs.par_iter_mut().for_each(|d| {
        let rel = &sources.get(d.file).rel;
        d.order = super::orders::is_order_path(repo.orders, rel);
        if d.order {
            d.path_cuts = super::PathCuts::of(rel);
        }
    });
    let codeowners = crate::model::codeowners::LOCATIONS.iter().find_map(|loc| {
        let id = sources.find(&format!("{}{loc}", repo.prefix))?;
        Some((id, crate::model::codeowners::CodeOwners::parse(&sources.get(id).text)))
    });
    // An orders repository without CODEOWNERS: the place GitHub looks first, as a file
    // without text, so that a finding about the missing file points at where it belongs (no
    // line, no caret) rather than at an order that has nothing to do with it.
    if codeowners.is_none() && repo.orders.is_some() {
        let rel = format!("{}{}", repo.prefix, crate::model::codeowners::LOCATIONS[0]);
        let path = std::path::PathBuf::from(&rel);
        sources.add(SourceFile::new(rel, path, Arc::from("")));
    }
    let mut ws = Workspace {
        codeowners,
        sources,
        docs,
        external,
        base_docs,
        pr,
        local_files,
        problems,
        unreadable,
        helm_templates,
        paths,
        repo,
        options,
        index,
        templates,
        file_age_days: Default::default(),
        bu_by_prefix: bu_repos
            .iter()
            .enumerate()
            .map(|(i, r)| (r.prefix.clone(), i))
            .collect(),
        bu_repos,
        resolved: Vec::new(),
        renders: Default::default(),
        crds: Default::default(),
    };
    // Which XRDs each document is an instance of: rules ask for every order several times.
    super::resolve_all(&mut ws);
    ws
}
