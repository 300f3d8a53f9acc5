use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// When the repository has `tests/functions.yaml` (the Functions `crossplane render` uses),
    /// checks that it declares every function the Compositions use.
    ///
    /// ## Why is this bad?
    /// `crossplane render` tests fail, or silently run against another function version than the
    /// cluster's.
    ///
    /// ## Example
    /// ```yaml,ignore
    /// # tests/functions.yaml declares function-go-templating only; the Composition also uses function-environment-configs
    /// ```
    ///
    /// Use instead:
    /// ```yaml,ignore
    /// # tests/functions.yaml declares every function the Composition uses
    /// ```
    pub OspCompRenderTestFunctions {
        id: "osp-comp-render-test-functions",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompRenderTestFunctions {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(file) = ws.sources.find("tests/functions.yaml") else {
            return;
        };
        let declared: Vec<&str> = ws
            .docs
            .iter()
            .filter(|d| d.file == file && d.kind == "Function")
            .filter_map(|d| d.name())
            .collect();
        for c in ws.compositions() {
            for s in c.steps() {
                let Some(name) = s.function else { continue };
                if !declared.contains(&name) {
                    let n = s.node.path(&["functionRef", "name"]).expect("has name");
                    out.report(
                        c.doc.span(n),
                        format!("`tests/functions.yaml` does not declare `{name}`"),
                    )
                    .label(
                        crate::parse::source::Span::file_start(file),
                        "render-test functions declared here",
                    )
                    .help("add a `pkg.crossplane.io/v1beta1` Function for it, pinned to the cluster's version");
                }
            }
        }
    }
}
