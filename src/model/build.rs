//! Builds the workspace: parses every file once (in parallel), classifies documents and
//! builds the cross-file index.

use super::{Class, Composition, Doc, FileProblem, Index, Repo, RuleOptions, TemplateStep, Workspace};
use crate::source::{SourceFile, SourceMap};
use crate::yaml;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

/// What discovery read for one file.
#[derive(Debug, Clone)]
pub enum InputContent {
    /// A YAML file's text.
    Yaml(String),
    /// A non-YAML text file that rules look at (`.gitignore`).
    Text(String),
    /// A file that could not be read as text, with the reason.
    Unreadable(String),
}

/// One discovered file.
#[derive(Debug, Clone)]
pub struct Input {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Path on disk.
    pub path: PathBuf,
    /// Its content.
    pub content: InputContent,
}

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
    pub paths: BTreeSet<String>,
    /// Files of the `--xrds` sources.
    pub external: Vec<Input>,
    /// The base revision's versions of the changed files.
    pub base: Vec<Input>,
}

/// Builds the workspace from discovered files.
pub fn build(
    inputs: Inputs,
    pr: Option<super::PrContext>,
    mut repo: Repo,
    profile: Option<bool>,
    options: RuleOptions,
) -> Workspace {
    let Inputs {
        files: inputs,
        paths,
        external: external_inputs,
        base: base_inputs,
    } = inputs;
    // 0: the repository, 1: a source, 2: the base revision.
    let tagged = inputs
        .into_iter()
        .map(|i| (i, 0u8))
        .chain(external_inputs.into_iter().map(|i| (i, 1)))
        .chain(base_inputs.into_iter().map(|i| (i, 2)));
    let parsed: Vec<(Input, u8, Option<yaml::Parsed>)> = tagged
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(input, external)| {
            let parsed = match &input.content {
                InputContent::Yaml(text) => Some(yaml::parse(text)),
                _ => None,
            };
            (input, external, parsed)
        })
        .collect();

    let mut sources = SourceMap::default();
    let mut docs = Vec::new();
    let mut external = Vec::new();
    let mut base_docs = Vec::new();
    let mut problems = Vec::new();
    let mut unreadable = Vec::new();
    let mut local_files = 0;
    for (input, is_external, parsed) in parsed {
        if is_external == 0 && crate::discover::is_yaml(&input.path) {
            local_files += 1;
        }
        let text: Arc<str> = match input.content {
            InputContent::Yaml(t) | InputContent::Text(t) => Arc::from(t),
            InputContent::Unreadable(reason) => {
                let id = sources.add(SourceFile::new(input.rel, input.path, Arc::from("")));
                unreadable.push((id, reason));
                continue;
            }
        };
        let rel = input.rel.clone();
        let id = sources.add(SourceFile::new(input.rel, input.path, text));
        if let Some(parsed) = parsed {
            problems.extend(
                parsed
                    .problems
                    .into_iter()
                    .map(|problem| FileProblem { file: id, problem }),
            );
            for d in parsed.docs {
                let api_version = d.root.str_at(&["apiVersion"]).unwrap_or("").to_string();
                let kind = d.root.str_at(&["kind"]).unwrap_or("").to_string();
                let class = classify(&api_version, &kind, &rel);
                let target = match is_external {
                    1 => &mut external,
                    2 => &mut base_docs,
                    _ => &mut docs,
                };
                target.push(Doc {
                    file: id,
                    root: d.root,
                    api_version,
                    kind,
                    class,
                    order: false,
                });
            }
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
                        .and_then(crate::yaml::Node::as_str),
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

    // Test fixtures (`test/`, `tests/`, `testdata/`) do not decide what the repository is.
    let in_tests = |d: &Doc| {
        let rel = &sources.get(d.file).rel;
        rel.split('/')
            .rev()
            .skip(1)
            .any(|seg| matches!(seg, "test" | "tests" | "testdata"))
    };
    repo.orders = if repo.is_dir {
        options
            .orders_layout
            .or_else(|| super::orders::detect(&paths, &docs, |d| sources.get(d.file).rel.as_str()))
    } else {
        None
    };
    repo.catalog = repo.is_dir
        && docs.iter().any(|d| {
            let rel = &sources.get(d.file).rel;
            d.class == Class::PkgObject && is_catalog_entry(rel)
        });
    let openportal_group = |g: &str| g == "openportal.dev" || g.ends_with(".openportal.dev");
    repo.openportal = profile.unwrap_or_else(|| {
        let own_xrd = docs
            .iter()
            .any(|d| d.class == Class::Xrd && !in_tests(d) && super::Xrd(d).group().is_some_and(openportal_group));
        let source_xrd = external
            .iter()
            .any(|d| d.class == Class::Xrd && super::Xrd(d).group().is_some_and(openportal_group));
        // An orders or catalog repository holds no XRDs: its openportal.dev orders, its
        // catalog of openportal packages, or the sources' XRDs decide.
        let holds_portal_objects = docs.iter().any(|d| {
            openportal_group(d.group())
                || d.root
                    .str_at(&["spec", "package"])
                    .is_some_and(|p| p.contains("open-service-portal") || p.contains("openportal"))
        });
        own_xrd || ((repo.orders.is_some() || repo.catalog) && (source_xrd || holds_portal_objects))
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
    let codeowners = crate::gate::codeowners::LOCATIONS.iter().find_map(|loc| {
        let id = sources.find(&format!("{}{loc}", repo.prefix))?;
        Some((id, crate::gate::codeowners::CodeOwners::parse(&sources.get(id).text)))
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
    }
}
