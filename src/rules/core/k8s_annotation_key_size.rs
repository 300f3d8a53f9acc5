use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_templated, label_key_problem, objects};
use crate::rules::{Rule, Sink};

/// The API server's limit for all annotations of one object (keys and values).
const TOTAL_LIMIT: usize = 256 * 1024;

crate::declare_rule! {
    /// ## What it does
    /// Checks annotation keys (same syntax as label keys) and that all annotations of one
    /// object, keys and values together, stay within 256 KiB.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     "backstage.io/source location": "url:https://example.org"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     backstage.io/source-location: "url:https://example.org"
    /// ```
    pub K8sAnnotationKeySize {
        id: "k8s-annotation-key-size",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for K8sAnnotationKeySize {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in objects(ws) {
            let mut total = 0;
            for e in doc.annotations() {
                total += e.key.len() + e.value.as_str().map_or(0, str::len);
                if let Some(problem) = label_key_problem(&e.key).filter(|_| !is_templated(&e.key)) {
                    out.report(
                        doc.key_span(e),
                        format!("invalid annotation key {code0}", code0 = code(&e.key)),
                    )
                    .help(problem);
                }
            }
            if total > TOTAL_LIMIT {
                let node = doc.root.path(&["metadata", "annotations"]).expect("has annotations");
                let key = doc
                    .metadata()
                    .and_then(|m| m.entry("annotations"))
                    .map(|e| doc.key_span(e));
                out.report(
                    key.unwrap_or_else(|| doc.span(node)),
                    format!("annotations total {total} bytes, over the 256 KiB limit"),
                )
                .help("move large content (a README, a schema) out of annotations");
            }
        }
    }
}
