use crate::model::Workspace;
use crate::parse::text::code;
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
        fix: true,
    }
}

/// The scalar at `span` in double quotes, as written (a plain one-line scalar only: `true`,
/// `1.10`, `null`).
fn quote(text: &str, span: crate::parse::source::Span) -> Option<crate::rules::diagnostic::Fix> {
    let (s, e) = crate::rules::edit::scalar_extent(text, span)?;
    let src = &text[s..e];
    if src.is_empty() || src.starts_with(['"', '\'']) || src.contains(['"', '\\', '#']) {
        return None;
    }
    let span = crate::parse::source::Span::new(span.file, s as u32, e as u32);
    Some(crate::rules::diagnostic::Fix::replace(span, format!("\"{src}\"")))
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
                            format!(
                                "{what} {code0} has a {} value, not a string",
                                e.value.type_name(),
                                code0 = code(&e.key)
                            ),
                        )
                        .help(format!(
                            "quote it: {code0}",
                            code0 = code(&format!("\"{}\"", if src.is_empty() { "" } else { src }))
                        ))
                        .fix(quote(&ws.sources.get(doc.file).text, doc.span(&e.value)));
                    }
                }
            }
        }
    }
}
