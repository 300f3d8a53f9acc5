use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every `pipeline[].functionRef.name` is a Function the platform installs (config
    /// `openportal.platform-functions`; default function-go-templating, function-patch-and-
    /// transform, function-auto-ready, function-environment-configs) or one the package declares in
    /// `crossplane.yaml` `dependsOn`.
    ///
    /// ## Why is this bad?
    /// Catalog entries install packages with `skipDependencyResolution: true`, so any other
    /// function is never installed and the Composition fails with "cannot find Function".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: webapp
    ///   labels:
    ///     crossplane.io/xrd: webapps.openportal.dev
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: openportal.dev/v1alpha1
    ///     kind: WebApp
    ///   mode: Pipeline
    ///   pipeline:
    ///   - step: render
    ///     functionRef:
    ///       name: function-kcl
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: webapp
    ///   labels:
    ///     crossplane.io/xrd: webapps.openportal.dev
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: openportal.dev/v1alpha1
    ///     kind: WebApp
    ///   mode: Pipeline
    ///   pipeline:
    ///   - step: render
    ///     functionRef:
    ///       name: function-go-templating
    /// ```
    pub OspCompFunctionsAvailable {
        id: "osp-comp-functions-available",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompFunctionsAvailable {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let declared: Vec<String> = ws
            .package_dependencies()
            .filter_map(|dep| ["package", "function"].iter().find_map(|k| dep.get(k)?.as_str()))
            .map(crate::rules::util::package_name)
            .collect();
        for c in ws.compositions() {
            for s in c.steps() {
                let Some(name) = s.function else { continue };
                if ws.options.openportal.platform_functions.iter().any(|f| f == name)
                    || declared.iter().any(|d| d == name)
                {
                    continue;
                }
                let n = s.node.path(&["functionRef", "name"]).expect("has name");
                let known: Vec<&str> = ws
                    .options
                    .openportal
                    .platform_functions
                    .iter()
                    .map(String::as_str)
                    .collect();
                let d = out.report(
                    c.doc.span(n),
                    format!(
                        "function {code0} is neither installed by the platform nor a declared dependency",
                        code0 = code(&name)
                    ),
                );
                match crate::parse::text::suggest(name, known.iter().copied()) {
                    Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                    None => d.help("add it to `crossplane.yaml` `dependsOn`, or to `openportal.platform-functions` if the platform installs it"),
                };
            }
        }
    }
}
