use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

const READY: &str = "gotemplating.fn.crossplane.io/ready";

crate::declare_rule! {
    /// ## What it does
    /// Checks that `gotemplating.fn.crossplane.io/ready` on a rendered document is `True`,
    /// `False` or `Unspecified`.
    ///
    /// ## Why is this bad?
    /// The function rejects any other value ("must be True, False, or Unspecified").
    ///
    /// ## Example
    /// ```yaml fixture=fail/lowercase file=composition.yaml
    /// annotations:
    ///   gotemplating.fn.crossplane.io/composition-resource-name: config
    ///   gotemplating.fn.crossplane.io/ready: "true"
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/repo file=composition.yaml
    /// annotations:
    ///   gotemplating.fn.crossplane.io/composition-resource-name: config
    ///   gotemplating.fn.crossplane.io/ready: "True"
    /// ```
    pub FnGotplReadyAnnotation {
        id: "fn-gotpl-ready-annotation",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnGotplReadyAnnotation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            for r in ws.composed(&c) {
                let Some(n) = r.root.path(&["metadata", "annotations", READY]) else {
                    continue;
                };
                if r.is_dynamic(n) {
                    continue;
                }
                let v = n.scalar_text().unwrap_or_default();
                if !matches!(v.as_str(), "True" | "False" | "Unspecified") || n.as_str().is_none() {
                    let d = out.report(
                        r.span(n),
                        format!(
                            "{code0} must be the string `True`, `False` or `Unspecified`, found {code1}",
                            code0 = code(&READY),
                            code1 = code(&v)
                        ),
                    );
                    if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") {
                        d.help(format!(
                            "write {code0}",
                            code0 = code(&format!(
                                "\"{}\"",
                                if v.eq_ignore_ascii_case("true") {
                                    "True"
                                } else {
                                    "False"
                                }
                            ))
                        ));
                    }
                }
            }
        }
    }
}
