use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::PtInput;
use crate::rules::{Rule, Sink};

const ALLOWED: &[&str] = &[
    "FromCompositeFieldPath",
    "ToCompositeFieldPath",
    "CombineFromComposite",
    "CombineToComposite",
    "FromEnvironmentFieldPath",
    "ToEnvironmentFieldPath",
];

crate::declare_rule! {
    /// ## What it does
    /// Checks that `environment.patches[].type` is one of `FromCompositeFieldPath`,
    /// `ToCompositeFieldPath`, `CombineFromComposite`, `CombineToComposite`,
    /// `FromEnvironmentFieldPath` or `ToEnvironmentFieldPath` (no `PatchSet`, no
    /// environment-combine types).
    ///
    /// ## Why is this bad?
    /// The function rejects the input.
    ///
    /// ## Example
    /// ```yaml fixture=fail/patchset.yaml
    /// environment:
    ///   patches:
    ///   - type: PatchSet
    ///     patchSetName: common
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// environment:
    ///   patches:
    ///   - type: FromEnvironmentFieldPath
    ///     fromFieldPath: zone
    ///     toFieldPath: status.zone
    /// ```
    pub FnPtEnvironmentPatchTypes {
        id: "fn-pt-environment-patch-types",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnPtEnvironmentPatchTypes {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for pt in PtInput::all(ws) {
            for (p, env) in pt.patches() {
                let Some(t) = p.get("type") else { continue };
                let ty = t.as_str().unwrap_or("");
                if env && !ALLOWED.contains(&ty) {
                    out.report(
                        pt.doc.span(t),
                        format!("{code0} is not allowed in `environment.patches`", code0 = code(&ty)),
                    )
                    .help(format!("use one of {}", crate::parse::text::list(ALLOWED, 6)));
                }
            }
        }
    }
}
