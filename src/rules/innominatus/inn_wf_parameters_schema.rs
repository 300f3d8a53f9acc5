use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks an innominatus workflow's `parameters[]`: each has a `name`, names are unique,
    /// and `type` is one of `string`, `number`, `boolean`, `object`, `array`. A parameter that
    /// is `required: true` and has a `default` is a warning.
    ///
    /// ## Why is this bad?
    /// A duplicate parameter is silently overridden, an unknown type is not validated, and a
    /// required parameter with a default is either not required or not defaulted.
    ///
    /// ## Example
    /// ```yaml fixture=fail/params.yaml
    /// parameters:
    ///   - name: replicas
    ///     type: integer
    ///   - name: replicas
    ///     type: number
    ///   - type: string
    ///   - name: region
    ///     type: string
    ///     required: true
    ///     default: eu-west-1
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/params.yaml
    /// parameters:
    ///   - name: bucket_name
    ///     type: string
    ///     required: true
    ///   - name: versioning
    ///     type: boolean
    ///     default: true
    /// ```
    pub InnWfParametersSchema {
        id: "inn-wf-parameters-schema",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

const TYPES: &[&str] = &["string", "number", "boolean", "object", "array"];

impl Rule for InnWfParametersSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            let params = doc.root.get("parameters").and_then(Node::as_seq).unwrap_or(&[]);
            let mut seen: Vec<(&str, crate::parse::source::Span)> = Vec::new();
            for (i, p) in params.iter().enumerate() {
                match p.get("name").and_then(|n| Some((n.as_str()?, doc.span(n)))) {
                    None => {
                        out.report(doc.span(p), format!("parameter {} has no `name`", i + 1));
                    }
                    Some((name, at)) => match seen.iter().find(|(s, _)| *s == name) {
                        Some((_, first)) => {
                            out.report(at, format!("parameter {code0} is declared twice", code0 = code(&name)))
                                .label(*first, "first declared here");
                        }
                        None => seen.push((name, at)),
                    },
                }
                if let Some(t) = p.get("type") {
                    let s = t.as_str().unwrap_or("?");
                    if !TYPES.contains(&s) {
                        let d = out.report(
                            doc.span(t),
                            format!(
                                "parameter type {code0} is not a known type ({})",
                                TYPES.join(", "),
                                code0 = code(&s)
                            ),
                        );
                        if let Some(hint) = crate::parse::text::suggest(s, TYPES.iter().copied()) {
                            d.help(format!("did you mean {code0}?", code0 = code(&hint)));
                        }
                    }
                }
                if p.get("required").and_then(Node::as_bool) == Some(true) {
                    if let Some(e) = p.entry("default") {
                        out.report_with(
                            Severity::Warning,
                            doc.key_span(e),
                            "a required parameter with a default",
                        )
                        .help("drop `required: true` or the default");
                    }
                }
            }
        }
    }
}
