use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Renders every example XR of the repository (and with `portalint check --render` every
    /// order) with its Composition's function pipeline, in process (docs/render.md), and
    /// flags an XR whose render fails: a function returned a fatal result (a template that
    /// does not execute, a `required` value the XR does not give, a patch whose input is
    /// invalid, a document without its composition-resource-name). The finding is on the XR,
    /// with a label at the template or patch that failed.
    ///
    /// A failure that may be portalint's rather than the Composition's (a step before it runs
    /// a function portalint cannot run, or its EnvironmentConfigs are not among the checked
    /// files) is said as a `render-unsupported` note instead.
    ///
    /// ## Why is this bad?
    /// Crossplane runs the same pipeline for the XR: it fails the same way, nothing is
    /// composed, and the XR is never ready.
    ///
    /// ## Example
    /// The example XR gives no `spec.region`, which the template requires:
    /// ```yaml fixture=fail/required file=examples/xr.yaml
    /// apiVersion: example.org/v1alpha1
    /// kind: XBucket  # expect: xp-render-failed
    /// metadata:
    ///   name: demo
    /// spec: {}
    /// ```
    ///
    /// Use instead: an example that gives what the Composition needs.
    /// ```yaml fixture=pass/required file=examples/xr.yaml
    /// apiVersion: example.org/v1alpha1
    /// kind: XBucket
    /// metadata:
    ///   name: demo
    /// spec:
    ///   region: eu-west-1
    /// ```
    pub XpRenderFailed {
        id: "xp-render-failed",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for XpRenderFailed {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (r, c, xr) in ws.each_render() {
            let Some(f) = &r.failure else { continue };
            if f.incomplete.is_some() {
                continue;
            }
            let d = out.report(
                xr.kind_span(),
                format!(
                    "rendering this XR with the Composition {code0} fails at step {code1}: {msg}",
                    code0 = code(&c.name().unwrap_or("?")),
                    code1 = code(&f.step),
                    msg = f.message
                ),
            );
            if let Some(sp) = f.span {
                d.label(sp, format!("step {code0} fails here", code0 = code(&f.step)));
            }
            d.help(
                "Crossplane runs the same pipeline and fails the same way: give the XR what the \
                 Composition needs, or fix the template or patch (`portalint render` shows the render)",
            );
        }
    }
}
