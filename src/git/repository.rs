//! A git repository opened at the checked root, read with gix.

use super::Listing;
use crate::parse::text::code;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The largest blob read as the base side of a comparison (changed lines, removed fields):
/// ten times the default `max-file-size`. A larger base version counts as unreadable.
pub const BLOB_LIMIT: u64 = 10 * crate::discover::DEFAULT_MAX_FILE_SIZE;

/// A repository opened at the checked root.
pub struct Repository {
    repo: gix::Repository,
    /// The checked root relative to the work tree (`""` at the top, else `dir/`).
    prefix: String,
    /// The path it was opened at (for messages).
    path: PathBuf,
}

impl Repository {
    /// Opens the repository containing `root`.
    pub fn open(root: &Path) -> Result<Repository, String> {
        let repo = gix::discover(root)
            .map_err(|e| format!("{code0} is not in a git repository: {e}", code0 = code(&root.display())))?;
        // A bare repository has no work tree: the checked root is all of its tree.
        let rel = match repo.workdir() {
            None => PathBuf::new(),
            Some(work) => {
                let abs_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
                let abs_work = std::fs::canonicalize(work).unwrap_or_else(|_| work.to_path_buf());
                abs_root
                    .strip_prefix(&abs_work)
                    .map(Path::to_path_buf)
                    .unwrap_or_default()
            }
        };
        let prefix = match rel.to_string_lossy().replace('\\', "/") {
            s if s.is_empty() => String::new(),
            s => format!("{s}/"),
        };
        Ok(Repository {
            repo,
            prefix,
            path: root.to_path_buf(),
        })
    }

    /// Opens the repository (bare or not) at `path`, all of its tree.
    pub fn at(path: &Path) -> Result<Repository, String> {
        let repo = gix::open(path)
            .map_err(|e| format!("cannot open git repository {code0}: {e}", code0 = code(&path.display())))?;
        Ok(Repository {
            repo,
            prefix: String::new(),
            path: path.to_path_buf(),
        })
    }

    fn tree(&self, rev: &str) -> Result<gix::Tree<'_>, String> {
        let at = self.path.display();
        self.repo
            .rev_parse_single(rev)
            .map_err(|e| {
                format!(
                    "{code0} is not a revision of {code1}: {e}",
                    code0 = code(&rev),
                    code1 = code(&at)
                )
            })?
            .object()
            .map_err(|e| {
                format!(
                    "cannot read {code0} of {code1}: {e}",
                    code0 = code(&rev),
                    code1 = code(&at)
                )
            })?
            .peel_to_tree()
            .map_err(|e| {
                format!(
                    "{code0} of {code1} has no tree: {e}",
                    code0 = code(&rev),
                    code1 = code(&at)
                )
            })
    }

    /// Every entry of the tree at `rev`.
    fn entries(&self, rev: &str) -> Result<Vec<gix::traverse::tree::recorder::Entry>, String> {
        let tree = self.tree(rev)?;
        let mut recorder = gix::traverse::tree::Recorder::default();
        tree.traverse()
            .breadthfirst(&mut recorder)
            .map_err(|e| format!("cannot read the tree of {code0}: {e}", code0 = code(&rev)))?;
        Ok(recorder.records)
    }

    /// Every file below the checked root at `rev`, with its blob id.
    pub fn listing(&self, rev: &str) -> Result<Listing, String> {
        Ok(self
            .entries(rev)?
            .into_iter()
            .filter(|e| e.mode.is_blob())
            .filter_map(|e| {
                let p = e.filepath.to_string();
                p.strip_prefix(&self.prefix).map(|r| (r.to_string(), e.oid))
            })
            .collect())
    }

    /// The entries below the checked root at `rev` that are not regular files: symlinks,
    /// executable files and submodules (`listing` leaves out the first and last), with their
    /// kind (`symlink`, `executable file`, `submodule`) and object id.
    pub fn special_entries(&self, rev: &str) -> Result<BTreeMap<String, (&'static str, gix::ObjectId)>, String> {
        Ok(self
            .entries(rev)?
            .into_iter()
            .filter_map(|e| {
                let kind = if e.mode.is_link() {
                    "symlink"
                } else if e.mode.is_executable() {
                    "executable file"
                } else if e.mode.is_commit() {
                    "submodule"
                } else {
                    return None;
                };
                let p = e.filepath.to_string();
                p.strip_prefix(&self.prefix).map(|r| (r.to_string(), (kind, e.oid)))
            })
            .collect())
    }

    /// The text of a blob of at most [`BLOB_LIMIT`] bytes (`None` when it is larger, not UTF-8
    /// or cannot be read): the base side of a comparison, never checked itself.
    pub fn text(&self, id: gix::ObjectId) -> Option<String> {
        self.read_text(id, BLOB_LIMIT).ok()
    }

    /// The text of a blob of at most `max_size` bytes, or why it cannot be checked. The size
    /// comes from the object's header, so a larger blob is refused before it is inflated.
    pub fn read_text(&self, id: gix::ObjectId, max_size: u64) -> Result<String, String> {
        let header = self
            .repo
            .find_header(id)
            .map_err(|e| format!("cannot read blob: {e}"))?;
        if header.size() > max_size {
            return Err(format!("file is over the limit of {max_size} bytes; not checked"));
        }
        let obj = self
            .repo
            .find_object(id)
            .map_err(|e| format!("cannot read blob: {e}"))?;
        String::from_utf8(obj.detach().data).map_err(|_| "not valid UTF-8".to_string())
    }

    /// Reads the index now (its checksum is verified over the whole file), so that
    /// [`Repository::worktree_listing`] finds it loaded: a caller can do this while it walks
    /// the work tree. Later reads only check that the file did not change.
    pub fn load_index(&self) {
        let _ = self.repo.index_or_empty();
    }

    /// The working tree as a listing: each `(path, content)` (relative to the checked root
    /// `root`) as a git blob id. A file whose stat data matches its index entry (and is not
    /// racily clean) has the index's id and is not read, as in `git status`; others are hashed
    /// from `content` when already read, else read from disk. One `lstat` per file.
    pub fn worktree_listing(&self, root: &Path, files: &[(&str, Option<&[u8]>)]) -> Listing {
        use gix::index::entry::{stat, Stat};
        let kind = self.repo.object_hash();
        let index = self.repo.index_or_empty().ok();
        // git's defaults: mtime and ctime (whole seconds), size, inode, uid and gid.
        let opts = stat::Options::default();
        // The index file itself (the repository handle is not shared across threads).
        let index: Option<&gix::index::File> = index.as_deref().map(|snapshot| &**snapshot);
        let prefix = self.prefix.as_str();
        let unchanged = |rel: &str, path: &Path| -> Option<gix::ObjectId> {
            let index = index?;
            let in_repo: std::borrow::Cow<'_, str> = if prefix.is_empty() {
                rel.into()
            } else {
                format!("{prefix}{rel}").into()
            };
            let entry = index.entry_by_path(in_repo.as_ref().into())?;
            let now = Stat::from_fs(&gix::index::fs::Metadata::from_path_no_follow(path).ok()?).ok()?;
            (entry.stat.matches(&now, opts) && !entry.stat.is_racy(index.timestamp(), opts)).then_some(entry.id)
        };
        use rayon::prelude::*;
        files
            .par_iter()
            .filter_map(|&(rel, content)| {
                let path = root.join(rel);
                if let Some(id) = unchanged(rel, &path) {
                    return Some((rel.to_string(), id));
                }
                let id = match content {
                    Some(data) => gix::objs::compute_hash(kind, gix::objs::Kind::Blob, data).ok()?,
                    // Not read by the walk (over the size limit, or not a checked file): hashed
                    // as a stream, never held in memory whole.
                    None => {
                        // Only a regular file (or a link to one): opening a FIFO would block.
                        if !std::fs::metadata(&path).ok()?.is_file() {
                            return None;
                        }
                        let file = std::fs::File::open(&path).ok()?;
                        let len = file.metadata().ok()?.len();
                        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
                        gix::objs::compute_stream_hash(
                            kind,
                            gix::objs::Kind::Blob,
                            &mut reader,
                            len,
                            &mut gix::progress::Discard,
                            &std::sync::atomic::AtomicBool::new(false),
                        )
                        .ok()?
                    }
                };
                Some((rel.to_string(), id))
            })
            .collect()
    }

    /// The commit `rev` resolves to.
    pub fn commit(&self, rev: &str) -> Result<gix::ObjectId, String> {
        let at = self.path.display();
        self.repo
            .rev_parse_single(rev)
            .map_err(|e| {
                format!(
                    "{code0} is not a revision of {code1}: {e}",
                    code0 = code(&rev),
                    code1 = code(&at)
                )
            })?
            .object()
            .and_then(|o| Ok(o.peel_to_commit()?.id))
            .map_err(|e| {
                format!(
                    "{code0} of {code1} is not a commit: {e}",
                    code0 = code(&rev),
                    code1 = code(&at)
                )
            })
    }

    /// The best common ancestor of two commits (`None` when the histories are unrelated).
    pub fn merge_base(&self, a: gix::ObjectId, b: gix::ObjectId) -> Result<Option<gix::ObjectId>, String> {
        match self.repo.merge_base(a, b) {
            Ok(Some(id)) => Ok(Some(id.detach())),
            Ok(None) => Ok(None),
            Err(e) => Err(format!("cannot find the merge base of {a} and {b}: {e}")),
        }
    }

    /// When each of `paths` (relative to the checked root) first appeared in the history that
    /// `HEAD`'s first parents trace: the commit time (Unix seconds) of the oldest commit from
    /// which the file exists without interruption up to `HEAD`. Looks at most `max_commits`
    /// commits; paths not in `HEAD` are left out.
    pub fn first_seen(&self, paths: &[String], max_commits: usize) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        let Ok(head) = self.repo.head_commit() else { return out };
        let mut open: Vec<&String> = paths.iter().collect();
        let mut next = Some(head.id);
        for _ in 0..max_commits {
            let Some(id) = next else { break };
            let Ok(commit) = self.repo.find_commit(id) else { break };
            let (Ok(time), Ok(tree)) = (commit.time(), commit.tree()) else {
                break;
            };
            open.retain(|p| {
                let full = format!("{}{p}", self.prefix);
                match tree.lookup_entry_by_path(full.as_str()) {
                    Ok(Some(_)) => {
                        out.insert((*p).clone(), time.seconds);
                        true
                    }
                    _ => false,
                }
            });
            if open.is_empty() {
                break;
            }
            next = commit.parent_ids().next().map(|p| p.detach());
        }
        out
    }

    /// Tag names pointing at the commit `rev` resolves to.
    pub fn tags_at(&self, rev: &str) -> Vec<String> {
        let Ok(target) = self
            .repo
            .rev_parse_single(rev)
            .and_then(|id| Ok(id.object()?.peel_to_commit()?.id))
        else {
            return Vec::new();
        };
        self.tags()
            .into_iter()
            .filter(|(_, c)| *c == target)
            .map(|(n, _)| n)
            .collect()
    }

    /// All tags with the commit they point at (annotated tags peeled).
    pub fn tags(&self) -> Vec<(String, gix::ObjectId)> {
        let Ok(refs) = self.repo.references() else {
            return Vec::new();
        };
        let Ok(tags) = refs.tags() else { return Vec::new() };
        tags.flatten()
            .filter_map(|mut r| {
                let name = r.name().shorten().to_string();
                let commit = r.peel_to_commit().ok()?.id;
                Some((name, commit))
            })
            .collect()
    }
}
