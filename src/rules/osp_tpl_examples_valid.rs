use crate::model::Workspace;
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
    /// ```yaml,ignore
    /// metadata:
    ///   labels:
    ///     crossplane.io/composition-selector: mode=gitops
    /// ```
    ///
    /// Use instead:
    /// ```yaml,ignore
    /// spec:
    ///   crossplane:
    ///     compositionSelector:
    ///       matchLabels:
    ///         mode: gitops
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
                    out.report(d.kind_span(), format!("the example is a `{}`, not an XR of this template", d.kind))
                        .help(format!("examples show the template's own XR kinds: {}", crate::text::list(&own, 5)));
                }
                continue;
            }
            let comps: Vec<_> = ws.compositions_for(d.group(), &d.kind).collect();
            if let Some(n) = d.root.path(&["spec", "crossplane", "compositionRef", "name"]) {
                let name = n.as_str().unwrap_or("");
                if !comps.iter().any(|c| c.name() == Some(name)) {
                    out.report(d.span(n), format!("no Composition of `{}` is named `{name}`", d.kind));
                }
            }
            if let Some(sel) = d.root.path(&["spec", "crossplane", "compositionSelector", "matchLabels"]).and_then(crate::yaml::Node::as_map) {
                let matches = comps.iter().any(|c| sel.iter().all(|e| c.doc.label(&e.key).and_then(|v| v.as_str()) == e.value.as_str()));
                if !matches {
                    out.report(d.span_of_key(d.root.path(&["spec", "crossplane", "compositionSelector"]).expect("present"), "matchLabels"), format!("`compositionSelector` matches no Composition of `{}`", d.kind))
                        .help("label a Composition with these labels, or fix the selector");
                }
            }
            for e in d.labels() {
                if e.key.contains("composition-selector") || e.key == "crossplane.io/composition" {
                    out.report(d.key_span(e), format!("the label `{}` does not select a composition", e.key))
                        .help("use `spec.crossplane.compositionSelector.matchLabels` (or `compositionRef.name`)");
                }
            }
        }
    }
}
