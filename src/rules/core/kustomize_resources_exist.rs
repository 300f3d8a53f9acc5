use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every local path in a kustomization's `resources` and `components` exists,
    /// relative to the kustomization's folder (remote references are not checked). A path
    /// that is absolute or climbs out of the checked root with `..` is reported, never read.
    ///
    /// With the Open Service Portal pack on, the entries of the catalog's root kustomization
    /// under `templates/` and of an orders repository's cluster kustomizations are left to
    /// `osp-cat-kustomization-complete` and `osp-ord-kustomization-sync`, which also fix them.
    /// (This rule was `osp-tpl-kustomization-resources-exist`; that id still selects it.)
    ///
    /// ## Why is this bad?
    /// `kustomize build` and Flux fail on the whole kustomization, so nothing in it is applied,
    /// whatever the repository.
    ///
    /// ## Example
    /// The template has no `policies/` folder:
    /// ```yaml fixture=fail/template-webapp file=kustomization.yaml
    /// resources:
    /// - configuration/xrd.yaml
    /// - configuration/composition.yaml
    /// - rbac.yaml
    /// - ./policies/quota.yaml
    /// - https://github.com/org/repo//base?ref=v1
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=kustomization.yaml
    /// resources:
    /// - configuration/xrd.yaml
    /// - configuration/composition.yaml
    /// - rbac.yaml
    /// ```
    pub KustomizeResourcesExist {
        id: "kustomize-resources-exist",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for KustomizeResourcesExist {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        // A kustomization checked as a lone file: the folder around it is not listed.
        if !ws.repo.is_dir {
            return;
        }
        // The kustomizations the Open Service Portal sync rules own (they report a dangling
        // entry there themselves, and regenerate the file).
        let synced: Vec<String> = if ws.repo.openportal {
            match ws.repo.orders {
                Some(crate::model::Layout::Clusters) => {
                    ws.cluster_dirs().iter().map(|d| format!("{d}/kustomization.yaml")).collect()
                }
                Some(crate::model::Layout::Namespaces) => vec!["namespaces/kustomization.yaml".to_string()],
                None => Vec::new(),
            }
        } else {
            Vec::new()
        };
        for d in ws.docs_of(crate::model::Class::Kustomization) {
            let rel = ws.rel(d);
            if synced.iter().any(|s| s == rel) {
                continue;
            }
            // The catalog's root kustomization: its `templates/` entries are the catalog rule's.
            let catalog_root = ws.repo.openportal && ws.repo.catalog && rel == "kustomization.yaml";
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            // The folder as `join_path` keeps it (its empty segments dropped), to append a plain
            // entry to without splitting it again for each of thousands of entries.
            let plain_dir = !dir.split('/').any(str::is_empty);
            // `dir/entry` is written here, not allocated for each of thousands of entries.
            let mut joined = String::new();
            // Generated entries are listed in about walk order: each is looked for next to the last.
            let mut near = 0;
            for key in ["resources", "components"] {
                for n in d
                    .root
                    .get(key)
                    .and_then(crate::parse::yaml::Node::as_seq)
                    .unwrap_or(&[])
                {
                    let Some(p) = n.as_str() else { continue };
                    if catalog_root && p.trim_start_matches("./").starts_with("templates/") {
                        continue;
                    }
                    let target: Option<std::borrow::Cow<'_, str>> = if p.starts_with('/') {
                        None
                    } else if (plain_dir || dir.is_empty()) && is_plain(p) {
                        // What `join_path` gives for segments without `.`, `..` or empty ones.
                        Some(if dir.is_empty() {
                            p.into()
                        } else {
                            joined.clear();
                            joined.push_str(dir);
                            joined.push('/');
                            joined.push_str(p);
                            joined.as_str().into()
                        })
                    } else {
                        crate::rules::util::join_path(dir, p).map(Into::into)
                    };
                    // An existing path is never reported, so the common case asks no more.
                    if target.as_deref().is_some_and(|t| ws.exists_near(t, &mut near)) {
                        continue;
                    }
                    if p.contains("://")
                        || p.contains("?ref=")
                        || p.starts_with("github.com/")
                        || crate::rules::util::is_templated(p)
                    {
                        continue;
                    }
                    let Some(target) = target else {
                        out.report(d.span(n), format!("{code0} points outside the repository; it is not read", code0 = code(&p)))
                            .help("name a path inside the repository: Flux builds the kustomization from the repository alone");
                        continue;
                    };
                    // The resolved path is news only when it is not the path as written.
                    let message = if target == p {
                        format!("{code0} does not exist", code0 = code(&p))
                    } else {
                        format!(
                            "{code0} does not exist (resolved to {code1})",
                            code0 = code(&p),
                            code1 = code(&target)
                        )
                    };
                    out.report(d.span(n), message)
                        .help("fix the path or add the file; kustomize fails on the whole kustomization");
                }
            }
        }
    }
}

/// True when every `/`-separated segment of `p` is a name (not empty, `.` or `..`).
fn is_plain(p: &str) -> bool {
    !p.as_bytes()
        .split(|&b| b == b'/')
        .any(|s| matches!(s, b"" | b"." | b".."))
}
