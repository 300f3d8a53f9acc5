use crate::model::Workspace;
use crate::parse::text::code;
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
    /// The Composition uses `function-environment-configs`:
    /// ```yaml fixture=fail/template-webapp file=configuration/composition.yaml
    /// pipeline:
    /// - step: load-environment
    ///   functionRef:
    ///     name: function-environment-configs
    /// ```
    ///
    /// and `tests/functions.yaml` declares only `function-go-templating`:
    /// ```yaml fixture=fail/template-webapp file=tests/functions.yaml
    /// apiVersion: pkg.crossplane.io/v1beta1
    /// kind: Function
    /// metadata:
    ///   name: function-go-templating
    /// spec:
    ///   package: xpkg.crossplane.io/crossplane-contrib/function-go-templating:v0.11.0
    /// ```
    ///
    /// Use instead: declare every function the Composition uses:
    /// ```yaml fixture=pass/template-webapp file=tests/functions.yaml
    /// ---
    /// apiVersion: pkg.crossplane.io/v1beta1
    /// kind: Function
    /// metadata:
    ///   name: function-environment-configs
    /// spec:
    ///   package: xpkg.crossplane.io/crossplane-contrib/function-environment-configs:v0.4.0
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
                        format!("`tests/functions.yaml` does not declare {code0}", code0 = code(&name)),
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
