use crate::model::{Origin, Workspace};
use crate::rules::{Rule, Sink};

/// The annotation function-go-templating names composed resources by.
pub const NAME_ANNOTATION: &str = "gotemplating.fn.crossplane.io/composition-resource-name";

crate::declare_rule! {
    /// ## What it does
    /// Checks that every document a go-templating template renders carries the annotation
    /// `gotemplating.fn.crossplane.io/composition-resource-name` (directly or through
    /// `setResourceNameAnnotation`), except a document of the XR's own kind (it only updates
    /// the XR's status) and `meta.gotemplating.fn.crossplane.io` documents.
    ///
    /// ## Why is this bad?
    /// The function fails with "template is missing required composition-resource-name
    /// annotation" and nothing is composed.
    ///
    /// ## Example
    /// ```yaml fixture=fail/missing file=composition.yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: {{ .observed.composite.resource.metadata.name }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/repo file=composition.yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: {{ $xr.metadata.name }}
    ///   annotations:
    ///     gotemplating.fn.crossplane.io/composition-resource-name: config
    /// ```
    pub FnGotplResourceNameAnnotation {
        id: "fn-gotpl-resource-name-annotation",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnGotplResourceNameAnnotation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let own = c.type_gvk();
            for r in ws.composed(&c) {
                let Origin::Template(t) = r.origin else { continue };
                let (Some(group), Some(kind)) = (r.group(), r.kind()) else {
                    continue;
                };
                if group == "meta.gotemplating.fn.crossplane.io" || own.is_some_and(|(g, _, k)| g == group && k == kind)
                {
                    continue;
                }
                // Metadata or annotations produced by an action (`{{ toYaml … }}`) may carry it.
                let produced = |n: &crate::parse::yaml::Node| n.as_map().is_none() || t.contains_action(n);
                let annotations = r.root.path(&["metadata", "annotations"]);
                if annotations.is_some_and(|a| a.get(NAME_ANNOTATION).is_some() || produced(a)) {
                    continue;
                }
                if r.root.get("metadata").is_some_and(|m| m.as_map().is_none()) {
                    continue;
                }
                // `{{ setResourceNameAnnotation "x" }}` inside the document sets it.
                let (s, e) = (r.root.start as usize, r.root.end as usize);
                if t.scan
                    .actions
                    .iter()
                    .any(|a| a.start >= s && a.start <= e && a.body.contains("setResourceNameAnnotation"))
                {
                    continue;
                }
                out.report(r.head_span(), format!("rendered `{kind}` has no `{NAME_ANNOTATION}` annotation"))
                    .help("add `metadata.annotations` with a unique `gotemplating.fn.crossplane.io/composition-resource-name`");
            }
        }
    }
}
