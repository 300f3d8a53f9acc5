//! Finds the files of a root: walks directories (respecting .gitignore, skipping `.git`),
//! reads YAML files with size, binary, UTF-8 and symlink checks, and lists every path for the
//! layout rules. Yields data only; nothing here knows about rules.

use crate::parse::paths::PathSet;
use globset::GlobSet;
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What discovery read for one file.
#[derive(Debug, Clone)]
pub enum InputContent {
    /// A YAML file's text.
    Yaml(Arc<str>),
    /// A non-YAML text file that rules look at (`.gitignore`).
    Text(Arc<str>),
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

/// Default limit for one file (bytes).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Non-YAML files at the root whose text rules read.
/// Non-YAML files some rules read (as text).
pub const TEXT_FILES: &[&str] = &[".gitignore", ".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// What was found under a root.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The files to load into the workspace.
    pub inputs: Vec<Input>,
    /// Every file path (relative), YAML or not.
    pub paths: PathSet,
    /// YAML files found but not read yet ([`discover_unread`]), in walk order.
    pub unread: Vec<Unread>,
    /// The walked directory (unread files are found below it).
    pub root: PathBuf,
    /// The prefix of every relative path.
    pub prefix: String,
    /// Files and folders left out because git ignores them (and does not track them).
    pub ignored: usize,
    /// What `exclude` and git's ignore files left out (paths with the prefix).
    pub left_out: LeftOut,
}

/// The `exclude` globs of the config, matched against the path from the config file's folder
/// (the same base as `per-path-ignores`): `base` is the walked root's path from there (`""`
/// or ending in `/`; empty without a config file or when the root is outside its folder).
#[derive(Clone, Copy)]
pub struct Exclude<'a> {
    /// The globs.
    pub globs: &'a GlobSet,
    /// The walked root's path from the config file's folder.
    pub base: &'a str,
}

impl<'a> From<&'a GlobSet> for Exclude<'a> {
    fn from(globs: &'a GlobSet) -> Self {
        Exclude { globs, base: "" }
    }
}

impl Exclude<'_> {
    /// True when the path `rel` (relative to the walked root) is excluded.
    pub fn is_match(&self, rel: &str) -> bool {
        if self.globs.is_empty() {
            false
        } else if self.base.is_empty() {
            self.globs.is_match(rel)
        } else {
            self.globs.is_match(format!("{}{rel}", self.base))
        }
    }
}

/// What a walk found and did not check: the files `exclude` matched, and the files and
/// folders git ignores (the topmost ignored path; nothing below an ignored folder is
/// listed). Such a path exists: a rule that looks for a file must not call it missing.
#[derive(Debug, Default, Clone)]
pub struct LeftOut {
    /// Files left out by `exclude`, sorted.
    pub excluded: Vec<String>,
    /// Files and folders (a folder ends in `/`) git ignores, sorted.
    pub ignored: Vec<String>,
}

/// Why a path exists but was not checked ([`LeftOut::covers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOutBy {
    /// The config's `exclude`.
    Exclude,
    /// Git's ignore files.
    Ignore,
}

impl LeftOut {
    /// Why the file or folder `rel` (or something below it) was left out, if it was: it
    /// exists, it was only not checked.
    pub fn covers(&self, rel: &str) -> Option<LeftOutBy> {
        let rel = rel.trim_end_matches('/');
        let at_or_below = |list: &[String]| {
            list.binary_search_by(|e| e.trim_end_matches('/').cmp(rel)).is_ok() || {
                let below = format!("{rel}/");
                let i = list.partition_point(|e| e.as_str() < below.as_str());
                list.get(i).is_some_and(|e| e.starts_with(&below))
            }
        };
        if at_or_below(&self.excluded) {
            return Some(LeftOutBy::Exclude);
        }
        // At or below an ignored path, or above one.
        let mut up = rel;
        loop {
            if self
                .ignored
                .binary_search_by(|e| e.trim_end_matches('/').cmp(up))
                .is_ok()
            {
                return Some(LeftOutBy::Ignore);
            }
            match up.rsplit_once('/') {
                Some((parent, _)) => up = parent,
                None => break,
            }
        }
        at_or_below(&self.ignored).then_some(LeftOutBy::Ignore)
    }

    /// Adds the paths of another walk (several roots).
    pub fn extend(&mut self, other: LeftOut) {
        self.excluded.extend(other.excluded);
        self.excluded.sort();
        self.ignored.extend(other.ignored);
        self.ignored.sort();
    }
}

/// A YAML file found by the walk and not read yet.
#[derive(Debug, Clone)]
pub struct Unread {
    /// Its position in [`Discovered::paths`] (its path relative to the root, with the prefix).
    pub idx: usize,
    /// Path on disk when the relative path does not spell it (a name that is not UTF-8); else
    /// it is the root joined with the relative path (a listing of a million files keeps no
    /// string per file).
    pub path: Option<PathBuf>,
    /// Size in bytes when the walk saw it.
    pub size: u64,
}

impl Discovered {
    /// The path relative to the root (with the prefix) of an unread file.
    pub fn rel(&self, u: &Unread) -> &str {
        self.paths.get(u.idx)
    }

    /// The path on disk of an unread file.
    pub fn path_of(&self, u: &Unread) -> PathBuf {
        self.path_at(u, self.rel(u))
    }

    /// The path on disk of an unread file whose relative path is `rel` (for a caller that
    /// moved the listing out).
    pub fn path_at(&self, u: &Unread, rel: &str) -> PathBuf {
        match &u.path {
            Some(p) => p.clone(),
            None => self.root.join(rel.strip_prefix(self.prefix.as_str()).unwrap_or(rel)),
        }
    }

    /// Reads an unread file with the safety checks of [`read_yaml`], taking its size from
    /// the walk (no second `stat`) when the walk took it.
    pub fn read(&self, u: Unread, max_size: u64) -> Input {
        let path = self.path_of(&u);
        Input {
            content: read_yaml_sized(&path, max_size, (u.size > 0).then_some(u.size)),
            rel: self.rel(&u).to_string(),
            path,
        }
    }

    /// Total size of the YAML files not read yet.
    pub fn unread_bytes(&self) -> u64 {
        self.unread.iter().map(|u| u.size).sum()
    }

    /// Reads every YAML file not read yet, in parallel, and returns all inputs in walk order.
    pub fn read_all(mut self, max_size: u64) -> (Vec<Input>, PathSet) {
        let unread = std::mem::take(&mut self.unread);
        let mut inputs = std::mem::take(&mut self.inputs);
        inputs.par_extend(unread.into_par_iter().map(|u| self.read(u, max_size)));
        inputs.par_sort_by(|a, b| walk_order(&a.rel, &b.rel));
        (inputs, self.paths)
    }
}

pub use crate::parse::paths::{is_json, is_manifest, is_yaml, walk_order};

/// Walks `root` (a directory) or reads `root` (a file). `prefix` is prepended to every
/// relative path (empty for a single root).
pub fn discover<'a>(root: &Path, prefix: &str, exclude: impl Into<Exclude<'a>>, max_size: u64) -> Discovered {
    let mut found = discover_unread(root, prefix, exclude, max_size);
    let left_out = std::mem::take(&mut found.left_out);
    let ignored = found.ignored;
    let (inputs, paths) = found.read_all(max_size);
    Discovered {
        inputs,
        paths,
        ignored,
        left_out,
        ..Discovered::default()
    }
}

/// Like [`discover`], but the YAML files are only listed (in `unread`), for a caller that
/// reads the few it needs or reads them in batches (streaming).
pub fn discover_unread<'a>(root: &Path, prefix: &str, exclude: impl Into<Exclude<'a>>, max_size: u64) -> Discovered {
    walk(root, prefix, exclude.into(), max_size, true)
}

/// Like [`discover_unread`], but without the size of each YAML file (`Unread::size` is 0): the
/// walk then reads folders only and never stats a regular file, for changed-files mode, whose
/// git listing stats every file anyway (as `git status` does) and reads the few it needs.
pub fn discover_listing<'a>(root: &Path, prefix: &str, exclude: impl Into<Exclude<'a>>, max_size: u64) -> Discovered {
    walk(root, prefix, exclude.into(), max_size, false)
}

fn walk(root: &Path, prefix: &str, exclude: Exclude<'_>, max_size: u64, sizes: bool) -> Discovered {
    let mut out = Discovered {
        root: root.to_path_buf(),
        prefix: prefix.to_string(),
        ..Discovered::default()
    };
    if root.is_file() {
        let rel = format!("{prefix}{}", root.to_string_lossy().replace('\\', "/"));
        out.paths.push(&rel);
        out.inputs.push(Input {
            rel,
            path: root.to_path_buf(),
            content: read_yaml(root, max_size),
        });
        return out;
    }
    let canon_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    // What git ignores is decided by `gitignore` (as git does: tracked files are never
    // ignored, no `.ignore` files, refused ignore files reported), not by the walker's filters.
    let ignores = std::sync::Arc::new(crate::gitignore::Ignores::new(root));
    let mut builder = ignore::WalkBuilder::new(root);
    let filter = ignores.clone();
    builder
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(move |e| {
            if e.file_name() == ".git" {
                return false;
            }
            let Ok(rel) = e.path().strip_prefix(filter.root()) else {
                return true;
            };
            let rel = rel.to_string_lossy();
            let rel = if rel.contains('\\') {
                rel.replace('\\', "/").into()
            } else {
                rel
            };
            rel.is_empty() || filter.keep(e.path(), &rel, e.file_type().is_some_and(|t| t.is_dir()))
        });
    // Not sorted by the walker (its comparator takes every entry's name apart again per
    // comparison, the walk's largest cost), and walked by several threads, each listing what
    // it visits: the listing is put in walk order once at the end.
    let walk = Walk {
        root,
        prefix,
        exclude,
        canon_root: &canon_root,
        sizes,
    };
    let parts = std::sync::Mutex::new(Vec::new());
    let threads = if sizes { rayon::current_num_threads() } else { 1 };
    if threads == 1 {
        // One thread (changed-files mode reads git on the other meanwhile): no walker threads.
        let mut part = Discovered::default();
        builder.build().for_each(|entry| walk.visit(entry, &mut part));
        parts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(part);
    } else {
        builder.threads(threads).build_parallel().run(|| {
            let mut part = Part {
                found: Discovered::default(),
                into: &parts,
            };
            let walk = &walk;
            Box::new(move |entry| {
                walk.visit(entry, &mut part.found);
                ignore::WalkState::Continue
            })
        });
    }
    for part in parts.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        let offset = out.paths.len();
        for p in part.paths.iter() {
            out.paths.push(p);
        }
        out.unread.extend(part.unread.into_iter().map(|u| Unread {
            idx: u.idx + offset,
            ..u
        }));
        out.inputs.extend(part.inputs);
        out.left_out.excluded.extend(part.left_out.excluded);
    }
    // An ignore file that was not applied is a finding: what it names is checked after all.
    // (The walk itself reports a root `.gitignore` that is not a regular file.)
    for (rel, why) in ignores.problems() {
        let full_rel = format!("{prefix}{rel}");
        let reported = out
            .inputs
            .iter()
            .any(|i| i.rel == full_rel && matches!(i.content, InputContent::Unreadable(_)));
        if !reported {
            out.inputs.push(unreadable(full_rel, &root.join(&rel), why));
        }
    }
    out.ignored = ignores.skipped();
    out.left_out.ignored = ignores
        .skipped_paths()
        .into_iter()
        .map(|p| format!("{prefix}{p}"))
        .collect();
    out.left_out.excluded.sort();
    out.left_out.ignored.sort();
    // Into walk order: the listing, the unread files (by their position in it) and the inputs.
    let (paths, moved) = std::mem::take(&mut out.paths).sorted();
    out.paths = paths;
    if let Some(moved) = moved {
        out.unread.iter_mut().for_each(|u| u.idx = moved[u.idx]);
        out.unread.par_sort_by_key(|u| u.idx);
    }
    out.inputs.par_sort_by(|a, b| walk_order(&a.rel, &b.rel));
    drop_scaffolder_skeletons(&mut out);
    out
}

/// What one walk needs to list an entry.
struct Walk<'a> {
    root: &'a Path,
    prefix: &'a str,
    exclude: Exclude<'a>,
    canon_root: &'a Path,
    sizes: bool,
}

/// What one walking thread listed, handed over when the thread is done with it.
struct Part<'a> {
    found: Discovered,
    into: &'a std::sync::Mutex<Vec<Discovered>>,
}

impl Drop for Part<'_> {
    fn drop(&mut self) {
        let found = std::mem::take(&mut self.found);
        self.into
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(found);
    }
}

impl Walk<'_> {
    /// Lists one entry of the walk into `part` (paths, unread YAML files, inputs).
    fn visit(&self, entry: Result<ignore::DirEntry, ignore::Error>, part: &mut Discovered) {
        let Walk {
            root,
            prefix,
            exclude,
            canon_root,
            sizes,
        } = *self;
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                // A folder or file the walk cannot read is a finding, never a silent gap.
                let (rel, why) = walk_error(&e, root);
                let path = root.join(&rel);
                let what = if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                    WALK_FOLDER
                } else {
                    "cannot be walked"
                };
                part.inputs.push(unreadable(
                    format!("{prefix}{rel}"),
                    &path,
                    format!("{what}: {why}; nothing below it was checked"),
                ));
                return;
            }
        };
        let path = entry.path();
        let Ok(rel_path) = path.strip_prefix(root) else {
            return;
        };
        let lossy = rel_path.to_string_lossy();
        let rel = if lossy.contains('\\') {
            std::borrow::Cow::Owned(lossy.replace('\\', "/"))
        } else {
            lossy
        };
        if rel.is_empty() {
            return;
        }
        let ft = entry.file_type();
        let is_link = ft.is_some_and(|t| t.is_symlink());
        if ft.is_some_and(|t| t.is_dir()) {
            return;
        }
        if exclude.is_match(&rel) {
            part.left_out.excluded.push(format!("{prefix}{rel}"));
            return;
        }
        let full_rel = format!("{prefix}{rel}");
        let yaml = is_manifest(path);
        let text_file = TEXT_FILES.contains(&&*rel);
        // FIFOs, sockets and devices are never opened: reading one can block forever.
        let special = match ft {
            Some(t) if t.is_symlink() => std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()),
            Some(t) => !t.is_file(),
            None => false,
        };
        if special {
            if yaml || text_file {
                part.inputs.push(unreadable(
                    full_rel.clone(),
                    path,
                    "is not a regular file (a FIFO, socket or device); not read".to_string(),
                ));
            }
            part.paths.push(&full_rel);
            return;
        }
        if is_link {
            match std::fs::canonicalize(path) {
                Err(e) => {
                    if yaml {
                        part.inputs.push(unreadable(
                            full_rel.clone(),
                            path,
                            format!("symlink cannot be resolved: {e}"),
                        ));
                    }
                    part.paths.push(&full_rel);
                    return;
                }
                Ok(target) if !target.starts_with(canon_root) => {
                    if yaml {
                        part.inputs.push(unreadable(
                            full_rel.clone(),
                            path,
                            "symlink points outside the checked root; not followed".to_string(),
                        ));
                    }
                    part.paths.push(&full_rel);
                    return;
                }
                Ok(target) if target.is_dir() => return,
                Ok(_) => {}
            }
        }
        let idx = part.paths.push(&full_rel);
        if yaml {
            let size = if !sizes {
                Ok(0)
            } else if is_link {
                std::fs::metadata(path).map(|m| m.len())
            } else {
                entry.metadata().map(|m| m.len()).map_err(std::io::Error::other)
            };
            // The root joined with `rel` is the path, unless the name was not UTF-8.
            let spelled = rel_path.to_str() == Some(&*rel);
            part.unread.push(Unread {
                idx,
                path: (!spelled).then(|| path.to_path_buf()),
                size: size.unwrap_or(0),
            });
        } else if text_file {
            if let Ok(text) = std::fs::read_to_string(path) {
                part.inputs.push(Input {
                    rel: full_rel,
                    path: path.to_path_buf(),
                    content: InputContent::Text(text.into()),
                });
            }
        }
    }
}

/// Skeleton files larger than this are not read (the skeleton rules skip them).
const MAX_SKELETON_FILE: u64 = 256 * 1024;

/// Backstage scaffolder templates keep the files they render under `skeleton/` or `content/`
/// next to `template.yaml` (or `<name>-template.yaml`); those are Nunjucks sources, not YAML,
/// until rendered. They are kept as text (UTF-8 files up to 256 KiB) for the skeleton rules,
/// never parsed.
fn drop_scaffolder_skeletons(out: &mut Discovered) {
    let template_dirs: Vec<String> = out
        .paths
        .iter()
        .filter_map(|p| {
            // `template.yaml`, or a named one such as `score-app-template.yaml`.
            let file = p.rsplit('/').next().unwrap_or(p);
            let named = file == "template.yaml" || file.ends_with("-template.yaml");
            named.then(|| &p[..p.len() - file.len()])
        })
        .map(str::to_string)
        .collect();
    if template_dirs.is_empty() {
        return;
    }
    let skeleton = |rel: &str| {
        template_dirs.iter().any(|d| {
            rel.strip_prefix(d.as_str())
                .is_some_and(|r| r.starts_with("skeleton/") || r.starts_with("content/"))
        })
    };
    out.inputs.retain(|i| !skeleton(&i.rel));
    let paths = &out.paths;
    out.unread.retain(|u| !skeleton(paths.get(u.idx)));
    let texts: Vec<Input> = out
        .paths
        .iter()
        .filter(|rel| skeleton(rel))
        .filter_map(|rel| {
            let path = out.root.join(rel.strip_prefix(out.prefix.as_str()).unwrap_or(rel));
            let meta = std::fs::symlink_metadata(&path).ok()?;
            if !meta.is_file() || meta.len() > MAX_SKELETON_FILE {
                return None;
            }
            let text = std::fs::read_to_string(&path).ok().filter(|t| !t.contains('\0'))?;
            Some(Input {
                rel: rel.to_string(),
                path,
                content: InputContent::Text(text.into()),
            })
        })
        .collect();
    out.inputs.extend(texts);
}

/// How the reason of an unreadable input starts when it is a folder the walk could not list.
pub const WALK_FOLDER: &str = "folder cannot be listed";

/// True when an unreadable input's reason is its content (over the size limit, binary, not
/// UTF-8) rather than the file itself (a special file, a link, a walk error). A `.json` file
/// so refused is not known to be a manifest, and is not reported.
pub fn is_content_problem(reason: &str) -> bool {
    reason.starts_with("file is") || reason.starts_with("binary file") || reason.starts_with("not valid UTF-8")
}

/// True when an unreadable input's reason says it is a folder the walk could not list.
pub fn is_unlisted_folder(reason: &str) -> bool {
    reason.starts_with(WALK_FOLDER)
}

fn unreadable(rel: String, path: &Path, reason: String) -> Input {
    Input {
        rel,
        path: PathBuf::from(path),
        content: InputContent::Unreadable(reason),
    }
}

/// The path (relative to `root`) and the cause of a walk error.
fn walk_error(e: &ignore::Error, root: &Path) -> (String, String) {
    let mut path = None;
    let mut cur = e;
    loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => cur = err,
            _ => break,
        }
    }
    let rel = path
        .as_deref()
        .and_then(|p| p.strip_prefix(root).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    (rel, cur.to_string())
}

/// Reads a YAML file with the safety checks; never panics, never reads more than the limit.
pub fn read_yaml(path: &Path, max_size: u64) -> InputContent {
    read_yaml_sized(path, max_size, None)
}

/// [`read_yaml`] of a file whose size the caller knows (`None`: asked of the open file). The
/// size only picks the message for a file over the limit and the buffer's capacity: reading
/// stops past the limit whatever it says.
fn read_yaml_sized(path: &Path, max_size: u64, size: Option<u64>) -> InputContent {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return InputContent::Unreadable(format!("cannot open: {e}")),
    };
    let len = size.unwrap_or_else(|| file.metadata().map(|m| m.len()).unwrap_or(0));
    if len > max_size {
        return InputContent::Unreadable(format!(
            "file is {} bytes, over the limit of {max_size} bytes (`max-file-size`); not checked",
            len
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    if let Err(e) = file.take(max_size + 1).read_to_end(&mut bytes) {
        return InputContent::Unreadable(format!("cannot read: {e}"));
    }
    if bytes.len() as u64 > max_size {
        return InputContent::Unreadable(format!(
            "file is over the limit of {max_size} bytes (`max-file-size`); not checked"
        ));
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return InputContent::Unreadable("binary file (contains NUL bytes); not checked".into());
    }
    match String::from_utf8(bytes) {
        Ok(text) => InputContent::Yaml(text.into()),
        Err(e) => InputContent::Unreadable(format!(
            "not valid UTF-8 (first invalid byte at offset {}); Kubernetes reads YAML as UTF-8",
            e.utf8_error().valid_up_to()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::{LeftOut, LeftOutBy};

    #[test]
    fn left_out_paths_cover_themselves_what_is_below_and_the_folders_above() {
        let l = LeftOut {
            excluded: vec!["apps/vendor/v.yaml".into(), "rbac.yaml".into()],
            ignored: vec!["README.md".into(), "node_modules/".into()],
        };
        assert_eq!(l.covers("rbac.yaml"), Some(LeftOutBy::Exclude));
        assert_eq!(l.covers("apps/vendor"), Some(LeftOutBy::Exclude));
        assert_eq!(l.covers("apps"), Some(LeftOutBy::Exclude));
        assert_eq!(l.covers("apps/own.yaml"), None);
        assert_eq!(l.covers("rbac"), None);
        assert_eq!(l.covers("README.md"), Some(LeftOutBy::Ignore));
        assert_eq!(l.covers("node_modules"), Some(LeftOutBy::Ignore));
        assert_eq!(l.covers("node_modules/x/package.json"), Some(LeftOutBy::Ignore));
        assert_eq!(l.covers("node_modules-x"), None);
    }
}
