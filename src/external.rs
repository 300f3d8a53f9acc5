//! Where XRDs (and Compositions) for cross-file checks come from when the checked repository
//! does not hold them (an orders repository): files, directories, and git repositories read
//! at a ref with gix straight from the object database (no work tree is checked out).
//! Loads data only; the documents become `Workspace::external`.

use crate::model::{Input, InputContent};
use crate::parse::text::code;
use std::path::{Path, PathBuf};

/// One `--xrds` / config `xrds:` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file or a directory (walked), with the spec as written (its label).
    Path(PathBuf, String),
    /// A local git repository at a revision (`git+file:///abs/path@rev`).
    Git {
        /// The repository folder.
        repo: PathBuf,
        /// Branch, tag or commit.
        rev: String,
    },
    /// A remote git repository (`https://…/x.git@rev`): the URL and the revision.
    Remote(String, String),
}

impl Source {
    /// Parses a source spec; relative paths are taken relative to `base`.
    pub fn parse(spec: &str, base: &Path) -> Result<Source, String> {
        if let Some(rest) = spec.strip_prefix("git+file://") {
            let (path, rev) = rest
                .rsplit_once('@')
                .ok_or_else(|| format!("{code0} needs a revision: `git+file:///path@main`", code0 = code(&spec)))?;
            if path.is_empty() || rev.is_empty() {
                return Err(format!(
                    "{code0} needs a path and a revision: `git+file:///path@main`",
                    code0 = code(&spec)
                ));
            }
            return Ok(Source::Git {
                repo: base.join(path),
                rev: rev.to_string(),
            });
        }
        if spec.starts_with("https://")
            || spec.starts_with("http://")
            || spec.starts_with("ssh://")
            || spec.starts_with("git@")
        {
            let (url, rev) = spec
                .rsplit_once('@')
                .filter(|(u, r)| !u.is_empty() && !r.contains('/') && !r.contains(':'))
                .ok_or_else(|| {
                    format!(
                        "{code0} needs a revision: `https://host/org/repo.git@v1.2.0`",
                        code0 = code(&spec)
                    )
                })?;
            return Ok(Source::Remote(url.to_string(), rev.to_string()));
        }
        Ok(Source::Path(base.join(spec), spec.trim_end_matches('/').to_string()))
    }

    /// The template repository of a `catalog.packages` entry (`git+file:///path` or a path;
    /// relative paths are taken relative to `base`) at the tag a catalog entry pins.
    pub fn package(spec: &str, tag: &str, base: &Path) -> Source {
        let repo = spec.trim_start_matches("git+file://").split('@').next().unwrap_or(spec);
        Source::Git {
            repo: base.join(repo),
            rev: tag.to_string(),
        }
    }

    /// A short label used as the path prefix of the source's files in diagnostics.
    pub fn label(&self) -> String {
        match self {
            Source::Path(_, spec) => spec.clone(),
            Source::Git { repo, rev } => {
                let name = repo
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!("{}@{rev}", name.trim_end_matches(".git"))
            }
            Source::Remote(url, rev) => {
                let name = url.trim_end_matches('/').rsplit(['/', ':']).next().unwrap_or(url);
                format!("{}@{rev}", name.trim_end_matches(".git"))
            }
        }
    }
}

/// Where remote sources are cached, and whether the network may be used.
#[derive(Debug, Clone, Default)]
pub struct Cache {
    /// The cache folder (`--cache-dir`; default `$XDG_CACHE_HOME/portalint` or `~/.cache/portalint`).
    pub dir: Option<PathBuf>,
    /// `--offline`: use the cache only.
    pub offline: bool,
}

impl Cache {
    /// The folder a remote repository is cached in: a mirror clone named after the URL.
    pub fn path_for(&self, url: &str) -> Option<PathBuf> {
        let dir = self.dir.clone().or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .map(|c| c.join("portalint"))
        })?;
        let key: String = url
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Some(dir.join("git").join(key))
    }
}

/// Reads the YAML files of a source.
pub fn load(source: &Source, max_size: u64, cache: &Cache) -> Result<Vec<Input>, String> {
    match source {
        Source::Path(p, _) => {
            if !p.exists() {
                return Err(format!("XRD source {code0} does not exist", code0 = code(&p.display())));
            }
            let label = source.label();
            let prefix = if p.is_dir() { format!("{label}/") } else { String::new() };
            let mut found = crate::discover::discover(p, &prefix, &globset::GlobSet::empty(), max_size).inputs;
            if p.is_file() {
                // A single file is shown as the spec names it.
                for i in &mut found {
                    i.rel = label.clone();
                }
            }
            Ok(found
                .into_iter()
                .filter(|i| crate::discover::is_yaml(&i.path))
                .collect())
        }
        Source::Git { repo, rev } => load_git(repo, rev, &source.label(), max_size),
        Source::Remote(url, rev) => {
            let Some(path) = cache.path_for(url) else {
                return Err(format!(
                    "remote XRD source {code0}: no cache folder (set --cache-dir)",
                    code0 = code(&url)
                ));
            };
            if path.exists() {
                return load_git(&path, rev, &source.label(), max_size);
            }
            let how = code(&format!("git clone --mirror {url} {}", path.display()));
            if cache.offline {
                Err(format!(
                    "remote XRD source {code0} is not in the cache and --offline is set; fill it with {how}",
                    code0 = code(&url)
                ))
            } else {
                Err(format!(
                    "remote XRD source {code0} is not in the cache, and this build does not fetch over the network; \
                     fill the cache with {how}, or clone it and use {code1}",
                    code0 = code(&url),
                    code1 = code(&format!("git+file:///path/to/clone@{rev}"))
                ))
            }
        }
    }
}

fn load_git(path: &Path, rev: &str, label: &str, max_size: u64) -> Result<Vec<Input>, String> {
    let repo = crate::git::Repository::at(path)?;
    Ok(repo
        .listing(rev)?
        .into_iter()
        .filter(|(file, _)| crate::discover::is_yaml(Path::new(file)))
        .map(|(file, id)| Input {
            rel: format!("{label}/{file}"),
            path: PathBuf::from(format!("{}@{rev}:{file}", path.display())),
            content: repo
                .read_text(id, max_size)
                .map_or_else(InputContent::Unreadable, |t| InputContent::Yaml(t.into())),
        })
        .collect())
}

/// The packages a catalog pins: (`registry/org/name` without the tag, the tag), from every
/// `pkg.crossplane.io` Configuration among `inputs`.
pub fn pinned_packages(inputs: &[Input]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in inputs {
        let InputContent::Yaml(text) = &i.content else { continue };
        // Only package objects are parsed here (the workspace parses every file later).
        if !text.contains("pkg.crossplane.io/") {
            continue;
        }
        for d in crate::parse::yaml::parse(text).docs {
            let api = d.root.str_at(&["apiVersion"]).unwrap_or("");
            if !api.starts_with("pkg.crossplane.io/") || d.root.str_at(&["kind"]) != Some("Configuration") {
                continue;
            }
            let Some(pkg) = d.root.str_at(&["spec", "package"]) else {
                continue;
            };
            let (name, tag) = match pkg.rsplit_once(':') {
                Some((n, t)) if !t.contains('/') => (n, t),
                _ => continue,
            };
            out.push((name.to_string(), tag.to_string()));
        }
    }
    out
}
