use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `${…}` references in a workflow's steps (fields, config, env, setVariables), as the
    /// strict validation innominatus runs by default: `${workflow.X}` needs `X` in `spec.variables`
    /// (or top-level `variables`); `${<step>.<output>}` with a step's name needs that step to run
    /// earlier and, when it declares `outputs`, list `<output>` there; `${}` is an error. Other references
    /// (environment variables, shell defaults such as `${VAR:-x}`, `${resources.…}` outside a Score
    /// spec) cannot be judged statically and are not reported.
    ///
    /// ## Why is this bad?
    /// In strict mode (the default) the workflow is rejected before it runs; otherwise the value is
    /// empty at run time.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/workflows/delete-postgres.yaml
    /// variables:
    ///   ENVIRONMENT: dev
    /// steps:
    ///   - name: plan
    ///     type: terraform
    ///     outputs: [plan_file]
    ///     config:
    ///       working_dir: ./tf
    ///       operation: plan
    ///       env: ${workflow.ENVIROMENT}
    /// ```
    ///
    /// Use instead: `${workflow.ENVIRONMENT}`.
    pub InnWfVariableRefs {
        id: "inn-wf-variable-refs",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

/// The `${…}` references of a string (body, offset of `${`).
fn refs(s: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = s[from..].find("${") {
        let start = from + at;
        let Some(len) = s[start + 2..].find('}') else { break };
        out.push((&s[start + 2..start + 2 + len], start));
        from = start + 2 + len;
    }
    out
}

impl Rule for InnWfVariableRefs {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            let vars = doc
                .root
                .path(&["spec", "variables"])
                .or_else(|| doc.root.get("variables"));
            let var_names: Vec<&str> = vars
                .and_then(Node::as_map)
                .unwrap_or(&[])
                .iter()
                .map(|e| e.key.as_str())
                .collect();
            let steps = innominatus::steps(doc).and_then(Node::as_seq).unwrap_or(&[]);
            let names: Vec<&str> = steps.iter().map(innominatus::step_name).collect();
            for (i, step) in steps.iter().enumerate() {
                let mut nodes = Vec::new();
                crate::rules::util::string_nodes(step, &mut nodes);
                for node in nodes {
                    let text = node.as_str().unwrap_or("");
                    for (body, _) in refs(text) {
                        let body = body.trim();
                        if body.is_empty() {
                            out.report(doc.span(node), "`${}` is an empty reference");
                            continue;
                        }
                        if body.contains([':', ' ', '#', '%', '/', '{', '(']) {
                            continue;
                        }
                        let Some((head, rest)) = body.split_once('.') else {
                            continue;
                        };
                        if head == "workflow" {
                            if !var_names.contains(&rest) {
                                let d = out.report(
                                    doc.span(node),
                                    format!(
                                        "{code0} is not a workflow variable",
                                        code0 = code(&format!("${{workflow.{rest}}}"))
                                    ),
                                );
                                match crate::parse::text::suggest(rest, var_names.iter().copied()) {
                                    Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                                    None => d.help("declare it under `spec.variables`"),
                                };
                            }
                            continue;
                        }
                        let Some(j) = names.iter().position(|n| *n == head) else {
                            continue;
                        };
                        if j >= i {
                            out.report(
                                doc.span(node),
                                format!(
                                    "{code0} reads step {code1}, which runs {}",
                                    if j == i { "in this step" } else { "later" },
                                    code0 = code(&format!("${{{body}}}")),
                                    code1 = code(&head)
                                ),
                            )
                            .help("a step can read only the outputs of the steps before it");
                            continue;
                        }
                        let outputs = steps[j].get("outputs");
                        let declared = outputs
                            .and_then(Node::as_seq)
                            .map(|s| s.iter().any(|o| o.as_str() == Some(rest)))
                            .or_else(|| outputs.and_then(Node::as_map).map(|m| m.iter().any(|e| e.key == rest)));
                        // Without `outputs` (a sub-workflow, a provisioning step) they are not known.
                        if declared == Some(false) {
                            out.report(
                                doc.span(node),
                                format!(
                                    "step {code0} declares no output {code1}",
                                    code0 = code(&head),
                                    code1 = code(&rest)
                                ),
                            )
                            .help(format!(
                                "list {code0} under the `outputs` of step {code1}",
                                code0 = code(&rest),
                                code1 = code(&head)
                            ));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn references() {
        let r: Vec<&str> = super::refs("a ${workflow.X} ${GITEA:-x} ${}")
            .into_iter()
            .map(|(b, _)| b)
            .collect();
        assert_eq!(r, ["workflow.X", "GITEA:-x", ""]);
    }
}
