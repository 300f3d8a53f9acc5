use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `spec.compositionRef`, `compositionSelector`, `compositionRevisionRef`,
    /// `compositionUpdatePolicy` or `resourceRefs` at the top level of a Crossplane v2 XR's `spec`;
    /// they belong under `spec.crossplane`.
    ///
    /// ## Why is this bad?
    /// Flux server-side apply fails with "field not declared in schema" (the v1 habit carried into
    /// v2).
    ///
    /// ## Example
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// spec:
    ///   name: demo
    ///   compositionRef:
    ///     name: whoamiapp
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/composition-ref file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// spec:
    ///   name: demo
    ///   replicas: 2
    ///   crossplane:
    ///     compositionRef:
    ///       name: whoamiapp
    /// ```
    pub OspOrdNoTopLevelCompositionFields {
        id: "osp-ord-no-top-level-composition-fields",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdNoTopLevelCompositionFields {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        const MOVED: &[&str] = &[
            "compositionRef",
            "compositionSelector",
            "compositionRevisionRef",
            "compositionRevisionSelector",
            "compositionUpdatePolicy",
            "resourceRefs",
        ];
        for d in ws.xr_candidates() {
            let Some((x, claim)) = ws.order_xrd(d) else { continue };
            if claim || !x.is_v2() {
                continue;
            }
            for e in d.root.get("spec").and_then(|s| s.as_map()).unwrap_or(&[]) {
                if MOVED.contains(&e.key.as_str()) {
                    out.report(
                        d.key_span(e),
                        format!(
                            "{code0} belongs under `spec.crossplane` in Crossplane v2",
                            code0 = code(&format!("spec.{}", e.key))
                        ),
                    )
                    .help(format!(
                        "move it to {code0}",
                        code0 = code(&format!("spec.crossplane.{}", e.key))
                    ));
                }
            }
        }
    }
}
