use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the catalog's root `kustomization.yaml` lists exactly the `templates/*.yaml`
    /// entries: none missing, none dangling.
    ///
    /// ## Why is this bad?
    /// Flux applies only what the kustomization lists: a released template missing from it is never
    /// installed, and a dangling entry breaks the whole catalog sync.
    ///
    /// ## Example
    /// The catalog has `templates/template-whoami.yaml` and
    /// `templates/template-whoami-service.yaml`:
    /// ```yaml fixture=fail/catalog file=kustomization.yaml
    /// apiVersion: kustomize.config.k8s.io/v1beta1
    /// kind: Kustomization
    /// resources:
    ///   - templates/template-whoami.yaml
    ///   - templates/template-gone.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog file=kustomization.yaml
    /// apiVersion: kustomize.config.k8s.io/v1beta1
    /// kind: Kustomization
    /// resources:
    ///   - templates/template-whoami-service.yaml
    ///   - templates/template-whoami.yaml
    /// ```
    pub OspCatKustomizationComplete {
        id: "osp-cat-kustomization-complete",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCatKustomizationComplete {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.catalog {
            return;
        }
        let Some(k) = ws.docs_in("kustomization.yaml").next() else { return };
        let items = k.root.get("resources").and_then(|r| r.as_seq()).unwrap_or(&[]);
        let listed: Vec<&str> = items.iter().filter_map(|n| n.as_str()).map(|s| s.trim_start_matches("./")).collect();
        let entries: Vec<&str> = ws.catalog_entries().collect();
        for e in &entries {
            if !listed.contains(e) {
                out.report(k.span_of_key(&k.root, "resources"), format!("`kustomization.yaml` does not list `{e}`")).help(format!("add `- {e}`"));
            }
        }
        for n in items {
            let Some(l) = n.as_str() else { continue };
            let l = l.trim_start_matches("./");
            if l.starts_with("templates/") && !entries.contains(&l) {
                out.report(k.span(n), format!("`{l}` is listed but does not exist"));
            }
        }
    }
}
