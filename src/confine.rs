//! Paths that a file of the checked tree names (config `policy`, `xrds`, `catalog.packages`,
//! `orders.clusters`, the files `--fix` writes) are confined to the repository root: an
//! absolute path, a `..` that climbs out, or a symlink whose target lies outside is refused.
//! Paths given on the command line are the user's choice and never pass through here.

use std::path::{Component, Path, PathBuf};

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escape {
    /// An absolute path (or one with a drive or UNC prefix).
    Absolute,
    /// `..` climbs above the root.
    Climbs,
    /// A symlink on the way points outside the root.
    Symlink,
}

impl Escape {
    /// What is wrong, for a message that names the path: "`x` {what}".
    pub fn what(&self) -> &'static str {
        match self {
            Escape::Absolute => "is an absolute path, outside the repository",
            Escape::Climbs => "climbs out of the repository with `..`",
            Escape::Symlink => "goes through a symlink that points outside the repository",
        }
    }
}

/// The root paths are confined to, canonical (symlinks resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    canon: PathBuf,
}

impl Root {
    /// The root at `dir` (which must exist).
    pub fn new(dir: &Path) -> std::io::Result<Root> {
        Ok(Root {
            canon: std::fs::canonicalize(dir)?,
        })
    }

    /// The repository a config file found in `dir` belongs to: the nearest folder at or above
    /// `dir` that holds `.git` (a work tree), else `dir` itself.
    pub fn of_config_dir(dir: &Path) -> std::io::Result<Root> {
        let canon = std::fs::canonicalize(dir)?;
        let top = canon
            .ancestors()
            .find(|a| std::fs::symlink_metadata(a.join(".git")).is_ok())
            .unwrap_or(&canon)
            .to_path_buf();
        Ok(Root { canon: top })
    }

    /// The canonical root folder.
    pub fn path(&self) -> &Path {
        &self.canon
    }

    /// True when the canonical form of `path` (which must exist) lies inside the root.
    pub fn holds(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|c| c.starts_with(&self.canon))
    }

    /// Resolves `spec`, written in a file of folder `base` (inside the root), to a path inside
    /// the root. The path need not exist; the part of it that exists must not leave the root
    /// through a symlink.
    pub fn resolve(&self, base: &Path, spec: &str) -> Result<PathBuf, Escape> {
        let written = Path::new(spec);
        if written.has_root() || written.is_absolute() || spec.starts_with(['/', '\\']) {
            return Err(Escape::Absolute);
        }
        let base = std::fs::canonicalize(base).map_err(|_| Escape::Climbs)?;
        let Ok(inside) = base.strip_prefix(&self.canon) else {
            return Err(Escape::Climbs);
        };
        // Lexically first: `a/../..` must not be judged by where a symlink `a` would lead.
        let mut parts: Vec<std::ffi::OsString> = inside.iter().map(|p| p.to_os_string()).collect();
        for c in written.components() {
            match c {
                Component::Normal(p) => parts.push(p.to_os_string()),
                Component::CurDir => {}
                Component::ParentDir => {
                    if parts.pop().is_none() {
                        return Err(Escape::Climbs);
                    }
                }
                Component::RootDir | Component::Prefix(_) => return Err(Escape::Absolute),
            }
        }
        let path: PathBuf = parts.iter().fold(self.canon.clone(), |p, s| p.join(s));
        // Then physically: the longest existing prefix, symlinks resolved, stays inside.
        let existing = path
            .ancestors()
            .find(|a| std::fs::symlink_metadata(a).is_ok())
            .unwrap_or(&self.canon);
        match std::fs::canonicalize(existing) {
            Ok(c) if c.starts_with(&self.canon) => Ok(path),
            Ok(_) => Err(Escape::Symlink),
            // A dangling symlink: where it points is outside what can be checked.
            Err(_) => Err(Escape::Symlink),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        let tmp = tempfile::tempdir().expect("tmp");
        let repo = tmp.path().join("repo");
        std::fs::create_dir_all(repo.join("a/b")).expect("mkdir");
        std::fs::create_dir_all(tmp.path().join("outside")).expect("mkdir");
        let root = Root::new(&repo).expect("root");
        let a = repo.join("a");
        assert_eq!(root.resolve(&a, "b/x.yaml"), Ok(root.path().join("a/b/x.yaml")));
        assert_eq!(root.resolve(&a, "../y.yaml"), Ok(root.path().join("y.yaml")));
        assert_eq!(
            root.resolve(&a, "./b/../missing/z"),
            Ok(root.path().join("a/missing/z"))
        );
        assert_eq!(root.resolve(&a, "../../outside"), Err(Escape::Climbs));
        assert_eq!(root.resolve(&repo, ".."), Err(Escape::Climbs));
        assert_eq!(root.resolve(&a, "/etc/passwd"), Err(Escape::Absolute));
        assert_eq!(root.resolve(&a, "/"), Err(Escape::Absolute));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("outside"), repo.join("out")).expect("link");
            std::os::unix::fs::symlink("/proc/self/environ", repo.join("env")).expect("link");
            std::os::unix::fs::symlink(repo.join("a/b"), repo.join("in")).expect("link");
            std::os::unix::fs::symlink(repo.join("gone"), repo.join("dangling")).expect("link");
            assert_eq!(root.resolve(&repo, "out"), Err(Escape::Symlink));
            assert_eq!(root.resolve(&repo, "out/new/file.yaml"), Err(Escape::Symlink));
            assert_eq!(root.resolve(&repo, "env"), Err(Escape::Symlink));
            assert_eq!(root.resolve(&repo, "dangling"), Err(Escape::Symlink));
            assert_eq!(root.resolve(&repo, "in/x.yaml"), Ok(root.path().join("in/x.yaml")));
            assert!(!root.holds(&repo.join("out")));
            assert!(root.holds(&repo.join("in")));
        }
    }

    #[test]
    fn a_config_belongs_to_its_work_tree() {
        let tmp = tempfile::tempdir().expect("tmp");
        let repo = tmp.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).expect("mkdir");
        std::fs::create_dir_all(repo.join("sub/dir")).expect("mkdir");
        let root = Root::of_config_dir(&repo.join("sub/dir")).expect("root");
        assert_eq!(root.path(), std::fs::canonicalize(&repo).expect("canon"));
        let plain = tmp.path().join("plain");
        std::fs::create_dir_all(&plain).expect("mkdir");
        // No work tree above: the config's own folder (tmp dirs are not inside a git repo).
        let root = Root::of_config_dir(&plain).expect("root");
        assert!(root.path().ends_with("plain") || root.path().join(".git").exists());
    }
}
