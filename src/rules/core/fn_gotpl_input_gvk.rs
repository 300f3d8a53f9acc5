use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a function-go-templating input is `apiVersion:
    /// gotemplating.fn.crossplane.io/v1beta1`, `kind: GoTemplate`.
    ///
    /// ## Why is this bad?
    /// The function does not check the GVK today, so a wrong group such as
    /// `gotemplating.crossplane.io` works by accident and breaks as soon as input validation
    /// is added; it also defeats schema tooling.
    ///
    /// ## Example
    /// ```yaml fixture=fail/old-group file=composition.yaml
    /// input:
    ///   apiVersion: gotemplating.crossplane.io/v1beta1
    ///   kind: GoTemplate
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/repo file=composition.yaml
    /// input:
    ///   apiVersion: gotemplating.fn.crossplane.io/v1beta1
    ///   kind: GoTemplate
    /// ```
    pub FnGotplInputGvk {
        id: "fn-gotpl-input-gvk",
        category: Suspicious,
        severity: Warning,
        pack: Core,
        reach: Shared,
        fix: true,
    }
}

impl Rule for FnGotplInputGvk {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            for s in c.steps().iter().filter(|s| s.is_go_templating()) {
                let Some(input) = s.input else { continue };
                if let Some(n) = input.get("apiVersion") {
                    if n.as_str() != Some("gotemplating.fn.crossplane.io/v1beta1") {
                        out.report(c.doc.span(n), format!("go-templating input `apiVersion` should be `gotemplating.fn.crossplane.io/v1beta1`, found {code0}", code0 = code(&(n.scalar_text().unwrap_or_default()))))
                            .help("use `apiVersion: gotemplating.fn.crossplane.io/v1beta1`")
                            .fix(crate::rules::edit::set_string(
                                &ws.sources.get(c.doc.file).text,
                                c.doc.span(n),
                                "gotemplating.fn.crossplane.io/v1beta1",
                            ));
                    }
                }
                if let Some(n) = input.get("kind") {
                    if n.as_str() != Some("GoTemplate") {
                        out.report(
                            c.doc.span(n),
                            format!(
                                "go-templating input `kind` should be `GoTemplate`, found {code0}",
                                code0 = code(&(n.scalar_text().unwrap_or_default()))
                            ),
                        );
                    }
                }
            }
        }
    }
}
