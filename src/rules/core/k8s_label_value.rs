use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_composition_label, is_qualified_name_part, is_templated, objects};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks label values: empty, or at most 63 characters that start and end with an
    /// alphanumeric and contain only `-`, `_`, `.` and alphanumerics. So `,`, `/`, `:` and
    /// spaces are not allowed.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object. A comma-separated list belongs in an annotation.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   labels:
    ///     openportal.dev/tags: "dns,cloudflare"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     openportal.dev/tags: "dns,cloudflare"
    /// ```
    pub K8sLabelValue {
        id: "k8s-label-value",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for K8sLabelValue {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in objects(ws) {
            for e in doc.labels() {
                let Some(v) = e.value.as_str() else { continue };
                if v.is_empty() || is_qualified_name_part(v) || is_templated(v) {
                    continue;
                }
                let why = if v.len() > 63 {
                    format!("it is {} characters long; at most 63 are allowed", v.len())
                } else {
                    "only letters, digits, `-`, `_` and `.` are allowed, starting and ending with a letter or digit"
                        .into()
                };
                let why = if is_composition_label(&e.key) {
                    format!(
                        "{why}; this label does not select a composition either: use \
                         `spec.crossplane.compositionSelector.matchLabels` (or `compositionRef.name`)"
                    )
                } else {
                    why
                };
                out.report(
                    doc.span(&e.value),
                    format!(
                        "invalid value {code0} for label {code1}",
                        code0 = code(&v),
                        code1 = code(&e.key)
                    ),
                )
                .help(why);
            }
        }
    }
}
