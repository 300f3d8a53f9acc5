use crate::model::backstage::action;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags input keys that are not in a known action's input schema (for the actions whose schema
    /// portalint carries: `fetch:*`, `publish:gitea`, `publish:github:pull-request`, `catalog:*`,
    /// `debug:*`, `fs:*`, `http:backstage:request`).
    ///
    /// ## Why is this bad?
    /// Most action schemas do not forbid extra keys, so a misspelt input is silently ignored and
    /// the action runs with its default.
    ///
    /// ## Example
    /// ```yaml fixture=fail/typo.yaml
    /// - id: publish
    ///   action: publish:gitea
    ///   input:
    ///     repoURL: ${{ parameters.repoUrl }}
    /// ```
    ///
    /// Use instead: `repoUrl:`.
    pub BsTplActionUnknownInputs {
        id: "bs-tpl-action-unknown-inputs",
        category: Suspicious,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplActionUnknownInputs {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps() {
                let Some(known) = step.action.and_then(action) else {
                    continue;
                };
                let Some(inputs) = known.inputs else { continue };
                for e in step.input().and_then(|i| i.as_map()).unwrap_or(&[]) {
                    if inputs.contains(&e.key.as_str()) {
                        continue;
                    }
                    let d = out.report(
                        t.0.key_span(e),
                        format!(
                            "{code0} has no input {code1}",
                            code0 = code(&known.id),
                            code1 = code(&e.key)
                        ),
                    );
                    match crate::parse::text::suggest(&e.key, inputs.iter().copied()) {
                        Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                        None => d.help("the action ignores it"),
                    };
                }
            }
        }
    }
}
