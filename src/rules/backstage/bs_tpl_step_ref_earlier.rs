use crate::model::backstage::{step_reference, ParsedSite};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks every `steps.<id>` / `steps['<id>']` in a step's fields: it must name a step that runs
    /// **earlier**. In `spec.output` it must name any step of the template.
    ///
    /// ## Why is this bad?
    /// A step's output is added to the context only after it runs, so a reference to a later (or
    /// missing) step renders as empty and the action gets `undefined`.
    ///
    /// ## Example
    /// ```yaml fixture=fail/later.yaml
    /// - id: register
    ///   action: catalog:register
    ///   input:
    ///     repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
    /// - id: publish
    ///   action: publish:github
    ///   if: ${{ steps.publish.output.remoteUrl }}
    ///   input:
    ///     repoUrl: ${{ parameters.repoUrl }}
    /// ```
    ///
    /// Use instead: move `publish` before `register`.
    pub BsTplStepRefEarlier {
        id: "bs-tpl-step-ref-earlier",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplStepRefEarlier {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let steps = t.steps();
            for ParsedSite { site, uses, span } in ws.parsed_expressions(t) {
                for path in &uses.paths {
                    let Some((id, _)) = step_reference(path) else { continue };
                    match (steps.iter().find(|s| s.id == Some(id)), site.step) {
                        (None, _) => {
                            let ids = steps.iter().filter_map(|s| s.id);
                            let d = out.report(span, format!("there is no step {code0}", code0 = code(&id)));
                            if let Some(s) = crate::parse::text::suggest(id, ids) {
                                d.help(format!("did you mean {code0}?", code0 = code(&s)));
                            }
                        }
                        (Some(target), Some(at)) if target.index >= at => {
                            let when = if target.index == at {
                                "is this step itself"
                            } else {
                                "runs later"
                            };
                            out.report(
                                span,
                                format!("step {code0} {when}: its output is not set yet", code0 = code(&id)),
                            )
                            .label(t.0.span(target.node.get("id").unwrap_or(target.node)), "defined here")
                            .help("a step can read only the outputs of the steps before it");
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}
