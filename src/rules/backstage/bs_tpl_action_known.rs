use crate::model::backstage::ACTIONS;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every step's `action` is registered: Backstage's built-in actions
    /// (`fetch:*`, `publish:*`, `catalog:*`, `debug:*`, `fs:*`, `github:*`, `gitlab:*`), common
    /// modules (`http:backstage:request`, `roadiehq:utils:*`, `terasky:*`, `kube:apply`), the Open
    /// Service Portal's custom actions, and the ids listed under `backstage.actions` in the config.
    /// Templated action ids are skipped.
    ///
    /// ## Why is this bad?
    /// The runner looks the action up when the step starts (`actionRegistry.get`): an unknown id
    /// fails the task after the user submitted the form.
    ///
    /// ## Example
    /// ```yaml fixture=fail/typo.yaml
    /// - id: publish
    ///   action: publish:gitee
    ///   input:
    ///     repoUrl: ${{ parameters.repoUrl }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/known.yaml
    /// - id: publish
    ///   action: publish:github
    ///   input:
    ///     repoUrl: ${{ parameters.repoUrl }}
    /// ```
    pub BsTplActionKnown {
        id: "bs-tpl-action-known",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplActionKnown {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps() {
                let Some(action) = step.action else { continue };
                if crate::rules::util::is_templated(action) || ws.action_known(action) {
                    continue;
                }
                let node = step.node.get("action").unwrap_or(step.node);
                let d = out.report(t.0.span(node), format!("unknown action {code0}", code0 = code(&action)));
                let custom = &ws.options.backstage_options.actions;
                match crate::parse::text::suggest(
                    action,
                    ACTIONS.iter().map(|a| a.id).chain(custom.iter().map(String::as_str)),
                ) {
                    Some(s) => d.help(format!(
                        "did you mean {code0}? (register custom actions under `backstage.actions`)",
                        code0 = code(&s)
                    )),
                    None => d.help("register custom actions under `backstage.actions` in the config"),
                };
            }
        }
    }
}
