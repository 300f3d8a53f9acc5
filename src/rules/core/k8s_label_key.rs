use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_templated, label_key_problem, objects};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks label keys: an optional prefix (a DNS-1123 subdomain) and `/`, then a name of at
    /// most 63 characters that starts and ends with an alphanumeric and contains only `-`, `_`,
    /// `.` and alphanumerics.
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
    ///   labels:
    ///     openportal.dev/version/extra: "1"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   labels:
    ///     openportal.dev/version: "1"
    /// ```
    pub K8sLabelKey {
        id: "k8s-label-key",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for K8sLabelKey {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in objects(ws) {
            for e in doc.labels() {
                if let Some(problem) = label_key_problem(&e.key).filter(|_| !is_templated(&e.key)) {
                    out.report(
                        doc.key_span(e),
                        format!("invalid label key {code0}", code0 = code(&e.key)),
                    )
                    .help(problem);
                }
            }
        }
    }
}
