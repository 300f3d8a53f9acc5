use crate::model::backstage::{step_reference, ParsedSite};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a reference to the output of a step that has an `if:`, unless the reference is guarded:
    /// the consuming step has an `if:` of its own, or the expression applies `default`.
    ///
    /// ## Why is this bad?
    /// When the condition is false the step is skipped and its output is undefined: the consumer
    /// gets an empty value (a broken link in the output, an empty input).
    ///
    /// ## Example
    /// ```yaml fixture=fail/unguarded.yaml
    /// - id: create-pr
    ///   if: ${{ parameters.pushToGit }}
    ///   action: publish:github:pull-request
    ///   input:
    ///     repoUrl: ${{ parameters.repoUrl }}
    ///     branchName: x
    ///     title: x
    ///     description: x
    /// - id: log
    ///   action: debug:log
    ///   input:
    ///     message: ${{ steps['create-pr'].output.remoteUrl }}
    /// ```
    ///
    /// Use instead: a default (or the same `if:` on the step that reads it).
    /// ```yaml fixture=pass/guarded.yaml
    /// - id: log2
    ///   action: debug:log
    ///   input:
    ///     message: ${{ steps['create-pr'].output.remoteUrl | default('none') }}
    /// ```
    pub BsTplStepRefConditional {
        id: "bs-tpl-step-ref-conditional",
        category: Suspicious,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplStepRefConditional {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let steps = t.steps();
            for ParsedSite { site, uses, span } in ws.parsed_expressions(t) {
                if uses.filters.iter().any(|f| f == "default" || f == "d") {
                    continue;
                }
                if site.step.is_some_and(|i| steps[i].node.get("if").is_some()) {
                    continue;
                }
                for path in &uses.paths {
                    let Some((id, _)) = step_reference(path) else { continue };
                    let Some(target) = steps.iter().find(|s| s.id == Some(id)) else {
                        continue;
                    };
                    let Some(cond) = target.node.get("if") else { continue };
                    if cond.as_bool() == Some(true) {
                        continue;
                    }
                    out.report(
                        span,
                        format!(
                            "step {code0} may be skipped, so its output may be undefined here",
                            code0 = code(&id)
                        ),
                    )
                    .label(t.0.span(cond), "its condition")
                    .help("guard the use: give this step the same `if:`, or add `| default(...)`");
                }
            }
        }
    }
}
