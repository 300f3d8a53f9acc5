use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the root `kustomization.yaml` of a template repository: it lists
    /// `configuration/xrd.yaml`, `configuration/composition.yaml` and `rbac.yaml`, and no
    /// `examples/` file.
    ///
    /// ## Why is this bad?
    /// The kustomization is how the template is applied in development: a missing entry leaves the
    /// template half-installed, and an example in it creates a real XR everywhere the template is
    /// installed.
    ///
    /// ## Example
    /// ```yaml fixture=fail/template-webapp file=kustomization.yaml
    /// apiVersion: kustomize.config.k8s.io/v1beta1
    /// kind: Kustomization
    /// resources:
    /// - configuration/xrd.yaml
    /// - configuration/composition.yaml
    /// - examples/basic-webapp.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=kustomization.yaml
    /// apiVersion: kustomize.config.k8s.io/v1beta1
    /// kind: Kustomization
    /// resources:
    /// - configuration/xrd.yaml
    /// - configuration/composition.yaml
    /// - rbac.yaml
    /// ```
    pub OspTplKustomizationContent {
        id: "osp-tpl-kustomization-content",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspTplKustomizationContent {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template {
            return;
        }
        for d in ws
            .docs_in("kustomization.yaml")
            .filter(|d| d.class == crate::model::Class::Kustomization)
        {
            let items = d
                .root
                .get("resources")
                .and_then(crate::parse::yaml::Node::as_seq)
                .unwrap_or(&[]);
            let listed: Vec<&str> = items
                .iter()
                .filter_map(|n| n.as_str())
                .map(|s| s.trim_start_matches("./"))
                .collect();
            for want in ["configuration/xrd.yaml", "configuration/composition.yaml", "rbac.yaml"] {
                if !listed.contains(&want) {
                    out.report(
                        d.span_of_key(&d.root, "resources"),
                        format!("`kustomization.yaml` does not list {code0}", code0 = code(&want)),
                    );
                }
            }
            for n in items {
                if n.as_str().is_some_and(|s| {
                    s.trim_start_matches("./").starts_with("examples/")
                        || s.trim_start_matches("./").starts_with("example/")
                }) {
                    out.report(d.span(n), "`kustomization.yaml` lists an example")
                        .help("examples are for trying the template; remove them from the kustomization");
                }
            }
        }
    }
}
