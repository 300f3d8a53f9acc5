//! What a run says about what it could not check, once per run rather than per file: today,
//! composite resources checked without their XRD because only part of a template repository
//! was given.

use crate::model::{is_builtin_group, Class, Workspace};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Composite resources of one template repository checked without their XRD.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MissingXrds {
    /// The template repository the checked paths are part of.
    pub template_root: PathBuf,
    /// `Kind.group` of each XR kind no checked file defines.
    pub kinds: BTreeSet<String>,
    /// The files holding them (relative, as reported).
    pub files: BTreeSet<String>,
}

impl MissingXrds {
    /// Adds what another root found in the same template repository.
    pub fn merge(&mut self, other: MissingXrds) {
        self.kinds.extend(other.kinds);
        self.files.extend(other.files);
    }

    /// The note, naming how to give the XRDs.
    pub fn message(&self) -> String {
        let shown = |set: &BTreeSet<String>| {
            let v: Vec<&str> = set.iter().map(String::as_str).collect();
            crate::parse::text::list(&v, 3)
        };
        let root = shown_path(&self.template_root);
        let configuration = if root == "." {
            "configuration".to_string()
        } else {
            format!("{}/configuration", root.trim_end_matches('/'))
        };
        let n = self.files.len();
        format!(
            "{} of the template repository `{root}` ({}) {} composite resources of {}, but no checked file defines \
             their XRD: they were not checked against a schema. Check the repository root (`portalint check {root}`) \
             or give the XRDs (`--xrds {configuration}`).",
            if n == 1 {
                "1 file".to_string()
            } else {
                format!("{n} files")
            },
            shown(&self.files),
            if n == 1 { "holds" } else { "hold" },
            shown(&self.kinds),
        )
    }
}

/// `path` relative to the working directory when it is below it, else as it is.
fn shown_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok().and_then(|c| std::fs::canonicalize(c).ok());
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Some(rel) => rel.to_string_lossy().replace('\\', "/"),
        None => path.to_string_lossy().replace('\\', "/"),
    }
}

/// The template repository a checked root is part of without being it: the nearest folder
/// above it (for a file, its own folder included) that has `configuration/crossplane.yaml`,
/// or that is a git repository named `template-*`; the search stops at the first `.git`.
pub fn enclosing_template(root: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(root).ok()?;
    if abs.join(".git").exists() {
        return None;
    }
    // A folder's ancestors, or a file's folder and its ancestors.
    let mut dirs = abs.ancestors().skip(1);
    dirs.find_map(|dir| {
        let is_git = dir.join(".git").exists();
        let named = dir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("template-"));
        if dir.join("configuration/crossplane.yaml").is_file() || (is_git && named) {
            return Some(Some(dir.to_path_buf()));
        }
        is_git.then_some(None)
    })
    .flatten()
}

/// The XRs of `ws` (objects of a group neither Kubernetes nor Crossplane serve) whose kind no
/// XRD of the workspace or of the XRD sources defines, when `root` is part of a template
/// repository without being its root.
pub fn missing_xrds(ws: &Workspace, root: &Path) -> Option<MissingXrds> {
    if ws.repo.is_template {
        return None;
    }
    // Only a part of a template repository has this note: a few file-system lookups decide
    // before any document is looked at.
    let template_root = enclosing_template(root)?;
    let mut found = MissingXrds::default();
    for d in &ws.docs {
        if d.class != Class::Other || !d.is_object() || is_builtin_group(d.group()) {
            continue;
        }
        let (group, kind) = (d.group(), d.kind.as_str());
        if !crate::model::by_group_kind(&ws.index.xrd_by_gk, group, kind).is_empty()
            || !crate::model::by_group_kind(&ws.index.claim_by_gk, group, kind).is_empty()
        {
            continue;
        }
        found.kinds.insert(format!("{kind}.{group}"));
        found.files.insert(ws.rel(d).to_string());
    }
    if found.files.is_empty() {
        return None;
    }
    found.template_root = template_root;
    Some(found)
}

/// Rendered composed resources whose kind no schema is known for (no CRD given with
/// `--crds`, not a Kubernetes or Crossplane kind): the note says which, and names the provider
/// packages `crossplane.yaml` depends on, whose CRDs would check them.
pub fn unchecked_rendered(ws: &Workspace) -> Option<String> {
    let mut kinds = BTreeSet::new();
    for r in &ws.renders.renders {
        for res in &r.resources {
            let Some((group, _, kind)) = res.gvk() else { continue };
            if is_builtin_group(group)
                || ws.crds.find(group, kind).is_some()
                || ws.index.xr_groups.contains(group)
                || group.ends_with(".fn.crossplane.io")
            {
                continue;
            }
            kinds.insert(format!("{kind}.{group}"));
        }
    }
    if kinds.is_empty() {
        return None;
    }
    let providers: BTreeSet<String> = ws
        .package_dependencies()
        .filter_map(|d| {
            d.str_at(&["provider"])
                .or_else(|| {
                    (d.str_at(&["kind"]) == Some("Provider"))
                        .then(|| d.str_at(&["package"]))
                        .flatten()
                })
                .map(str::to_string)
        })
        .collect();
    let list = |set: &BTreeSet<String>| {
        let v: Vec<&str> = set.iter().map(String::as_str).collect();
        crate::parse::text::list(&v, 3)
    };
    let from = if providers.is_empty() {
        "their providers' CRDs".to_string()
    } else {
        format!(
            "the CRDs of the providers `crossplane.yaml` depends on ({})",
            list(&providers)
        )
    };
    Some(format!(
        "the render stage composed {} kind(s) ({}) that no CRD was given for: those resources were not checked \
         against a schema; give {from} with `--crds DIR` (docs/render.md)",
        kinds.len(),
        list(&kinds),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_above_a_folder_or_a_file_is_found_and_the_search_stops_at_git() {
        let tmp = tempfile::tempdir().expect("tmp");
        let t = tmp.path().join("template-x");
        std::fs::create_dir_all(t.join("configuration")).expect("mkdir");
        std::fs::create_dir_all(t.join("examples/deep")).expect("mkdir");
        std::fs::write(t.join("configuration/crossplane.yaml"), "x: 1\n").expect("write");
        std::fs::write(t.join("a.yaml"), "x: 1\n").expect("write");
        let canon = std::fs::canonicalize(&t).expect("canon");
        assert_eq!(enclosing_template(&t.join("examples/deep")), Some(canon.clone()));
        assert_eq!(enclosing_template(&t.join("a.yaml")), Some(canon.clone()));
        assert_eq!(
            enclosing_template(&t),
            None,
            "the template root itself is not part of one"
        );
        let other = tmp.path().join("other/sub");
        std::fs::create_dir_all(tmp.path().join("other/.git")).expect("mkdir");
        std::fs::create_dir_all(&other).expect("mkdir");
        assert_eq!(enclosing_template(&other), None);
    }
}
