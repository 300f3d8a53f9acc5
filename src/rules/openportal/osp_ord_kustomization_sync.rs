use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each cluster folder's `kustomization.yaml` lists every `*.yaml`/`*.yml` below
    /// the folder, recursively, sorted, excluding itself, and nothing else. `portalint check --fix`
    /// regenerates it the way the repository's generator does (keeping the header comment).
    ///
    /// ## Why is this bad?
    /// Flux applies only what the kustomization lists: an order missing from it is merged but never
    /// deployed, and a stale entry breaks the whole cluster's sync.
    ///
    /// ## Example
    /// The cluster folder has `system/ManagedNamespace/team-a.yaml` and
    /// `team-a/WhoAmIApp/demo-app.yaml`, and no `old-app.yaml`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/kustomization.yaml
    /// apiVersion: kustomize.config.k8s.io/v1beta1
    /// kind: Kustomization
    ///
    /// resources:
    ///   - team-a/WhoAmIApp/old-app.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog-orders file=openportal/kustomization.yaml
    /// apiVersion: kustomize.config.k8s.io/v1beta1
    /// kind: Kustomization
    ///
    /// resources:
    ///   - system/ManagedNamespace/team-a.yaml
    ///   - team-a/WhoAmIApp/demo-app.yaml
    /// ```
    pub OspOrdKustomizationSync {
        id: "osp-ord-kustomization-sync",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspOrdKustomizationSync {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let dirs: Vec<String> = match ws.repo.orders {
            Some(crate::model::Layout::Clusters) => ws.cluster_dirs(),
            Some(crate::model::Layout::Namespaces) if ws.paths.contains("namespaces/kustomization.yaml") => {
                vec!["namespaces".to_string()]
            }
            _ => return,
        };
        for dir in dirs {
            let rel = format!("{dir}/kustomization.yaml");
            let Some(doc) = ws.docs_in(&rel).next() else { continue };
            let want = crate::fix::expected_resources(&dir, &ws.paths);
            let items = doc.root.get("resources").and_then(|r| r.as_seq()).unwrap_or(&[]);
            let have: Vec<&str> = items.iter().filter_map(|n| n.as_str()).collect();
            // Sets: an orders repository lists thousands of files per cluster.
            let have_set: std::collections::HashSet<&str> = have.iter().copied().collect();
            let want_set: std::collections::HashSet<&str> = want.iter().map(String::as_str).collect();
            let at = doc.span_of_key(&doc.root, "resources");
            let missing: Vec<&str> = want
                .iter()
                .map(String::as_str)
                .filter(|w| !have_set.contains(w))
                .collect();
            for n in items {
                if n.as_str().is_some_and(|h| !want_set.contains(h)) {
                    out.report(
                        doc.span(n),
                        format!(
                            "`{}` is listed but is not a YAML file of `{dir}/`",
                            n.as_str().unwrap_or("")
                        ),
                    )
                    .help("run `portalint check --fix`");
                }
            }
            if !missing.is_empty() {
                out.report(
                    at,
                    format!("`{rel}` does not list {}", crate::parse::text::list(&missing, 5)),
                )
                .help("run `portalint check --fix` to regenerate it");
            } else if have.len() == want.len() && have.iter().zip(&want).any(|(h, w)| h != w) {
                out.report(at, format!("`{rel}` is not sorted"))
                    .help("run `portalint check --fix` to regenerate it");
            }
        }
    }
}
