use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a `fetch:template` step whose local skeleton holds `.njk` files but which does not set
    /// `templateFileExtension` (`true` or `'.njk'`).
    ///
    /// ## Why is this bad?
    /// Without it every file is rendered and keeps its `.njk` suffix: `catalog-info.yaml.njk` is
    /// committed under that name and `catalog:register` finds no `catalog-info.yaml`.
    ///
    /// ## Example
    /// The skeleton holds `catalog-info.yaml.njk`:
    /// ```yaml fixture=fail/kept file=template.yaml
    /// - id: fetch
    ///   action: fetch:template
    ///   input:
    ///     url: ./skeleton
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/stripped file=template.yaml
    /// - id: fetch
    ///   action: fetch:template
    ///   input:
    ///     url: ./skeleton
    ///     templateFileExtension: true
    /// ```
    pub BsTplSkeletonNjkExtension {
        id: "bs-tpl-skeleton-njk-extension",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplSkeletonNjkExtension {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps().iter().filter(|s| s.action == Some("fetch:template")) {
                let Some(skeleton) = ws.skeleton(t, step) else { continue };
                let Some(njk) = skeleton.files.iter().find(|f| f.0.ends_with(".njk")) else {
                    continue;
                };
                let ext = step.input().and_then(|i| i.get("templateFileExtension"));
                if ext.is_some_and(|e| e.as_bool() == Some(true) || e.as_str() == Some(".njk")) {
                    continue;
                }
                let node = step.input().and_then(|i| i.get("url")).unwrap_or(step.node);
                let n = skeleton.files.iter().filter(|f| f.0.ends_with(".njk")).count();
                out.report(
                    t.0.span(node),
                    format!(
                        "the skeleton holds {n} `.njk` file(s) ({code0}) but the step does not strip the extension",
                        code0 = code(&njk.0)
                    ),
                )
                .help("set `templateFileExtension: true`, or the files are written with their `.njk` suffix");
            }
        }
    }
}
