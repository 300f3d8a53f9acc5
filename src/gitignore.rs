//! Which files of a walked tree git ignores, decided as git decides it: the `.gitignore` of
//! every folder from the work tree's top down, then `.git/info/exclude`; a deeper file's
//! patterns win over a shallower one's, and nothing below an ignored folder is re-included.
//! An ignore file only hides files git does not track: a tracked file is in every commit,
//! whatever a `.gitignore` says, so the tree that gets deployed is the tree that gets checked.
//!
//! Only `.gitignore` and `info/exclude` count: git reads no `.ignore` file, and neither do we.
//! An ignore file is read only when it is a regular file (a symlinked `.gitignore` is not
//! followed, as git ≥ 2.32 does not) of at most [`MAX_IGNORE_FILE`] bytes; any other is
//! reported and not applied, so it can neither block the walk (a FIFO) nor exhaust memory.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

/// The largest ignore file applied (real ones are a few KiB; the matcher of a file of
/// distinct patterns costs a few hundred bytes of memory per byte).
pub const MAX_IGNORE_FILE: u64 = 256 * 1024;

/// What applies inside one folder: the ignore files of it and of every folder above it
/// (deepest first), and whether the folder itself is ignored.
#[derive(Default)]
struct Folder {
    chain: Vec<Arc<Gitignore>>,
    ignored: bool,
}

/// The files git tracks, relative to the work tree's top, and every folder holding one.
#[derive(Default)]
struct Tracked {
    files: HashSet<String>,
    dirs: HashSet<String>,
}

/// The ignore rules of one walk: shared by the walking threads.
pub struct Ignores {
    /// The walked root as the walker spells its paths.
    root: PathBuf,
    /// The walked root relative to the work tree's top (`""` at the top, else `dir/`).
    prefix: String,
    /// The git directory, when the root is in a work tree.
    git_dir: Option<PathBuf>,
    /// The work tree's top (the index's paths are relative to it).
    top: Option<PathBuf>,
    /// Per folder (keyed by the walker's path).
    folders: RwLock<HashMap<PathBuf, Arc<Folder>>>,
    tracked: OnceLock<Option<Tracked>>,
    /// Ignore files not applied: (path relative to the root, why).
    problems: Mutex<Vec<(String, String)>>,
    skipped: AtomicUsize,
    /// The paths skipped (relative to the root; a folder ends in `/`).
    skipped_paths: Mutex<Vec<String>>,
}

impl Ignores {
    /// The rules for a walk of `root` (a folder): reads the ignore files above it, up to the
    /// work tree's top, and its own.
    pub fn new(root: &Path) -> Ignores {
        let repo = gix::discover(root).ok().filter(|r| r.workdir().is_some());
        let top = repo
            .as_ref()
            .and_then(|r| r.workdir())
            .and_then(|w| std::fs::canonicalize(w).ok());
        let canon = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let prefix = top
            .as_ref()
            .and_then(|t| canon.strip_prefix(t).ok())
            .map(|rel| match rel.to_string_lossy().replace('\\', "/") {
                s if s.is_empty() => String::new(),
                s => format!("{s}/"),
            })
            .unwrap_or_default();
        let ignores = Ignores {
            root: root.to_path_buf(),
            prefix,
            git_dir: repo.as_ref().map(|r| r.git_dir().to_path_buf()),
            top,
            folders: RwLock::new(HashMap::new()),
            tracked: OnceLock::new(),
            problems: Mutex::new(Vec::new()),
            skipped: AtomicUsize::new(0),
            skipped_paths: Mutex::new(Vec::new()),
        };
        // Above the root: `info/exclude` (lowest), then each folder from the top down.
        let mut above = Folder::default();
        if let Some(git_dir) = &ignores.git_dir {
            if let Some(gi) = ignores.load(&git_dir.join("info").join("exclude"), "", None) {
                above.chain.push(gi);
            }
        }
        if let (Some(top), false) = (&ignores.top, ignores.prefix.is_empty()) {
            let mut dir = top.clone();
            let mut rel = String::new();
            for part in ignores.prefix.trim_end_matches('/').split('/') {
                if let Some(gi) = ignores.load(&dir.join(".gitignore"), &rel, None) {
                    above.chain.insert(0, gi);
                }
                rel.push_str(part);
                rel.push('/');
                dir.push(part);
                above.ignored = above.ignored || above.decide(rel.trim_end_matches('/'), true) == Some(true);
            }
        }
        let folder = ignores.folder_below(&above, root, "", above.ignored);
        ignores.set(root, folder);
        ignores
    }

    /// Reads the ignore file at `path`, whose patterns are relative to the folder `base`
    /// (relative to the top, `""` or `dir/`); `None` when there is none or it is refused.
    fn load(&self, path: &Path, base: &str, report_as: Option<&str>) -> Option<Arc<Gitignore>> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        let refuse = |why: String| {
            if let Some(rel) = report_as {
                self.problems
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push((rel.to_string(), why));
            }
            None
        };
        if meta.file_type().is_symlink() {
            return refuse("this ignore file is a symlink, which git does not follow: not applied".into());
        }
        if !meta.is_file() {
            return refuse(
                "this ignore file is not a regular file (a FIFO, socket or device): not read, not applied".into(),
            );
        }
        if meta.len() > MAX_IGNORE_FILE {
            return refuse(format!(
                "this ignore file is {} bytes, over the limit of {MAX_IGNORE_FILE} bytes: not applied, \
                 so the files it lists are checked",
                meta.len()
            ));
        }
        let bytes = std::fs::read(path).ok()?;
        let text = String::from_utf8_lossy(&bytes);
        let mut builder = GitignoreBuilder::new(base.trim_end_matches('/'));
        for line in text.lines() {
            // A pattern git cannot use either is skipped, as git skips it.
            let _ = builder.add_line(None, line);
        }
        builder.build().ok().filter(|gi| !gi.is_empty()).map(Arc::new)
    }

    fn set(&self, dir: &Path, folder: Folder) {
        self.folders
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(dir.to_path_buf(), Arc::new(folder));
    }

    fn get(&self, dir: &Path) -> Option<Arc<Folder>> {
        self.folders
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(dir)
            .cloned()
    }

    /// The folder state of `dir` (the walker's path, `rel` relative to the root) below
    /// `parent`: its own `.gitignore` first in the chain.
    fn folder_below(&self, parent: &Folder, dir: &Path, rel: &str, ignored: bool) -> Folder {
        let mut chain = Vec::with_capacity(parent.chain.len() + 1);
        let base = format!("{}{rel}{}", self.prefix, if rel.is_empty() { "" } else { "/" });
        let report = if rel.is_empty() {
            ".gitignore".to_string()
        } else {
            format!("{rel}/.gitignore")
        };
        if let Some(gi) = self.load(&dir.join(".gitignore"), &base, Some(&report)) {
            chain.push(gi);
        }
        chain.extend(parent.chain.iter().cloned());
        Folder { chain, ignored }
    }

    /// Whether the walk keeps `path` (a child of a folder it visited; `rel` relative to the
    /// root): false only for an ignored file or folder that git does not track. A kept folder
    /// gets its own rules.
    pub fn keep(&self, path: &Path, rel: &str, is_dir: bool) -> bool {
        let Some(parent) = path.parent().and_then(|p| self.get(p)) else {
            return true;
        };
        let in_top: Cow<'_, str> = if self.prefix.is_empty() {
            Cow::Borrowed(rel)
        } else {
            Cow::Owned(format!("{}{rel}", self.prefix))
        };
        let ignored = parent.ignored || parent.decide(&in_top, is_dir) == Some(true);
        if ignored && !self.is_tracked(&in_top, is_dir) {
            self.skipped.fetch_add(1, Ordering::Relaxed);
            let shown = if is_dir { format!("{rel}/") } else { rel.to_string() };
            self.skipped_paths
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(shown);
            return false;
        }
        if is_dir {
            let folder = self.folder_below(&parent, path, rel, ignored);
            self.set(path, folder);
        }
        true
    }

    fn is_tracked(&self, in_top: &str, is_dir: bool) -> bool {
        let tracked = self.tracked.get_or_init(|| {
            let repo = gix::open(self.git_dir.as_ref()?).ok()?;
            let index = repo.index_or_empty().ok()?;
            let mut t = Tracked::default();
            for entry in index.entries() {
                let path = entry.path(&index).to_string();
                let mut dir = path.as_str();
                while let Some((up, _)) = dir.rsplit_once('/') {
                    if !t.dirs.insert(up.to_string()) {
                        break;
                    }
                    dir = up;
                }
                t.files.insert(path);
            }
            Some(t)
        });
        tracked.as_ref().is_some_and(|t| {
            if is_dir {
                t.dirs.contains(in_top)
            } else {
                t.files.contains(in_top)
            }
        })
    }

    /// How many files and folders were left out because git ignores them.
    pub fn skipped(&self) -> usize {
        self.skipped.load(Ordering::Relaxed)
    }

    /// The paths left out because git ignores them (relative to the root; a folder ends in
    /// `/`), sorted: the topmost ignored path of each, nothing below an ignored folder.
    pub fn skipped_paths(&self) -> Vec<String> {
        let mut p = std::mem::take(
            &mut *self
                .skipped_paths
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        p.sort();
        p
    }

    /// The ignore files not applied: (path relative to the root, why).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut p = std::mem::take(&mut *self.problems.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        p.sort();
        p
    }

    /// The walked root.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Folder {
    /// What the nearest ignore file with a matching pattern says of `in_top` (relative to the
    /// work tree's top): `Some(true)` ignored, `Some(false)` re-included, `None` no pattern.
    fn decide(&self, in_top: &str, is_dir: bool) -> Option<bool> {
        self.chain.iter().find_map(|gi| match gi.matched(in_top, is_dir) {
            Match::None => None,
            Match::Ignore(_) => Some(true),
            Match::Whitelist(_) => Some(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// What the walk keeps, as git's own `git ls-files --others --exclude-standard` plus the
    /// tracked files would list them.
    fn kept(root: &Path) -> Vec<String> {
        let ignores = Arc::new(Ignores::new(root));
        let filter = ignores.clone();
        let root_owned = root.to_path_buf();
        let mut out = Vec::new();
        let walk = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .filter_entry(move |e| {
                if e.file_name() == ".git" {
                    return false;
                }
                let rel = e
                    .path()
                    .strip_prefix(&root_owned)
                    .expect("under root")
                    .to_string_lossy()
                    .into_owned();
                rel.is_empty() || filter.keep(e.path(), &rel, e.file_type().is_some_and(|t| t.is_dir()))
            })
            .build();
        for e in walk.flatten() {
            if e.file_type().is_some_and(|t| t.is_file()) {
                out.push(e.path().strip_prefix(root).expect("rel").to_string_lossy().into_owned());
            }
        }
        out.sort();
        out
    }

    fn git_lists(root: &Path) -> Vec<String> {
        let run = |args: &[&str]| {
            let o = std::process::Command::new("git")
                .args(args)
                .current_dir(root)
                .output()
                .expect("git");
            String::from_utf8(o.stdout).expect("utf8")
        };
        let mut all: Vec<String> = run(&["ls-files"])
            .lines()
            .chain(run(&["ls-files", "--others", "--exclude-standard"]).lines())
            .map(str::to_string)
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// Nested `.gitignore`s, negation, an ignored folder with a re-include that git does not
    /// honour, `info/exclude`, and a tracked file that a later `.gitignore` matches: the walk
    /// keeps exactly what git lists (tracked plus untracked-not-ignored).
    #[test]
    fn the_walk_keeps_what_git_lists() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path();
        git(root, &["init", "-q"]);
        write(root, "tracked.yaml", "a: 1\n");
        write(root, "build/tracked.yaml", "a: 1\n");
        git(root, &["add", "."]);
        git(root, &["commit", "-qm", "x"]);
        write(root, ".gitignore", "*.tmp.yaml\nbuild/\ntracked.yaml\n/top-only.yaml\n");
        write(root, "a.tmp.yaml", "");
        write(root, "top-only.yaml", "");
        write(root, "sub/top-only.yaml", "");
        write(root, "sub/.gitignore", "!keep.tmp.yaml\nlocal.yaml\n");
        write(root, "sub/keep.tmp.yaml", "");
        write(root, "sub/drop.tmp.yaml", "");
        write(root, "sub/local.yaml", "");
        write(root, "sub/deeper/local.yaml", "");
        write(root, "build/new.yaml", "");
        write(root, "build/.gitignore", "!new.yaml\n");
        write(root, "excluded.yaml", "");
        write(root, ".git/info/exclude", "excluded.yaml\n");
        write(root, "plain.yaml", "");
        write(root, ".ignore", "plain.yaml\n");
        let ours = kept(root);
        assert_eq!(ours, git_lists(root));
        assert!(ours.contains(&"tracked.yaml".to_string()) && ours.contains(&"plain.yaml".to_string()));
        assert!(!ours.contains(&"build/new.yaml".to_string()) && ours.contains(&"build/tracked.yaml".to_string()));
    }

    /// Checking a subfolder: the `.gitignore` files above it still apply, as in git.
    #[test]
    fn ignore_files_above_the_root_apply() {
        let tmp = tempfile::tempdir().expect("tmp");
        let top = tmp.path();
        git(top, &["init", "-q"]);
        write(top, ".gitignore", "gen/\n*.out.yaml\n");
        write(top, "app/a.yaml", "");
        write(top, "app/b.out.yaml", "");
        write(top, "app/gen/c.yaml", "");
        assert_eq!(kept(&top.join("app")), vec!["a.yaml".to_string()]);
    }

    /// An ignore file that is a FIFO, a symlink or over the size limit is reported and not
    /// applied (the files it names are checked); the walk does not block on the FIFO.
    #[test]
    fn refused_ignore_files_are_reported() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path();
        write(root, "big/.gitignore", &"x.yaml\n".repeat(40_000));
        write(root, "big/x.yaml", "");
        write(root, "target.txt", "link.yaml\n");
        write(root, "link/link.yaml", "");
        std::os::unix::fs::symlink("../target.txt", root.join("link/.gitignore")).expect("symlink");
        write(root, "fifo/f.yaml", "");
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("fifo/.gitignore"))
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let ignores = Ignores::new(root);
        for (dir, file) in [("big", "x.yaml"), ("link", "link.yaml"), ("fifo", "f.yaml")] {
            let d = root.join(dir);
            assert!(ignores.keep(&d, dir, true));
            assert!(ignores.keep(&d.join(file), &format!("{dir}/{file}"), false));
        }
        let problems = ignores.problems();
        let names: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["big/.gitignore", "fifo/.gitignore", "link/.gitignore"]);
        assert!(problems[0].1.contains("over the limit"), "{problems:?}");
        assert!(problems[1].1.contains("FIFO"), "{problems:?}");
        assert!(problems[2].1.contains("symlink"), "{problems:?}");
    }
}
