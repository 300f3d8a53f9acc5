use crate::model::backstage::{step_reference, ParsedSite};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `steps.<id>.output.<name>`: steps expose only `output`, and when portalint knows the
    /// step's action (the built-in table, or `backstage.action-outputs` in the config) `<name>` must
    /// be one of its outputs. `fetch:template`, `fetch:plain` and `debug:log` have none;
    /// `publish:github`/`publish:gitea` emit `remoteUrl`, `repoContentsUrl`, `commitHash`;
    /// `catalog:register` emits `entityRef`, `catalogInfoUrl`.
    ///
    /// ## Why is this bad?
    /// An output the action does not emit renders as empty.
    ///
    /// ## Example
    /// ```yaml fixture=fail/outputs.yaml
    /// - id: fetch-template
    ///   action: fetch:template
    ///   input:
    ///     url: ./skeleton
    /// - id: publish
    ///   action: publish:github
    ///   input:
    ///     repoUrl: ${{ parameters.repoUrl }}
    /// - id: log
    ///   action: debug:log
    ///   input:
    ///     message: ${{ steps['fetch-template'].output.targetPath }}
    ///     other: ${{ steps.publish.output.remoteURL }}
    ///     third: ${{ steps.publish.input.repoUrl }}
    /// ```
    ///
    /// Use instead: reuse the value that was passed to the step (`parameters.targetPath`).
    pub BsTplStepOutputKnown {
        id: "bs-tpl-step-output-known",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplStepOutputKnown {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let steps = t.steps();
            for ParsedSite { uses, span, .. } in ws.parsed_expressions(t) {
                for path in &uses.paths {
                    let Some((id, rest)) = step_reference(path) else {
                        continue;
                    };
                    match rest.first().map(String::as_str) {
                        None | Some("output") => {}
                        Some(other) => {
                            out.report(
                                span,
                                format!("steps expose only `output`, not {code0}", code0 = code(&other)),
                            )
                            .help(format!(
                                "write {code0}",
                                code0 = code(&format!("steps['{id}'].output.<name>"))
                            ));
                            continue;
                        }
                    }
                    let Some(name) = rest.get(1) else { continue };
                    let Some(step) = steps.iter().find(|s| s.id == Some(id)) else {
                        continue;
                    };
                    let Some(action) = step.action else { continue };
                    let Some(outputs) = ws.action_outputs(action) else {
                        continue;
                    };
                    if outputs.contains(&name.as_str()) {
                        continue;
                    }
                    let d = out.report(
                        span,
                        format!(
                            "{code0} has no output {code1}",
                            code0 = code(&action),
                            code1 = code(&name)
                        ),
                    );
                    d.label(
                        t.0.span(step.node.get("action").unwrap_or(step.node)),
                        "the step's action",
                    );
                    if outputs.is_empty() {
                        d.help(format!("{code0} emits no outputs", code0 = code(&action)));
                    } else if let Some(s) = crate::parse::text::suggest(name, outputs.iter().copied()) {
                        d.help(format!("did you mean {code0}?", code0 = code(&s)));
                    } else {
                        let outputs: Vec<&str> = outputs.iter().map(|o| &**o).collect();
                        d.help(format!(
                            "it emits {}",
                            crate::parse::text::nearest(name, &outputs, crate::parse::text::NEAREST)
                        ));
                    }
                }
            }
        }
    }
}
