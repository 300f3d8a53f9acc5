use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a step `id` used by an earlier step of the same template, and ids that are not strings.
    ///
    /// ## Why is this bad?
    /// The runner stores each step's output under its id (`context.steps[step.id]`): the second step
    /// overwrites the first one's output, and `steps['publish']` means whichever ran last.
    ///
    /// ## Example
    /// ```yaml fixture=fail/duplicate.yaml
    /// - id: publish
    ///   action: publish:github
    ///   input:
    ///     repoUrl: ${{ parameters.repoUrl }}
    /// - id: publish
    ///   action: publish:github:pull-request
    ///   input:
    ///     repoUrl: ${{ parameters.repoUrl }}
    /// ```
    ///
    /// Use instead: give each step its own id (`publish`, `open-pr`).
    pub BsTplStepIds {
        id: "bs-tpl-step-ids",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplStepIds {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let steps = t.steps();
            for step in &steps {
                if let Some(n) = step.node.get("id").filter(|n| n.as_str().is_none()) {
                    out.report(t.0.span(n), "a step `id` must be a string");
                }
                let Some(id) = step.id else { continue };
                if let Some(first) = steps[..step.index].iter().find(|s| s.id == Some(id)) {
                    let node = step.node.get("id").unwrap_or(step.node);
                    out.report(
                        t.0.span(node),
                        format!("step id {code0} is already used", code0 = code(&id)),
                    )
                    .label(t.0.span(first.node.get("id").unwrap_or(first.node)), "first used here")
                    .help("the second step overwrites the first one's output; give each step its own id");
                }
            }
        }
    }
}
