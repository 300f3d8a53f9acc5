//! A streamed check of a root too large to hold in memory at once (`--stream-above`).
//!
//! Two passes. The **scan** reads and parses the YAML files in chunks of `--batch-size` bytes,
//! keeps a few facts per file (whether rules about other files may look at it, the key of its
//! named object, how many documents it holds, and what it says about the repository,
//! [`Evidence`]) and appends the text to a temporary spool file. From the facts the files are
//! split into the **shared** set and the **leaves**. Shared are the files a rule on another
//! file may read: definitions (XRDs, Compositions, packages, kustomizations, …), files looked
//! up by path, ManagedNamespace orders, the first order under each folder (rules that report
//! once per cluster or namespace folder report there), every order whose key another order
//! repeats, files of several named documents, and unreadable files. Everything else — the bulk
//! of an orders repository — is a leaf.
//!
//! The **check** parses the shared set once and checks the leaves in batches of
//! `--batch-size` bytes read back from the spool in one sequential read each (opening every
//! small file a second time costs as much as the whole scan), each batch assembled with the
//! shared set into an ordinary [`Workspace`](crate::model::Workspace) in walk order, so every
//! rule runs unchanged. A finding is kept from the batch that holds its file (findings on
//! shared files from the first batch, and rules whose findings are only ever on shared files,
//! [`Reach::Shared`], run with the first batch only); a batch's trees and texts are dropped
//! once its findings are located: a finding on a leaf keeps a handle that reads the file's
//! text back from the spool ([`Spooled`]; from disk without one) when its excerpt is cut at
//! render, not the text. A streamed check therefore reports exactly what an in-memory one
//! does (`tests/stream.rs` compares both on every fixture and on the corpus).
//!
//! Memory is the shared set, one batch, and about 120 bytes per file for the listing and the
//! facts; the spool takes the YAML bytes on disk in the temporary directory and is deleted
//! when the check ends. Without a writable temporary directory the files are read again.

use super::run_rules_where;
use crate::discover::{read_yaml, walk_order, Discovered};
use crate::engine::settings::Settings;
use crate::error::AppError;
use crate::model::{self, Class, Evidence, Input, InputContent, Layout, Prepared, Repo, Role, RuleOptions};
use crate::parse::source::FileId;
use crate::report::{self, Located, ReadText};
use crate::rules::Reach;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a streamed check of one root needs besides its files.
pub struct Job<'a> {
    /// The root directory.
    pub root: &'a Path,
    /// The root's facts known before reading (name, prefix, …).
    pub repo: Repo,
    /// The profile override (`None`: detect).
    pub profile: Option<bool>,
    /// Rule options.
    pub options: &'a RuleOptions,
    /// The `--xrds` sources' files.
    pub external: &'a [Input],
    /// Which rules run, at which level.
    pub settings: &'a Settings,
    /// `max-file-size`.
    pub max_size: u64,
    /// YAML bytes per chunk of the scan and per batch of the check.
    pub batch_size: u64,
    /// The CRDs of `--crds`.
    pub crds: std::sync::Arc<crate::model::rendered::Crds>,
    /// `--render`: orders are rendered too.
    pub render: bool,
}

/// What the scan keeps of one YAML file (32 bytes).
#[derive(Debug, Default, Clone, Copy)]
struct Facts {
    /// Hash of the (group, kind, namespace, name) of its named object; 0 when it has none.
    key: u64,
    /// Where its text starts in the spool.
    at: u64,
    /// Its size in bytes (as read).
    len: u32,
    /// Documents in the file (saturating).
    docs: u16,
    /// A rule about another file may read it: it is checked with every batch.
    needed: bool,
    /// It holds an object of a group beyond Kubernetes' own ([`Sharing::xr`]).
    xr: bool,
    /// Its text is in the spool.
    spooled: bool,
}

/// The texts of the scanned files, in one temporary file read back in large sequential reads.
struct Spool {
    file: std::fs::File,
    path: PathBuf,
    len: u64,
}

impl Spool {
    fn create() -> std::io::Result<Spool> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("portalint-spool-{}-{nanos}", std::process::id());
        let path = std::env::temp_dir().join(name);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        // Unlinked at once where the open handle keeps it readable: nothing is left behind,
        // even when the process is killed.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&path);
        Ok(Spool { file, path, len: 0 })
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<u64> {
        (&self.file).write_all(bytes)?;
        let at = self.len;
        self.len += bytes.len() as u64;
        Ok(at)
    }

    fn read(&self, at: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0; len];
        #[cfg(unix)]
        std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut buf, at)?;
        #[cfg(not(unix))]
        {
            use std::io::{Read, Seek, SeekFrom};
            let mut f = &self.file;
            f.seek(SeekFrom::Start(at))?;
            f.read_exact(&mut buf)?;
        }
        Ok(buf)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The result of the scan: the listing, the facts and the spool.
pub struct Scan {
    /// The listing: the YAML files (`unread`, walk order), and the non-YAML inputs
    /// (CODEOWNERS, `.gitignore`) and unreadable links (`inputs`).
    found: Discovered,
    /// Every path (moved out of `found`: every batch's workspace shares it).
    paths: Arc<crate::parse::paths::PathSet>,
    /// Facts of `found.unread[i]`.
    facts: Vec<Facts>,
    /// Shared with the findings' excerpt handles ([`Spooled`]): kept while one lives.
    spool: Option<Arc<Spool>>,
    /// What every document together says about the repository.
    pub evidence: Evidence,
    /// The orders layout (configured or detected from every file).
    pub layout: Option<Layout>,
}

/// Findings and totals of a streamed root.
#[derive(Debug, Default)]
pub struct Checked {
    /// Findings, located.
    pub located: Vec<Located>,
    /// YAML files read.
    pub files: usize,
    /// Documents parsed.
    pub documents: usize,
    /// Batches checked.
    pub batches: usize,
    /// Files in the shared set.
    pub shared: usize,
    /// Catalog quality per BU repository (from the first batch, which holds every entity).
    pub quality: Vec<crate::model::onboarding::RepoQuality>,
    /// What the walk left out (set by the caller that walked).
    pub left_out: std::sync::Arc<crate::discover::LeftOut>,
}

impl Scan {
    /// Every path under the root.
    pub fn paths(&self) -> &crate::parse::paths::PathSet {
        &self.paths
    }

    fn rel(&self, i: usize) -> &str {
        self.paths.get(self.found.unread[i].idx)
    }

    fn path(&self, i: usize) -> PathBuf {
        self.found.path_at(&self.found.unread[i], self.rel(i))
    }

    /// Where the excerpts of findings on file `i` (its text `size` bytes) read it back.
    fn text_handle(&self, i: usize, size: u64) -> report::Source {
        let f = self.facts[i];
        match &self.spool {
            Some(spool) if f.spooled => report::Source::reader(Arc::new(Spooled {
                spool: spool.clone(),
                at: f.at,
                len: u64::from(f.len),
            })),
            _ => report::Source::reader(Arc::new(OnDisk {
                path: self.path(i),
                len: size,
            })),
        }
    }
}

/// A leaf's text in the spool, read back when an excerpt is cut.
struct Spooled {
    spool: Arc<Spool>,
    at: u64,
    len: u64,
}

impl ReadText for Spooled {
    fn size(&self) -> u64 {
        self.len
    }

    fn read(&self, start: u64, end: u64) -> std::io::Result<Vec<u8>> {
        let end = end.min(self.len);
        let start = start.min(end);
        self.spool.read(self.at + start, (end - start) as usize)
    }
}

/// A leaf's text without a spool: the file, read again (as the check does).
struct OnDisk {
    path: PathBuf,
    len: u64,
}

impl ReadText for OnDisk {
    fn size(&self) -> u64 {
        self.len
    }

    fn read(&self, start: u64, end: u64) -> std::io::Result<Vec<u8>> {
        use std::io::{Read, Seek, SeekFrom};
        let end = end.min(self.len);
        let start = start.min(end);
        let mut f = std::fs::File::open(&self.path)?;
        f.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((end - start) as usize);
        f.take(end - start).read_to_end(&mut buf)?;
        Ok(buf)
    }
}

/// True for the paths (relative to the root) that rules look files up by.
fn looked_up_by_path(rel: &str) -> bool {
    !rel.contains('/')
        || model::is_kustomization_file(rel)
        || model::is_catalog_entry(rel)
        || rel.starts_with(".github/")
        || rel.starts_with("configuration/")
        || rel == "tests/functions.yaml"
}

fn key_hash(group: &str, kind: &str, namespace: &str, name: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (group, kind, namespace, name).hash(&mut h);
    h.finish().max(1)
}

/// Splits `items` into runs of about `size` bytes (at least one item each).
fn chunks<T>(items: &[T], size: u64, bytes: impl Fn(&T) -> u64) -> Vec<&[T]> {
    let mut out = Vec::new();
    let (mut start, mut acc) = (0, 0u64);
    for (i, item) in items.iter().enumerate() {
        acc += bytes(item).max(1);
        if acc >= size {
            out.push(&items[start..=i]);
            start = i + 1;
            acc = 0;
        }
    }
    if start < items.len() {
        out.push(&items[start..]);
    }
    out
}

fn facts_of(
    rel: &str,
    content: &InputContent,
    prefix: &str,
    paths: &crate::parse::paths::PathSet,
    limits: crate::parse::yaml::Limits,
) -> (Facts, Evidence) {
    let mut evidence = Evidence::default();
    let InputContent::Yaml(text) = content else {
        let needed = Facts {
            needed: true,
            ..Facts::default()
        };
        return (needed, evidence);
    };
    let docs = crate::parse::yaml::parse_with(text, limits).docs;
    let s = sharing(rel, prefix, paths, docs.into_iter().map(|d| d.root), &mut evidence);
    let facts = Facts {
        key: s.key,
        len: text.len() as u32,
        docs: s.docs,
        needed: s.needed,
        xr: s.xr,
        ..Facts::default()
    };
    (facts, evidence)
}

/// What decides whether a YAML file is shared (see the module docs): computed from its
/// parsed documents by [`sharing`], by the streamed check and by the editor server's index.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sharing {
    /// Hash of the (group, kind, namespace, name) of its named object; 0 when it has none.
    pub key: u64,
    /// Documents in the file (saturating).
    pub docs: u16,
    /// A rule about another file may read it: it is shared whatever the other files are.
    pub needed: bool,
    /// It holds an object of a group beyond Kubernetes' own: maybe an XR, which the render
    /// stage renders with the (shared) Compositions, so with the first batch, unless it is an
    /// order (each batch renders its own with `--render`).
    pub xr: bool,
}

impl Sharing {
    /// A file that is not YAML (CODEOWNERS, `.gitignore`) or could not be read: always shared.
    pub const NEEDED: Sharing = Sharing {
        key: 0,
        docs: 0,
        needed: true,
        xr: false,
    };
}

/// The [`Sharing`] of the YAML file at `rel` from its documents' roots, adding what they say
/// about the repository to `evidence`.
pub fn sharing(
    rel: &str,
    prefix: &str,
    paths: &crate::parse::paths::PathSet,
    roots: impl Iterator<Item = Arc<crate::parse::yaml::Node>>,
    evidence: &mut Evidence,
) -> Sharing {
    let local = rel.strip_prefix(prefix).unwrap_or(rel);
    let mut facts = Sharing {
        // innominatus providers, golden paths and the admin config are read across files.
        needed: looked_up_by_path(local) || model::innominatus::is_innominatus_file(local),
        ..Sharing::default()
    };
    for root in roots {
        let doc = model::classify_doc(FileId(0), rel, root);
        evidence.add(&doc, rel, prefix, paths);
        facts.docs = facts.docs.saturating_add(1);
        // Backstage entities are resolved across files (references, duplicates, group trees).
        // Any object of a group beyond Kubernetes' own may be an XR (an XRD of the root
        // defines it, `example.crossplane.io` included).
        let g = doc.group();
        facts.xr |= doc.class == Class::Other
            && doc.is_object()
            && !(g.is_empty()
                || g.ends_with(".k8s.io")
                || matches!(g, "apps" | "batch" | "policy" | "autoscaling" | "extensions"));
        facts.needed |= doc.class != Class::Other
            || doc.kind == "ManagedNamespace"
            || model::backstage::is_entity(&doc)
            || model::innominatus::is_workflow(&doc);
        if let Some(name) = doc.name() {
            let ns = doc.root.str_at(&["metadata", "namespace"]).unwrap_or("");
            // One key per file; a file of several named objects is shared.
            facts.needed |= facts.key != 0;
            facts.key = key_hash(doc.group(), &doc.kind, ns, name);
        }
    }
    facts
}

/// Reads and parses every YAML file, a chunk at a time, keeping their facts and spooling
/// their texts.
pub fn scan(mut found: Discovered, job: &Job<'_>) -> Scan {
    let mut spool = Spool::create().ok();
    let mut facts = Vec::with_capacity(found.unread.len());
    let mut evidence = Evidence::default();
    for chunk in chunks(&found.unread, job.batch_size, |u| u.size) {
        let part: Vec<(InputContent, Facts, Evidence)> = chunk
            .par_iter()
            .map(|u| {
                let content = read_yaml(&found.path_of(u), job.max_size);
                let (f, e) = facts_of(
                    found.rel(u),
                    &content,
                    &found.prefix,
                    &found.paths,
                    job.options.limits.yaml(),
                );
                (content, f, e)
            })
            .collect();
        let mut buf = Vec::new();
        let start = facts.len();
        for (content, mut f, e) in part {
            if let InputContent::Yaml(text) = content {
                f.at = buf.len() as u64;
                f.spooled = true;
                buf.extend_from_slice(text.as_bytes());
            }
            facts.push(f);
            evidence = evidence.merge(e);
        }
        // Without a spool the check reads the files again.
        match spool.as_mut().map(|s| s.append(&buf)) {
            Some(Ok(base)) => facts[start..].iter_mut().for_each(|f| f.at += base),
            Some(Err(_)) => {
                spool = None;
                facts.iter_mut().for_each(|f| f.spooled = false);
            }
            None => facts[start..].iter_mut().for_each(|f| f.spooled = false),
        }
    }
    let layout = if job.repo.is_dir {
        job.options.orders.layout.forced().or_else(|| {
            model::orders::detect(
                &found.paths,
                evidence.kind_folder,
                job.repo.named.then_some(job.repo.name.as_str()),
            )
        })
    } else {
        None
    };
    let paths = Arc::new(std::mem::take(&mut found.paths));
    Scan {
        found,
        paths,
        facts,
        spool: spool.map(Arc::new),
        evidence,
        layout,
    }
}

/// Which files are shared (see the module docs).
fn shared_set(scan: &Scan) -> Vec<bool> {
    let files = scan.found.unread.iter().zip(&scan.facts).map(|(u, f)| {
        let s = Sharing {
            key: f.key,
            docs: f.docs,
            needed: f.needed,
            xr: f.xr,
        };
        (scan.paths.get(u.idx), s)
    });
    let mut flags = shared_flags(files.clone(), scan.layout);
    // XRs that are not orders are rendered with the first batch (the render stage).
    for (flag, (rel, s)) in flags.iter_mut().zip(files) {
        *flag |= s.xr && !model::orders::is_order_path(scan.layout, rel);
    }
    flags
}

/// Which of `files` (relative path and [`Sharing`], in walk order) are shared in an orders
/// repository of `layout` (see the module docs).
pub fn shared_flags<'a>(files: impl Iterator<Item = (&'a str, Sharing)> + Clone, layout: Option<Layout>) -> Vec<bool> {
    let is_order = |rel: &str| model::orders::is_order_path(layout, rel);
    let mut counts: HashMap<u64, u32> = HashMap::new();
    for (rel, f) in files.clone() {
        if f.key != 0 && is_order(rel) {
            *counts.entry(f.key).or_default() += 1;
        }
    }
    let mut first_under: HashSet<&str> = HashSet::new();
    files
        .map(|(rel, f)| {
            let mut shared = f.needed;
            if is_order(rel) && f.docs > 0 {
                shared |= f.key != 0 && counts[&f.key] > 1;
                for (i, _) in rel.match_indices('/') {
                    shared |= first_under.insert(&rel[..i]);
                }
            }
            shared
        })
        .collect()
}

fn spool_error(e: std::io::Error) -> AppError {
    AppError::Usage(format!("cannot read back the temporary spool file: {e}"))
}

/// Reads files back: one read of the spool for the whole run when every file is spooled,
/// else from disk.
fn read_back(scan: &Scan, max_size: u64, ids: &[usize]) -> Result<Vec<Input>, AppError> {
    let input = |i: usize, content| Input {
        rel: scan.rel(i).to_string(),
        path: scan.path(i),
        content,
    };
    let spooled = ids.iter().all(|&i| scan.facts[i].spooled);
    match (&scan.spool, ids.first(), ids.last()) {
        (Some(spool), Some(&first), Some(&last)) if spooled => {
            let start = scan.facts[first].at;
            let end = scan.facts[last].at + u64::from(scan.facts[last].len);
            let bytes = spool.read(start, (end - start) as usize).map_err(spool_error)?;
            ids.iter()
                .map(|&i| {
                    let f = scan.facts[i];
                    let from = (f.at - start) as usize;
                    let text = std::str::from_utf8(&bytes[from..from + f.len as usize])
                        .map_err(|e| spool_error(std::io::Error::other(e)))?;
                    Ok(input(i, InputContent::Yaml(text.into())))
                })
                .collect()
        }
        _ => Ok(ids
            .par_iter()
            .map(|&i| input(i, read_yaml(&scan.path(i), max_size)))
            .collect()),
    }
}

/// Checks the files in batches (see the module docs).
pub fn check(mut scan: Scan, job: &Job<'_>) -> Result<Checked, AppError> {
    let shared = shared_set(&scan);
    let (shared_ids, leaves): (Vec<usize>, Vec<usize>) = (0..scan.facts.len()).partition(|&i| shared[i]);
    drop(shared);
    let mut shared_inputs = std::mem::take(&mut scan.found.inputs);
    // Shared files are few and scattered: read one by one.
    for &i in &shared_ids {
        shared_inputs.extend(read_back(&scan, job.max_size, &[i])?);
    }
    shared_inputs.par_sort_by(|a, b| walk_order(&a.rel, &b.rel));
    let mut checked = Checked {
        shared: shared_inputs.len(),
        ..Checked::default()
    };
    let local = model::prepare(
        shared_inputs.into_iter().map(|i| (i, Role::Local)).collect(),
        job.options.limits.yaml(),
    );
    let sources = model::prepare(
        job.external.iter().cloned().map(|i| (i, Role::Source)).collect(),
        job.options.limits.yaml(),
    );
    let shared_docs: usize = local
        .iter()
        .map(|p| p.parsed.as_ref().map_or(0, |x| x.docs.len()))
        .sum();
    let mut batches = chunks(&leaves, job.batch_size, |&i| u64::from(scan.facts[i].len));
    if batches.is_empty() {
        batches.push(&[]);
    }
    for (n, batch) in batches.into_iter().enumerate() {
        let read: Vec<(Input, Role)> = read_back(&scan, job.max_size, batch)?
            .into_iter()
            .map(|i| (i, Role::Local))
            .collect();
        let mine: HashMap<&str, usize> = batch.iter().map(|&i| (scan.rel(i), i)).collect();
        let mut prepared: Vec<Prepared> = local.clone();
        let own = model::prepare(read, job.options.limits.yaml());
        // The batch's files as the in-memory check counts them (a JSON file that holds no
        // manifest is not one).
        let own_files = own
            .iter()
            .filter(|p| {
                !matches!(p.input.content, InputContent::Text(_)) && crate::discover::is_manifest(&p.input.path)
            })
            .count();
        prepared.extend(own);
        prepared.par_sort_by(|a, b| walk_order(&a.input.rel, &b.input.rel));
        prepared.extend(sources.iter().cloned());
        let mut ws = model::assemble(
            prepared,
            scan.paths.clone(),
            None,
            job.repo.clone(),
            job.profile,
            job.options.clone(),
            Some(scan.evidence.clone()),
        );
        // The render stage: the examples (shared) with the first batch, each batch's orders
        // with `--render`.
        ws.crds = job.crds.clone();
        ws.renders = super::rendering::render_with(&ws, n == 0, job.render);
        // Rules that only report on shared files ran with the first batch.
        let diags = run_rules_where(&ws, job.settings, |r| n == 0 || r.meta().reach == Reach::Any)?;
        let mut located: Vec<Located> = diags
            .iter()
            .filter(|d| n == 0 || mine.contains_key(ws.sources.get(d.primary.span.file).rel.as_str()))
            .map(|d| report::locate(d, &ws.sources))
            .collect();
        // Positions on the batch's leaves read their text back when rendered: the batch's
        // texts go with its workspace (shared files' texts are held for the whole check).
        let mut handles: HashMap<usize, report::Source> = HashMap::new();
        for d in &mut located {
            for l in std::iter::once(&mut d.primary).chain(&mut d.labels) {
                if let (Some(&i), Some(text)) = (mine.get(l.path.as_str()), &l.source) {
                    let size = text.size();
                    let handle = handles.entry(i).or_insert_with(|| scan.text_handle(i, size));
                    l.source = Some(handle.clone());
                }
            }
        }
        checked.located.extend(located);
        if n == 0 {
            if ws.repo.onboarding {
                checked.quality = crate::model::onboarding::quality(&ws);
            }
            checked.files += ws.local_files;
            checked.documents += ws.docs.len();
        } else {
            checked.files += own_files;
            checked.documents += ws.docs.len() - shared_docs;
        }
        checked.batches += 1;
    }
    Ok(checked)
}
