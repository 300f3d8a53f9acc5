use crate::model::Workspace;
use crate::rules::util::objects;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every label and annotation value is a YAML string. Unquoted `true`, `yes`,
    /// `on`, `3` or `1.0` are booleans and numbers to YAML (and `yes`/`on` are booleans to
    /// Kubernetes, which reads YAML 1.1).
    ///
    /// ## Why is this bad?
    /// The API server rejects the object ("cannot unmarshal bool into Go struct field
    /// ObjectMeta.metadata.labels of type string").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     gotemplating.fn.crossplane.io/ready: True
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     gotemplating.fn.crossplane.io/ready: "True"
    /// ```
    pub K8sStringValues {
        id: "k8s-string-values",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for K8sStringValues {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in objects(ws) {
            for (what, entries) in [("label", doc.labels()), ("annotation", doc.annotations())] {
                for e in entries {
                    if e.value.as_str().is_none() {
                        let src = &ws.sources.get(doc.file).text[e.value.start as usize..e.value.end as usize];
                        out.report(
                            doc.span(&e.value),
                            format!("{what} `{}` has a {} value, not a string", e.key, e.value.type_name()),
                        )
                        .help(format!("quote it: `\"{}\"`", if src.is_empty() { "" } else { src }));
                    }
                }
            }
        }
    }
}
