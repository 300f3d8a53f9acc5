use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Says, once per Composition, which pipeline steps the render stage of `portalint check`
    /// skipped because portalint cannot run their function in process (anything but
    /// function-go-templating, function-patch-and-transform, function-auto-ready and
    /// function-environment-configs), and which renders stopped in a way that may be
    /// portalint's rather than the Composition's (after such a step, or at EnvironmentConfigs
    /// that are not among the checked files). A note, never a finding that fails a run.
    ///
    /// ## Why is this bad?
    /// It is not: what those steps compose is simply not checked, and the note says so
    /// instead of passing in silence.
    ///
    /// ## Example
    /// A step runs function-kcl, which portalint cannot run:
    /// ```yaml fixture=fail/kcl file=apis/composition.yaml
    ///     - step: kcl  # expect: render-unsupported
    ///       functionRef:
    ///         name: function-kcl
    /// ```
    ///
    /// Use instead: nothing to change; functions portalint runs are rendered.
    /// ```yaml fixture=pass/templating file=apis/composition.yaml
    ///     - step: render
    ///       functionRef:
    ///         name: function-go-templating
    /// ```
    pub RenderUnsupported {
        id: "render-unsupported",
        category: Suspicious,
        severity: Info,
        pack: Core,
    }
}

impl Rule for RenderUnsupported {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for u in &ws.renders.unsupported {
            out.report(
                u.span,
                format!(
                    "step {code0} runs {code1}, which portalint cannot run in process: the render stage \
                     skips it, and what it composes is not checked",
                    code0 = code(&u.step),
                    code1 = code(&u.function)
                ),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for (r, c, xr) in ws.each_render() {
            let Some(f) = &r.failure else { continue };
            let Some(why) = &f.incomplete else { continue };
            if !seen.insert((r.composition, f.step.clone(), f.message.clone())) {
                continue;
            }
            let d = out.report(
                xr.kind_span(),
                format!(
                    "the render of this XR with the Composition {code0} stopped at step {code1} ({msg}), \
                     and that may be portalint's doing: {why}; the rest of the pipeline is not checked",
                    code0 = code(&c.name().unwrap_or("?")),
                    code1 = code(&f.step),
                    msg = f.message
                ),
            );
            if let Some(sp) = f.span {
                d.label(sp, "the render stopped here");
            }
        }
    }
}
