//! The warm index of the editor server (`portalint server`): every file of one root read and
//! parsed once and kept; an edited buffer re-parses that one file, and a check assembles the
//! files asked for with the shared files into an ordinary [`Workspace`] the way a streamed
//! check assembles a batch ([`super::stream`]), so every rule runs unchanged.
//!
//! Which files an edit re-checks: a leaf (an order, an example — a file no rule about another
//! file reads) re-checks itself alone. A shared file (an XRD, a Composition, a kustomization…)
//! re-checks itself and its dependents: for an XRD or a Composition, every file whose objects
//! are of a kind it defines or composes (its XRs: examples and orders) and the definitions of
//! those kinds; for any other shared file, the files of its folder and below. A file whose
//! being shared changes with the edit (a duplicated order key, a new first order of a folder)
//! is re-checked too.

use super::settings::Settings;
use super::stream::{shared_flags, sharing, Sharing};
use super::{load_config, repo_name, repo_named, resolve_policy, run_rules_where, Plan};
use crate::cli::CheckArgs;
use crate::error::AppError;
use crate::model::{self, Class, Evidence, Input, InputContent, Layout, Prepared, Repo, Role, RuleOptions, Workspace};
use crate::parse::paths::PathSet;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::Reach;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A (group, kind) pair.
type Gk = (String, String);

/// One file of the index.
struct File {
    prepared: Prepared,
    sharing: Sharing,
    evidence: Evidence,
    /// The (group, kind) of its objects.
    uses: Vec<Gk>,
    /// What it defines (an XRD: its XR kind and claim kind) or composes (a Composition: its
    /// composite type).
    defines: Vec<Gk>,
}

impl File {
    fn new(prepared: Prepared, paths: &PathSet) -> File {
        let mut evidence = Evidence::default();
        let (mut uses, mut defines) = (Vec::new(), Vec::new());
        let rel = prepared.input.rel.clone();
        let sharing = match &prepared.parsed {
            Some(parsed) => {
                for d in &parsed.docs {
                    let doc = model::classify_doc(crate::parse::source::FileId(0), &rel, d.root.clone());
                    if doc.is_object() {
                        uses.push((doc.group().to_string(), doc.kind.clone()));
                    }
                    match doc.class {
                        Class::Xrd => {
                            let x = model::Xrd(&doc);
                            let claim = x
                                .spec()
                                .and_then(|s| s.path(&["claimNames", "kind"]))
                                .and_then(crate::parse::yaml::Node::as_str);
                            for k in [x.kind(), claim].into_iter().flatten() {
                                if let Some(g) = x.group() {
                                    defines.push((g.to_string(), k.to_string()));
                                }
                            }
                        }
                        Class::Composition => {
                            if let Some((g, _, k)) = (model::Composition { doc: &doc, id: 0 }).type_gvk() {
                                defines.push((g.to_string(), k.to_string()));
                            }
                        }
                        _ => {}
                    }
                }
                sharing(
                    &rel,
                    "",
                    paths,
                    parsed.docs.iter().map(|d| d.root.clone()),
                    &mut evidence,
                )
            }
            None => Sharing::NEEDED,
        };
        File {
            prepared,
            sharing,
            evidence,
            uses,
            defines,
        }
    }

    fn rel(&self) -> &str {
        &self.prepared.input.rel
    }
}

/// The result of checking some files of the index.
pub struct Checked {
    /// The workspace the rules ran on (its sources give every finding's text).
    pub ws: Workspace,
    /// The findings on the checked files, policy applied.
    pub diagnostics: Vec<Diagnostic>,
    /// The checked files (relative paths): a file without a finding here has none.
    pub files: Vec<String>,
}

/// The warm index of one root.
pub struct Warm {
    root: PathBuf,
    repo: Repo,
    profile: Option<bool>,
    options: RuleOptions,
    settings: Settings,
    max_size: u64,
    /// The `--xrds` sources' files, parsed once.
    sources: Vec<Prepared>,
    /// The root's files, in walk order.
    files: Vec<File>,
    by_rel: HashMap<String, usize>,
    paths: Arc<PathSet>,
    evidence: Evidence,
    layout: Option<Layout>,
    /// Whether each file of `files` is shared.
    shared: Vec<bool>,
    file_age_days: BTreeMap<String, u64>,
}

impl Warm {
    /// Reads and parses the root of `args` (its one path, a directory), with the config,
    /// policy and sources a `check` of it would use.
    pub fn open(args: &CheckArgs) -> Result<Warm, AppError> {
        let (cfg, base) = load_config(args)?;
        let policy = resolve_policy(&cfg, base.as_deref())?;
        let plan = Plan::new(args, &cfg, base.as_deref(), policy.as_ref())?;
        let root = plan.roots.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        if !root.is_dir() {
            return Err(AppError::Usage(format!(
                "the server's root `{}` is not a directory",
                root.display()
            )));
        }
        let path_from_config = plan.base.as_ref().and_then(|b| {
            let abs = std::fs::canonicalize(&root).ok()?;
            Some(abs.strip_prefix(b).ok()?.to_string_lossy().replace('\\', "/"))
        });
        // `exclude` globs are paths from the config file's folder, as in `check`.
        let exclude_base = match path_from_config.as_deref() {
            Some(d) if !d.is_empty() => format!("{d}/"),
            _ => String::new(),
        };
        let exclude = crate::discover::Exclude {
            globs: &plan.exclude,
            base: &exclude_base,
        };
        let mut repo = Repo {
            name: repo_name(&root, &plan.cfg),
            named: repo_named(&root, &plan.cfg),
            is_dir: true,
            prefix: String::new(),
            path_from_config,
            ..Repo::default()
        };
        let mut found = crate::discover::discover(&root, "", exclude, plan.max_size);
        repo.left_out = std::sync::Arc::new(std::mem::take(&mut found.left_out));
        let limits = plan.options.limits.yaml();
        let paths = found.paths;
        let files: Vec<File> = {
            use rayon::prelude::*;
            model::prepare(found.inputs.into_iter().map(|i| (i, Role::Local)).collect(), limits)
                .into_par_iter()
                .map(|p| File::new(p, &paths))
                .collect()
        };
        let sources = model::prepare(
            plan.external.iter().cloned().map(|i| (i, Role::Source)).collect(),
            limits,
        );
        let mut warm = Warm {
            root,
            repo,
            profile: plan.profile,
            options: plan.options.clone(),
            settings: plan.settings.clone(),
            max_size: plan.max_size,
            sources,
            files,
            by_rel: HashMap::new(),
            paths: Arc::new(paths),
            evidence: Evidence::default(),
            layout: None,
            shared: Vec::new(),
            file_age_days: BTreeMap::new(),
        };
        warm.reindex();
        let everything = warm.all_files();
        let ws = warm.assemble(&everything.iter().map(String::as_str).collect());
        if ws.repo.onboarding {
            warm.file_age_days = super::catalog_file_ages(&ws, &warm.root);
        }
        Ok(warm)
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every path under the root (YAML or not).
    pub fn paths(&self) -> &PathSet {
        &self.paths
    }

    /// The relative paths of every file of the index, in walk order.
    pub fn all_files(&self) -> Vec<String> {
        self.files.iter().map(|f| f.rel().to_string()).collect()
    }

    /// The text the index holds for `rel` (the buffer's when one is open).
    pub fn text_of(&self, rel: &str) -> Option<&str> {
        let f = &self.files[*self.by_rel.get(rel)?];
        match &f.prepared.input.content {
            InputContent::Yaml(t) | InputContent::Text(t) => Some(&**t),
            InputContent::Unreadable(_) => None,
        }
    }

    /// True when `rel` is in the index and shared (read by rules about other files).
    pub fn is_shared(&self, rel: &str) -> bool {
        self.by_rel.get(rel).is_some_and(|&i| self.shared[i])
    }

    /// The path of `path` relative to the root, `/`-separated; `None` outside the root.
    pub fn rel_of(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let s = rel.to_str()?.replace('\\', "/");
        (!s.is_empty()).then_some(s)
    }

    /// Recomputes what depends on every file: evidence, layout, index of paths, shared set.
    fn reindex(&mut self) {
        // The map moves only when a file comes or goes.
        if self.by_rel.len() != self.files.len()
            || self
                .files
                .iter()
                .enumerate()
                .any(|(i, f)| self.by_rel.get(f.rel()) != Some(&i))
        {
            self.by_rel = self
                .files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.rel().to_string(), i))
                .collect();
        }
        self.evidence = self
            .files
            .iter()
            .fold(Evidence::default(), |e, f| e.merge(f.evidence.clone()));
        self.layout = self.options.orders.layout.forced().or_else(|| {
            model::orders::detect(
                &self.paths,
                self.evidence.kind_folder,
                self.repo.named.then_some(self.repo.name.as_str()),
            )
        });
        self.shared = shared_flags(self.files.iter().map(|f| (f.rel(), f.sharing)), self.layout);
    }

    /// Replaces the text of `rel` with an editor buffer's (`Some`), or with the file on disk
    /// (`None`: the buffer was closed; a file that is not on disk leaves the index). Re-parses
    /// that file only and returns the files to check again, the edited one first. A path that
    /// is neither YAML nor a text file rules read is not indexed: nothing to check.
    pub fn edit(&mut self, rel: &str, text: Option<Arc<str>>) -> Vec<String> {
        let text_file = crate::discover::TEXT_FILES.contains(&rel);
        if !text_file && !crate::discover::is_manifest(Path::new(rel)) {
            return Vec::new();
        }
        let path = self.root.join(rel);
        let content = match text {
            Some(t) if text_file => Some(InputContent::Text(t)),
            Some(t) => Some(InputContent::Yaml(t)),
            None if !path.exists() => None,
            None if text_file => Some(match std::fs::read_to_string(&path) {
                Ok(t) => InputContent::Text(t.into()),
                Err(e) => InputContent::Unreadable(e.to_string()),
            }),
            None => Some(crate::discover::read_yaml(&path, self.max_size)),
        };
        // Whether each file was shared, by path (files may come or go).
        let old_shared: HashMap<String, bool> = self
            .files
            .iter()
            .zip(&self.shared)
            .filter(|(_, &s)| s)
            .map(|(f, _)| (f.rel().to_string(), true))
            .collect();
        let before = self
            .by_rel
            .get(rel)
            .map(|&i| (self.shared[i], self.files[i].defines.clone()));
        let Some(content) = content else {
            // Closed and not on disk: it leaves the index and the paths.
            if let Some(i) = self.by_rel.get(rel).copied() {
                self.files.remove(i);
                self.paths = Arc::new(self.paths.iter().filter(|p| *p != rel).collect());
                self.reindex();
            }
            let mut out = vec![rel.to_string()];
            if let Some((_, defines)) = before {
                out.extend(self.dependents(rel, &defines));
            }
            return dedup(out);
        };
        if !self.paths.contains(rel) {
            let mut paths: PathSet = self.paths.iter().chain(std::iter::once(rel)).collect();
            paths = paths.sorted().0;
            self.paths = Arc::new(paths);
        }
        let input = Input {
            rel: rel.to_string(),
            path,
            content,
        };
        let prepared = model::prepare(vec![(input, Role::Local)], self.options.limits.yaml())
            .pop()
            .expect("one input, one prepared");
        let file = File::new(prepared, &self.paths);
        match self.by_rel.get(rel) {
            Some(&i) => {
                // The shared set, layout and evidence follow from each file's sharing facts and
                // evidence: an edit that keeps both (most edits of a spec) changes none of them.
                let same = self.files[i].sharing == file.sharing && self.files[i].evidence == file.evidence;
                self.files[i] = file;
                if !same {
                    self.reindex();
                }
            }
            None => {
                let at = self
                    .files
                    .partition_point(|f| crate::discover::walk_order(f.rel(), rel) == std::cmp::Ordering::Less);
                self.files.insert(at, file);
                self.reindex();
            }
        }
        let now = self.by_rel[rel];
        // Files (other than the edited one) whose being shared changed.
        let flipped: Vec<String> = self
            .files
            .iter()
            .zip(&self.shared)
            .filter(|(f, &s)| f.rel() != rel && old_shared.contains_key(f.rel()) != s)
            .map(|(f, _)| f.rel().to_string())
            .collect();
        let was = before.as_ref().is_some_and(|(s, _)| *s);
        let mut out = vec![rel.to_string()];
        if !was && !self.shared[now] && flipped.is_empty() {
            return out;
        }
        let mut kinds: Vec<Gk> = self.files[now].defines.clone();
        kinds.extend(before.map(|(_, d)| d).unwrap_or_default());
        out.extend(flipped);
        out.extend(self.dependents(rel, &kinds));
        dedup(out)
    }

    /// The files that depend on the shared file `rel` which defines or composes `kinds`.
    fn dependents(&self, rel: &str, kinds: &[Gk]) -> Vec<String> {
        if kinds.is_empty() {
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            return self
                .files
                .iter()
                .map(File::rel)
                .filter(|r| dir.is_empty() || r.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/')))
                .map(str::to_string)
                .collect();
        }
        let wanted: BTreeSet<&Gk> = kinds.iter().collect();
        self.files
            .iter()
            .filter(|f| f.uses.iter().chain(&f.defines).any(|gk| wanted.contains(gk)))
            .map(|f| f.rel().to_string())
            .collect()
    }

    /// The workspace of the shared files and the files `want` names.
    fn assemble(&self, want: &std::collections::HashSet<&str>) -> Workspace {
        let prepared: Vec<Prepared> = self
            .files
            .iter()
            .zip(&self.shared)
            .filter(|(f, &s)| s || want.contains(f.rel()))
            .map(|(f, _)| f.prepared.clone())
            .chain(self.sources.iter().cloned())
            .collect();
        let mut ws = model::assemble(
            prepared,
            self.paths.clone(),
            None,
            self.repo.clone(),
            self.profile,
            self.options.clone(),
            Some(self.evidence.clone()),
        );
        ws.file_age_days = self.file_age_days.clone();
        ws
    }

    /// Checks `files` (relative paths of the index): the rules run on the shared files and
    /// these, and the findings on these are kept. When they are all leaves, the rules whose
    /// findings are only ever on shared files do not run.
    pub fn check(&self, files: &[String]) -> Result<Checked, AppError> {
        let want: std::collections::HashSet<&str> = files
            .iter()
            .map(String::as_str)
            .filter(|r| self.by_rel.contains_key(*r))
            .collect();
        let leaves_only = want.iter().all(|r| !self.is_shared(r));
        let ws = self.assemble(&want);
        let all = run_rules_where(&ws, &self.settings, |r| !leaves_only || r.meta().reach == Reach::Any)?;
        let diagnostics = all
            .into_iter()
            .filter(|d| want.contains(ws.sources.get(d.primary.span.file).rel.as_str()))
            .collect();
        Ok(Checked {
            ws,
            diagnostics,
            files: files.to_vec(),
        })
    }
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.into_iter().filter(|r| seen.insert(r.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    const XRD: &str = "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\nmetadata:\n  name: dnsrecords.openportal.dev\nspec:\n  group: openportal.dev\n  names:\n    kind: DNSRecord\n    plural: dnsrecords\n  versions:\n    - name: v1alpha1\n      served: true\n      referenceable: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                name:\n                  type: string\n";

    #[test]
    fn a_leaf_edit_checks_itself_and_an_xrd_edit_its_examples() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path();
        write(root, "configuration/xrd.yaml", XRD);
        write(
            root,
            "examples/a.yaml",
            "apiVersion: openportal.dev/v1alpha1\nkind: DNSRecord\nmetadata:\n  name: a\nspec:\n  name: x\n",
        );
        write(root, "README.md", "# r\n");
        let mut warm = Warm::open(&CheckArgs::new(vec![root.to_path_buf()])).expect("open");
        assert!(warm.is_shared("configuration/xrd.yaml"));
        assert!(!warm.is_shared("examples/a.yaml"));
        let leaf = "apiVersion: openportal.dev/v1alpha1\nkind: DNSRecord\nmetadata:\n  name: a\nspec:\n  nme: x\n";
        assert_eq!(warm.edit("examples/a.yaml", Some(leaf.into())), ["examples/a.yaml"]);
        let checked = warm.check(&["examples/a.yaml".to_string()]).expect("check");
        assert!(
            checked.diagnostics.iter().any(|d| d.rule.as_str() == "x-xr-schema"),
            "the buffer's text is checked, not the file's: {:?}",
            checked.diagnostics
        );
        let again = warm.edit("configuration/xrd.yaml", Some(XRD.replace("name:\n", "nme:\n").into()));
        assert_eq!(again, ["configuration/xrd.yaml", "examples/a.yaml"]);
        // A file that is not YAML is not indexed.
        assert!(warm.edit("README.md", Some("x".into())).is_empty());
    }
}
