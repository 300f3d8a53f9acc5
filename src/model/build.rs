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
    let name = rel.rsplit('/').next().unwrap_or(rel);
    matches!(name, "kustomization.yaml" | "kustomization.yml" | "Kustomization")
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
pub fn prepare(inputs: Vec<(Input, Role)>, limits: yaml::Limits) -> Vec<Prepared> {
    inputs
        .into_par_iter()
        .map(|(input, role)| {
            let parsed = match &input.content {
                InputContent::Yaml(text) => Some(yaml::parse_with(text, limits)),
                _ => None,
            };
            Prepared { input, role, parsed }
        })
        .collect()
}

/// A document of `parsed` classified, with its `apiVersion` and `kind` read once.
pub fn classify_doc(file: FileId, rel: &str, root: Arc<yaml::Node>) -> Doc {
    let api_version = root.str_at(&["apiVersion"]).unwrap_or("").to_string();
    let kind = root.str_at(&["kind"]).unwrap_or("").to_string();
    let class = classify(&api_version, &kind, rel);
    Doc {
        file,
        root,
        api_version,
        kind,
        class,
        order: false,
    }
}

/// What the repository's documents say about what the repository is. Accumulated document by
/// document, so that a streamed check decides from every file while holding few of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    /// An openportal.dev XRD outside test folders.
    pub portal_xrd: bool,
    /// An openportal.dev object, or a package of the Open Service Portal.
    pub portal_objects: bool,
    /// A Crossplane package object at a catalog entry path (`templates/<file>`).
    pub catalog_entry: bool,
    /// A `<cluster>/<ns>/<Kind>/<file>` whose Kind folder is its document's kind, under a
    /// cluster folder with a `kustomization.yaml`.
    pub kind_folder: bool,
    /// A Score workload spec (`apiVersion: score.dev/*`).
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
    /// Adds what one local document (at `rel`, relative to the root) says.
    pub fn add(&mut self, doc: &Doc, rel: &str, paths: &crate::parse::paths::PathSet) {
        // Test fixtures (`test/`, `tests/`, `testdata/`) do not decide what the repository is.
        let in_tests = || {
            rel.split('/')
                .rev()
                .skip(1)
                .any(|seg| matches!(seg, "test" | "tests" | "testdata"))
        };
        if doc.class == Class::Xrd && super::Xrd(doc).group().is_some_and(openportal_group) && !in_tests() {
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
        }
        self.score_spec |= doc.group() == "score.dev";
        self.inn_workflow |= super::innominatus::is_workflow(doc);
        self.backstage_entity |= super::backstage::is_entity(doc);
        // Runs for every document of a streamed scan: no allocation unless the shape matches.
        if !self.kind_folder && rel.matches('/').count() == 3 {
            let mut seg = rel.split('/');
            let (cluster, kind) = (seg.next().unwrap_or(""), seg.nth(1).unwrap_or(""));
            self.kind_folder = kind == doc.kind && paths.contains(&format!("{cluster}/kustomization.yaml"));
        }
    }

    /// What either says.
    pub fn merge(self, other: Evidence) -> Evidence {
        Evidence {
            portal_xrd: self.portal_xrd || other.portal_xrd,
            portal_objects: self.portal_objects || other.portal_objects,
            catalog_entry: self.catalog_entry || other.catalog_entry,
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
    let mut sources = SourceMap::default();
    let mut docs = Vec::new();
    let mut external = Vec::new();
    let mut base_docs = Vec::new();
    let mut problems = Vec::new();
    let mut unreadable = Vec::new();
    let mut local_files = 0;
    for Prepared { input, role, parsed } in parsed {
        let yaml_input = !matches!(input.content, InputContent::Text(_));
        if role == Role::Local && yaml_input && crate::discover::is_yaml(&input.path) {
            local_files += 1;
        }
        let text: Arc<str> = match input.content {
            InputContent::Yaml(t) | InputContent::Text(t) => t,
            InputContent::Unreadable(reason) => {
                let mut file = SourceFile::new(input.rel, input.path, Arc::from(""));
                file.origin = origin(role, &file.rel);
                let id = sources.add(file);
                unreadable.push((id, reason));
                continue;
            }
        };
        let rel = input.rel.clone();
        let mut file = SourceFile::new(input.rel, input.path, text);
        file.origin = origin(role, &rel);
        let id = sources.add(file);
        if let Some(parsed) = parsed {
            problems.extend(
                parsed
                    .problems
                    .into_iter()
                    .map(|problem| FileProblem { file: id, problem }),
            );
            let target = match role {
                Role::Source => &mut external,
                Role::Base => &mut base_docs,
                Role::Local => &mut docs,
            };
            target.extend(parsed.docs.into_iter().map(|d| classify_doc(id, &rel, d.root)));
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
            _ if i < local && super::backstage::is_entity(d) => {
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

    let evidence = evidence.unwrap_or_else(|| {
        let mut e = Evidence::default();
        for d in &docs {
            e.add(d, &sources.get(d.file).rel, &paths);
        }
        e
    });
    repo.orders = if repo.is_dir {
        options
            .orders
            .layout
            .forced()
            .or_else(|| super::orders::detect(&paths, evidence.kind_folder))
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
        evidence.portal_xrd || ((repo.orders.is_some() || repo.catalog) && (source_xrd || evidence.portal_objects))
    });
    repo.is_template =
        repo.is_dir && (paths.contains("configuration/crossplane.yaml") || repo.name.starts_with("template-"));

    // Classify orders once; rules ask for them many times.
    let order_flags: Vec<bool> = docs
        .iter()
        .map(|d| super::orders::is_order_path(repo.orders, &sources.get(d.file).rel))
        .collect();
    for (d, order) in docs.iter_mut().zip(order_flags) {
        d.order = order;
    }
    let codeowners = crate::model::codeowners::LOCATIONS.iter().find_map(|loc| {
        let id = sources.find(&format!("{}{loc}", repo.prefix))?;
        Some((id, crate::model::codeowners::CodeOwners::parse(&sources.get(id).text)))
    });
    Workspace {
        codeowners,
        sources,
        docs,
        external,
        base_docs,
        pr,
        local_files,
        problems,
        unreadable,
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
    }
}
