//! The change under review (`--base`, `--head`, `--release`): which files changed, which
//! versions to compare, what to read (with `--head` only what the change needs, from git),
//! and which findings to keep (changed files, their dependents, optionally changed lines).

use crate::cli::CheckArgs;
use crate::discover::Discovered;
use crate::git::{self, ChangeKind, Listing, Repository};
use crate::model::{Class, Input, InputContent, PrContext, Workspace};
use crate::parse::paths::PathSet;
use crate::parse::source::FileId;
use crate::rules::diagnostic::Diagnostic;
use std::collections::HashSet;
use std::path::Path;

/// A work-tree file discovery read, or one still to read.
enum Lazy<'a> {
    Read(Input),
    Unread(&'a crate::discover::Unread),
}

/// Git facts for one checked root.
pub struct GitContext {
    repo: Repository,
    base: String,
    base_listing: Listing,
    head_listing: Listing,
    changes: Vec<(String, ChangeKind)>,
    release: Option<String>,
    previous: Option<String>,
    /// Verdict mode: the head listing is the post-merge tree and every file is read.
    merge: Option<Merge>,
}

/// A PR evaluated as merged into its base.
pub struct Merge {
    /// The PR's own changes (from the merge base to the head).
    pub changes: Vec<(String, ChangeKind)>,
    /// Paths the PR and the base both changed since they diverged.
    pub conflicts: Vec<String>,
    /// The base commit.
    pub base_commit: String,
    /// The head commit.
    pub head_commit: String,
}

/// The repository opened at a root, with everything that does not need the work tree: the
/// base and release, the base's listing, and the index loaded ([`GitContext::open`]).
pub struct Opened {
    repo: Repository,
    base: String,
    base_listing: Listing,
    release: Option<String>,
    previous: Option<String>,
}

impl GitContext {
    /// Opens the repository and computes the changes from base to head.
    pub fn new(
        args: &CheckArgs,
        root: &Path,
        found: &Discovered,
        prefix: &str,
    ) -> Result<GitContext, crate::error::AppError> {
        Self::open(args, root)?.with_head(args, root, found, prefix)
    }

    /// The part of [`GitContext::new`] that needs no walk of the work tree (it can run while
    /// the work tree is walked): opens the repository, finds the base and release, lists the
    /// base's tree and, when the head is the work tree, loads the index.
    pub fn open(args: &CheckArgs, root: &Path) -> Result<Opened, crate::error::AppError> {
        let err = crate::error::AppError::Usage;
        let repo = Repository::open(root).map_err(err)?;
        let head_rev = args.head.clone().unwrap_or_else(|| "HEAD".to_string());
        let release = args
            .release
            .clone()
            .or_else(|| repo.tags_at(&head_rev).into_iter().find(|t| t.starts_with('v')));
        let previous = release
            .as_deref()
            .and_then(crate::model::release_version)
            .and_then(|current| {
                repo.tags()
                    .into_iter()
                    .filter_map(|(t, _)| {
                        crate::model::release_version(&t)
                            .filter(|v| *v < current)
                            .map(|v| (v, t))
                    })
                    .max()
                    .map(|(_, t)| t)
            });
        let base = match (&args.base, &previous) {
            (Some(b), _) => b.clone(),
            (None, Some(p)) => p.clone(),
            (None, None) => {
                return Err(err(format!(
                    "no base to compare with: `{}` is the first release tag; pass --base",
                    release.as_deref().unwrap_or("?")
                )))
            }
        };
        let base_listing = repo.listing(&base).map_err(err)?;
        if args.head.is_none() {
            repo.load_index();
        }
        Ok(Opened {
            repo,
            base,
            base_listing,
            release,
            previous,
        })
    }
}

impl Opened {
    /// The rest of [`GitContext::new`]: the head's listing (from git with `--head`, else the
    /// work tree that discovery found), the post-merge tree in verdict mode, and the changes.
    pub fn with_head(
        self,
        args: &CheckArgs,
        root: &Path,
        found: &Discovered,
        prefix: &str,
    ) -> Result<GitContext, crate::error::AppError> {
        let err = crate::error::AppError::Usage;
        let Opened {
            repo,
            base,
            base_listing,
            release,
            previous,
        } = self;
        let head_rev = args.head.clone().unwrap_or_else(|| "HEAD".to_string());
        let head_listing = match &args.head {
            Some(h) => repo.listing(h).map_err(err)?,
            None => {
                // Work-tree paths are root-relative like the git listing (without the display
                // prefix); the files discovery already read are hashed from memory.
                let read: std::collections::HashMap<&str, &[u8]> = found
                    .inputs
                    .iter()
                    .filter_map(|i| match &i.content {
                        InputContent::Yaml(t) | InputContent::Text(t) => Some((i.rel.as_str(), t.as_bytes())),
                        InputContent::Unreadable(_) => None,
                    })
                    .collect();
                let files: Vec<(&str, Option<&[u8]>)> = found
                    .paths
                    .iter()
                    .map(|rel| (rel.strip_prefix(prefix).unwrap_or(rel), read.get(rel).copied()))
                    .collect();
                repo.worktree_listing(root, &files)
            }
        };
        let mut merge = None;
        let mut head_listing = head_listing;
        if args.verdict {
            // The post-merge tree: the base with the PR's changes since the merge base.
            let base_commit = repo.commit(&base).map_err(err)?;
            let head_commit = repo.commit(&head_rev).map_err(err)?;
            let ancestor = match repo.merge_base(base_commit, head_commit).map_err(err)? {
                Some(a) => repo.listing(&a.to_string()).map_err(err)?,
                None => Listing::new(),
            };
            let (merged, conflicts) = git::merged(&ancestor, &base_listing, &head_listing);
            merge = Some(Merge {
                changes: git::changes(&ancestor, &head_listing),
                conflicts,
                base_commit: base_commit.to_string(),
                head_commit: head_commit.to_string(),
            });
            head_listing = merged;
        }
        let changes = git::changes(&base_listing, &head_listing);
        Ok(GitContext {
            repo,
            base,
            base_listing,
            head_listing,
            changes,
            release,
            previous,
            merge,
        })
    }
}

impl GitContext {
    /// The merge facts in verdict mode.
    pub fn merge(&self) -> Option<&Merge> {
        self.merge.as_ref()
    }

    /// The PR context for the workspace.
    pub fn context(&self) -> PrContext {
        PrContext {
            base: self.base.clone(),
            changes: self.changes.clone(),
            release: self.release.clone(),
            previous: self.previous.clone(),
            ..PrContext::default()
        }
    }

    fn changed(&self) -> HashSet<&str> {
        self.changes.iter().map(|(p, _)| p.as_str()).collect()
    }

    /// The head files to check, read from git at `head`: see [`GitContext::needed`].
    /// Unchanged orders are not even read.
    pub fn head_inputs(
        &self,
        head: &str,
        max_size: u64,
        exclude: crate::discover::Exclude<'_>,
    ) -> (Vec<Input>, PathSet, Vec<String>) {
        // The config's `exclude` leaves files out of the head as it does out of the walk.
        let mut excluded = Vec::new();
        let files = self
            .head_listing
            .iter()
            .filter(|(p, _)| {
                crate::discover::is_manifest(Path::new(p)) || crate::discover::TEXT_FILES.contains(&p.as_str())
            })
            .filter(|(p, _)| {
                let out = exclude.is_match(p);
                if out {
                    excluded.push(p.to_string());
                }
                !out
            })
            .map(|(p, id)| (p.as_str(), (p, id)))
            .collect();
        let inputs = self.needed(files, |(p, id)| {
            let text = self.repo.read_text(*id, max_size);
            Input {
                rel: p.clone(),
                path: format!("{head}:{p}").into(),
                content: match text {
                    Err(e) => InputContent::Unreadable(e),
                    Ok(t) if crate::discover::is_manifest(Path::new(p)) => InputContent::Yaml(t.into()),
                    Ok(t) => InputContent::Text(t.into()),
                },
            }
        });
        (inputs, self.head_listing.keys().cloned().collect(), excluded)
    }

    /// The work-tree files to check, of those discovery found (paths prefixed with `prefix`;
    /// YAML files not read yet): see [`GitContext::needed`]. Unchanged orders are not read,
    /// and nothing is made for them (no path, no string).
    pub fn worktree_inputs(&self, mut found: Discovered, prefix: &str, max_size: u64) -> (Vec<Input>, PathSet) {
        let (unlisted, read): (Vec<Input>, Vec<Input>) = std::mem::take(&mut found.inputs).into_iter().partition(
            |i| matches!(&i.content, InputContent::Unreadable(why) if crate::discover::is_unlisted_folder(why)),
        );
        let mut inputs = {
            let found = &found;
            let local = |rel: &'_ str| -> String { rel.strip_prefix(prefix).unwrap_or(rel).to_string() };
            let files: Vec<(std::borrow::Cow<'_, str>, Lazy<'_>)> = read
                .into_iter()
                .map(|i| (local(&i.rel).into(), Lazy::Read(i)))
                .chain(found.unread.iter().map(|u| {
                    let rel = found.rel(u);
                    (rel.strip_prefix(prefix).unwrap_or(rel).into(), Lazy::Unread(u))
                }))
                .collect();
            let mut inputs = self.needed(files, |lazy| match lazy {
                Lazy::Read(input) => input,
                Lazy::Unread(u) => found.read(u.clone(), max_size),
            });
            inputs.sort_by(|a, b| crate::discover::walk_order(&a.rel, &b.rel));
            inputs
        };
        // A folder the walk could not list is reported whatever the change touches.
        inputs.extend(unlisted);
        (inputs, found.paths)
    }

    /// Of the head's files (root-relative path, how to read it), the ones the check needs: the
    /// changed files, every file that is not shaped like an order (XRDs, Compositions,
    /// kustomizations, package metadata), and all orders when a changed file defines an XRD
    /// or a Composition (every order can depend on it).
    fn needed<P: AsRef<str>, T>(&self, files: Vec<(P, T)>, read: impl Fn(T) -> Input) -> Vec<Input> {
        let changed = self.changed();
        let kustomized: HashSet<&str> = self
            .head_listing
            .keys()
            .filter_map(|p| p.strip_suffix("/kustomization.yaml"))
            .filter(|dir| !dir.contains('/'))
            .collect();
        // A verdict needs every order (quotas and duplicates span files).
        let all = self.merge.is_some();
        let (unchanged_orders, needed): (Vec<_>, Vec<_>) = files.into_iter().partition(|(p, _)| {
            let p = p.as_ref();
            !all && !changed.contains(p) && crate::model::is_order_shaped(p, |dir| kustomized.contains(dir))
        });
        let mut inputs = Vec::with_capacity(needed.len());
        let mut definitions_changed = false;
        for (p, how) in needed {
            let input = read(how);
            definitions_changed |= changed.contains(p.as_ref())
                && matches!(&input.content, InputContent::Yaml(t)
                    if t.contains("kind: CompositeResourceDefinition") || t.contains("kind: Composition"));
            inputs.push(input);
        }
        if definitions_changed {
            inputs.extend(unchanged_orders.into_iter().map(|(_, how)| read(how)));
            inputs.sort_by(|a, b| a.rel.cmp(&b.rel));
        }
        inputs
    }

    /// The base versions of the changed YAML files, named `<base>:<path>`.
    pub fn base_inputs(&self, prefix: &str) -> Vec<Input> {
        self.changes
            .iter()
            .filter(|(p, k)| *k != ChangeKind::Added && crate::discover::is_manifest(Path::new(p)))
            .filter_map(|(p, _)| {
                let text = self.repo.text(*self.base_listing.get(p)?)?;
                Some(Input {
                    rel: format!("{}:{prefix}{p}", self.base),
                    path: format!("{}:{p}", self.base).into(),
                    content: InputContent::Yaml(text.into()),
                })
            })
            .collect()
    }

    /// Keeps the findings on changed files and on files that depend on a changed XRD (its
    /// XRs, orders and Compositions); with `only_lines`, only those on added or modified
    /// lines. Returns the kept findings and the number of YAML files skipped.
    pub fn filter(&self, ws: &Workspace, diags: Vec<Diagnostic>, only_lines: bool) -> (Vec<Diagnostic>, usize) {
        let prefix = ws.repo.prefix.as_str();
        let changed: HashSet<String> = self.changes.iter().map(|(p, _)| format!("{prefix}{p}")).collect();
        // A kustomization lists the files below it: adding, renaming or deleting one of them
        // changes its verdict.
        let moved: Vec<String> = self
            .changes
            .iter()
            .filter(|(_, k)| *k != ChangeKind::Modified)
            .map(|(p, _)| format!("{prefix}{p}"))
            .collect();
        let considered = considered(ws, &changed, &moved);
        let yaml_files = self
            .head_listing
            .keys()
            .filter(|p| crate::discover::is_manifest(Path::new(p)))
            .count();
        let considered_yaml = ws
            .sources
            .iter()
            .filter(|(id, f)| considered.contains(id) && crate::discover::is_manifest(&f.path))
            .count();
        let mut line_cache: std::collections::HashMap<crate::parse::source::FileId, Option<HashSet<usize>>> =
            Default::default();
        let kept = diags
            .into_iter()
            .filter(|d| considered.contains(&d.primary.span.file))
            .filter(|d| {
                if !only_lines {
                    return true;
                }
                let file = d.primary.span.file;
                let lines = line_cache.entry(file).or_insert_with(|| {
                    let src = ws.sources.get(file);
                    let rel = src.rel.strip_prefix(prefix).unwrap_or(&src.rel);
                    let old = self.base_listing.get(rel).and_then(|id| self.repo.text(*id))?;
                    Some(git::changed_lines(&old, &src.text).into_iter().collect())
                });
                match lines {
                    None => true, // an added file: every line is new
                    Some(set) => set.contains(&ws.sources.get(file).line_col(d.primary.span.start).0),
                }
            })
            .collect();
        (kept, yaml_files.saturating_sub(considered_yaml))
    }
}

/// The files whose findings a change of `changed` (workspace-relative paths) concerns: the
/// changed files, the files holding an XR or a Composition of a kind whose XRD changed, and
/// the kustomizations above a file of `moved` (added, renamed or deleted: a kustomization
/// lists the files below it).
fn considered(ws: &Workspace, changed: &HashSet<String>, moved: &[String]) -> HashSet<FileId> {
    // Kinds whose definition changed: their XRs and Compositions depend on the change.
    let mut kinds: HashSet<(String, String)> = HashSet::new();
    for d in ws.docs.iter().chain(&ws.base_docs).filter(|d| d.class == Class::Xrd) {
        let rel = &ws.sources.get(d.file).rel;
        let rel = rel.split_once(':').map_or(rel.as_str(), |(_, r)| r);
        if changed.contains(rel) {
            let x = crate::model::Xrd(d);
            if let (Some(g), Some(k)) = (x.group(), x.kind()) {
                kinds.insert((g.to_string(), k.to_string()));
            }
        }
    }
    // One pass over the documents: the files holding an XR or Composition of such a kind.
    let dependents: HashSet<FileId> = ws
        .docs
        .iter()
        .filter(|d| {
            kinds.contains(&(d.group().to_string(), d.kind.clone()))
                || (d.class == Class::Composition
                    && crate::model::Composition { doc: d, id: 0 }
                        .type_gvk()
                        .is_some_and(|(g, _, k)| kinds.contains(&(g.to_string(), k.to_string()))))
        })
        .map(|d| d.file)
        .collect();
    let lists_moved = |rel: &str| {
        crate::model::is_kustomization_file(rel) && {
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            moved
                .iter()
                .any(|m| dir.is_empty() || m.starts_with(&format!("{dir}/")))
        }
    };
    // A folder the walk could not list may hold changed files git now takes for deleted:
    // it is reported whatever the change.
    let unlisted: HashSet<FileId> = ws
        .unreadable
        .iter()
        .filter(|(_, why)| crate::discover::is_unlisted_folder(why))
        .map(|(id, _)| *id)
        .collect();
    ws.sources
        .iter()
        .filter(|(id, f)| {
            changed.contains(&f.rel) || dependents.contains(id) || lists_moved(&f.rel) || unlisted.contains(id)
        })
        .map(|(id, _)| id)
        .collect()
}

/// The files named on the command line with `--root` (the pre-commit hook's staged files):
/// the check reads the whole tree but reports only on these and on what depends on them.
#[derive(Debug, Clone, Default)]
pub struct Named {
    /// Root-relative paths (`/`-separated) of the named files.
    pub files: Vec<String>,
    /// Root-relative folders named (every file below them is named), ending in `/`.
    pub dirs: Vec<String>,
    /// The named files that HEAD does not have (all of them outside git or before the first
    /// commit): the kustomizations above them are reported on too.
    pub added: Vec<String>,
}

impl Named {
    /// Resolves `paths` (relative to the working directory) against `root`: each must exist
    /// and be inside it.
    pub fn resolve(root: &Path, paths: &[std::path::PathBuf]) -> Result<Named, crate::error::AppError> {
        let usage = crate::error::AppError::Usage;
        let abs_root = std::fs::canonicalize(root)
            .map_err(|e| usage(format!("cannot read the --root folder `{}`: {e}", root.display())))?;
        let mut named = Named::default();
        for p in paths {
            // The file itself may be a symlink (to anywhere): resolve its folder only.
            let (dir, name) = match (p.is_dir(), p.file_name()) {
                (false, Some(name)) => (p.parent().filter(|d| !d.as_os_str().is_empty()), Some(name)),
                _ => (Some(p.as_path()), None),
            };
            let abs_dir = std::fs::canonicalize(dir.unwrap_or(Path::new(".")))
                .map_err(|e| usage(format!("cannot read `{}`: {e}", p.display())))?;
            let abs = match name {
                Some(n) => abs_dir.join(n),
                None => abs_dir,
            };
            let rel = abs.strip_prefix(&abs_root).map_err(|_| {
                usage(format!(
                    "`{}` is not inside the --root folder `{}`",
                    p.display(),
                    root.display()
                ))
            })?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            if name.is_some() {
                named.files.push(rel);
            } else if rel.is_empty() {
                named.dirs.push(String::new());
            } else {
                named.dirs.push(format!("{rel}/"));
            }
        }
        let head = Repository::open(root).and_then(|r| r.listing("HEAD")).ok();
        named.added = named
            .files
            .iter()
            .filter(|f| head.as_ref().is_none_or(|h| !h.contains_key(f.as_str())))
            .cloned()
            .collect();
        Ok(named)
    }

    fn contains(&self, rel: &str) -> bool {
        self.files.iter().any(|f| f == rel) || self.dirs.iter().any(|d| rel.starts_with(d.as_str()))
    }

    /// Keeps the findings on the named files and on what depends on them (as for a change,
    /// [`GitContext::filter`]). Returns the kept findings and the number of YAML files not
    /// reported on; an error when no named file is among the checked files (each excluded,
    /// ignored or not YAML) unless `allow_empty`, as for a run that checked nothing.
    pub fn filter(
        &self,
        ws: &Workspace,
        diags: Vec<Diagnostic>,
        allow_empty: bool,
    ) -> Result<(Vec<Diagnostic>, usize), crate::error::AppError> {
        let changed: HashSet<String> = ws
            .sources
            .iter()
            .filter(|(_, f)| !f.rel.contains(':') && self.contains(&f.rel))
            .map(|(_, f)| f.rel.clone())
            .collect();
        if changed.is_empty() && !allow_empty {
            let names: Vec<String> = self
                .files
                .iter()
                .chain(&self.dirs)
                .take(5)
                .map(|n| format!("`{}`", crate::report::escape::line(n)))
                .collect();
            return Err(crate::error::AppError::Usage(format!(
                "none of the named files is checked (each is excluded, ignored or not YAML): {}{}; \
                 pass `--allow-empty` to accept an empty run",
                names.join(", "),
                if self.files.len() + self.dirs.len() > 5 {
                    ", …"
                } else {
                    ""
                }
            )));
        }
        let considered = considered(ws, &changed, &self.added);
        let considered_yaml = ws
            .sources
            .iter()
            .filter(|(id, f)| considered.contains(id) && !f.rel.contains(':') && crate::discover::is_manifest(&f.path))
            .count();
        let kept = diags
            .into_iter()
            .filter(|d| considered.contains(&d.primary.span.file))
            .collect();
        Ok((kept, ws.local_files.saturating_sub(considered_yaml)))
    }
}

/// How to read the template repositories behind catalog packages.
pub struct Packages<'a> {
    /// Config `catalog.packages`: package → template repository spec.
    pub specs: &'a std::collections::BTreeMap<String, String>,
    /// The folder relative specs are taken from (the config file's).
    pub dir: &'a Path,
    /// The file size limit.
    pub max_size: u64,
    /// Where remote sources are cached.
    pub cache: &'a crate::external::Cache,
}

/// For a catalog PR: the template repositories behind the entries' packages (config
/// `catalog.packages`), read at the pinned tag (into the sources) and at the base's tag when
/// the PR changes it (into the base documents), plus the existing orders of `--orders`.
pub fn catalog_inputs(
    pr: &mut PrContext,
    files: &[Input],
    base_files: &[Input],
    packages: &Packages<'_>,
    orders: Option<&crate::external::Source>,
) -> Result<(Vec<Input>, Vec<Input>), String> {
    use crate::external::{load, Source};
    let pins = |inputs: &[Input], strip: &str| -> Vec<(String, String, String)> {
        inputs
            .iter()
            .filter_map(|i| {
                let rel = i.rel.strip_prefix(strip).unwrap_or(&i.rel).to_string();
                crate::model::is_catalog_entry(&rel).then_some((rel, i))
            })
            .flat_map(|(rel, i)| {
                crate::external::pinned_packages(std::slice::from_ref(i))
                    .into_iter()
                    .map(move |(p, t)| (rel.clone(), p, t))
            })
            .collect()
    };
    let base_prefix = format!("{}:", pr.base);
    let old_pins = pins(base_files, &base_prefix);
    let mut external = Vec::new();
    let mut base = Vec::new();
    for (entry, package, tag) in pins(files, "") {
        let Some(spec) = packages.specs.get(&package) else {
            continue;
        };
        let new_source = Source::package(spec, &tag, packages.dir);
        let new_label = new_source.label();
        let (tag_exists, new_files) = match load(&new_source, packages.max_size, packages.cache) {
            Ok(f) => (true, f),
            Err(_) => (false, Vec::new()),
        };
        external.extend(new_files);
        let old_tag = old_pins
            .iter()
            .find(|(e, p, _)| *e == entry && *p == package)
            .map(|(_, _, t)| t.clone())
            .filter(|t| *t != tag);
        let mut old_label = None;
        if let Some(old) = &old_tag {
            let old_source = Source::package(spec, old, packages.dir);
            if let Ok(f) = load(&old_source, packages.max_size, packages.cache) {
                old_label = Some(old_source.label());
                base.extend(f);
            }
        }
        pr.packages.push(crate::model::PackageRelease {
            entry,
            package,
            tag,
            old_tag,
            tag_exists,
            new_label,
            old_label,
        });
    }
    if let Some(source) = orders {
        let label = format!("orders:{}", source.label());
        let mut found = load(source, packages.max_size, packages.cache)?;
        for i in &mut found {
            i.rel = format!("orders:{}", i.rel);
        }
        pr.orders_label = Some(label);
        external.extend(found);
    }
    Ok((external, base))
}
