use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the template's examples (`examples/`, or the legacy `example/`): each document is an
    /// XR of a kind the repository's XRDs define (its schema is checked by `x-xr-schema`), and its
    /// composition choice resolves: `spec.crossplane.compositionRef.name` names a Composition of
    /// that type, `spec.crossplane.compositionSelector.matchLabels` matches one, and no metadata
    /// label tries to select a composition.
    ///
    /// ## Why is this bad?
    /// Examples are the documented way to try a template; one that cannot be applied, or selects no
    /// Composition, fails for every developer who copies it.
    ///
    /// ## Example
    /// The template's only Composition is `webapp`, labelled only
    /// `crossplane.io/xrd: webapps.openportal.dev`:
    /// ```yaml fixture=fail/template-webapp file=examples/basic-webapp.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WebApp
    /// metadata:
    ///   name: demo
    ///   namespace: demo
    ///   labels:
    ///     crossplane.io/composition-selector: gitops
    /// spec:
    ///   crossplane:
    ///     compositionRef:
    ///       name: webapp-gitops
    ///     compositionSelector:
    ///       matchLabels:
    ///         mode: gitops
    /// ---
    /// apiVersion: v1
    /// kind: ConfigMap
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=examples/basic-webapp.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WebApp
    /// metadata:
    ///   name: demo
    ///   namespace: demo
    /// spec:
    ///   crossplane:
    ///     compositionRef:
    ///       name: webapp
    /// ```
    pub OspTplExamplesValid {
        id: "osp-tpl-examples-valid",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspTplExamplesValid {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template {
            return;
        }
        let kinds: Vec<(&str, &str)> = ws.xrds().filter_map(|x| Some((x.group()?, x.kind()?))).collect();
        for d in &ws.docs {
            let rel = ws.rel(d);
            if !(rel.starts_with("examples/") || rel.starts_with("example/")) || !d.is_object() {
                continue;
            }
            if !kinds.contains(&(d.group(), d.kind.as_str())) {
                if !kinds.iter().any(|(g, _)| *g == d.group()) {
                    let own: Vec<String> = kinds.iter().map(|(_, k)| k.to_string()).collect();
                    let own: Vec<&str> = own.iter().map(String::as_str).collect();
                    out.report(
                        d.kind_span(),
                        format!(
                            "the example is a {code0}, not an XR of this template",
                            code0 = code(&d.kind)
                        ),
                    )
                    .help(format!(
                        "examples show the template's own XR kinds: {}",
                        crate::parse::text::list(&own, 5)
                    ));
                }
                continue;
            }
            for (at, msg, help) in crate::rules::util::composition_choice(ws, d) {
                let diag = out.report(at, msg);
                if let Some(h) = help {
                    diag.help(h);
                }
            }
        }
    }
}
