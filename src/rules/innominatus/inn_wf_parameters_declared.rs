use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each `{{ .parameters.X }}` in a workflow's step configs is declared in the
    /// workflow's `parameters[]` or injected by the engine (`app_name`, `resource_name`,
    /// `resource_type`). Other values come from the ordered resource's params, which this
    /// check cannot see: a warning.
    ///
    /// ## Why is this bad?
    /// An undeclared parameter renders as `<no value>` unless the resource happens to pass
    /// it; a misspelt one always does.
    ///
    /// ## Example
    /// ```yaml fixture=fail/params.yaml
    /// parameters:
    ///   - name: bucket_name
    ///     type: string
    /// steps:
    ///   - name: create
    ///     type: policy
    ///     config:
    ///       script: mc mb minio/{{ .parameters.bucket_nam }} --app {{ .parameters.app_name }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/params.yaml
    /// - name: create
    ///   type: policy
    ///   config:
    ///     script: mc mb minio/{{ .parameters.bucket_name }}
    /// ```
    pub InnWfParametersDeclared {
        id: "inn-wf-parameters-declared",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

const INJECTED: &[&str] = &["app_name", "resource_name", "resource_type"];

/// The `X` of every `.parameters.X` in `text`.
fn used(text: &str) -> Vec<&str> {
    crate::rules::util::names_after(text, ".parameters.", &[]).collect()
}

impl Rule for InnWfParametersDeclared {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            let declared: Vec<&str> = doc
                .root
                .get("parameters")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| p.get("name").and_then(Node::as_str))
                .collect();
            let mut nodes = Vec::new();
            for step in innominatus::steps(doc).and_then(Node::as_seq).unwrap_or(&[]) {
                crate::rules::util::string_nodes(step, &mut nodes);
            }
            for node in nodes {
                let mut reported: Vec<&str> = Vec::new();
                for name in used(node.as_str().unwrap_or("")) {
                    if declared.contains(&name) || INJECTED.contains(&name) || reported.contains(&name) {
                        continue;
                    }
                    reported.push(name);
                    let d = out.report(
                        doc.span(node),
                        format!(
                            "{code0} is not declared in `parameters`",
                            code0 = code(&format!(".parameters.{name}"))
                        ),
                    );
                    match crate::parse::text::suggest(name, declared.iter().copied()) {
                        Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                        None => d.help("declare it, unless every resource that runs this workflow passes it"),
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameter_uses() {
        assert_eq!(
            super::used("a {{ .parameters.bucket_name }} {{if .parameters.x}}"),
            ["bucket_name", "x"]
        );
    }
}
