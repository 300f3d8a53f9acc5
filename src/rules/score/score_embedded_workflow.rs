use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the workflows innominatus lets a Score spec embed (`workflows.<name>.steps[]`):
    /// each workflow has at least one step, each step a `name` and a `type`, and the type has
    /// an executor (see `inn-wf-step-type-known`).
    ///
    /// ## Why is this bad?
    /// innominatus's Score validator rejects the spec (`validateWorkflows`), or the run stops
    /// at the step no executor handles.
    ///
    /// ## Example
    /// ```yaml fixture=fail/steps.yaml
    /// workflows:
    ///   deploy:
    ///     steps:
    ///       - type: terraform
    ///       - name: push
    ///         type: git-pr
    ///   cleanup:
    ///     steps: []
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/deploy.yaml
    /// workflows:
    ///   deploy:
    ///     steps:
    ///       - name: provision
    ///         type: terraform
    ///         config: {working_dir: ./tf, operation: apply}
    /// ```
    pub ScoreEmbeddedWorkflow {
        id: "score-embedded-workflow",
        category: Correctness,
        severity: Error,
        pack: Score,
    }
}

impl Rule for ScoreEmbeddedWorkflow {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let executors = innominatus::executor_step_types();
        for doc in ws.score_specs() {
            for wf in doc.root.get("workflows").and_then(Node::as_map).unwrap_or(&[]) {
                let steps = wf.value.get("steps").and_then(Node::as_seq).unwrap_or(&[]);
                if steps.is_empty() {
                    out.report(
                        doc.key_span(wf),
                        format!("workflow {code0} has no steps", code0 = code(&wf.key)),
                    );
                    continue;
                }
                for (i, step) in steps.iter().enumerate() {
                    for key in ["name", "type"] {
                        if step.get(key).and_then(Node::as_str).is_none_or(str::is_empty) {
                            out.report(
                                doc.span(step),
                                format!(
                                    "workflow {code0}: step {} has no {code1}",
                                    i + 1,
                                    code0 = code(&wf.key),
                                    code1 = code(&key)
                                ),
                            );
                        }
                    }
                    let Some(t) = step.get("type") else { continue };
                    let Some(name) = t.as_str().filter(|n| !n.is_empty()) else {
                        continue;
                    };
                    if !executors.contains(&name) {
                        let d = out.report(
                            doc.span(t),
                            format!(
                                "workflow {code0}: no executor handles step type {code1}",
                                code0 = code(&wf.key),
                                code1 = code(&name)
                            ),
                        );
                        if let Some(s) = crate::parse::text::suggest(name, executors.iter().copied()) {
                            d.help(format!("did you mean {code0}?", code0 = code(&s)));
                        }
                    }
                }
            }
        }
    }
}
