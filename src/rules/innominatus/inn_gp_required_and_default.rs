use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a golden-path parameter that is `required: true` and has a `default`.
    ///
    /// ## Why is this bad?
    /// The two contradict each other: either the developer must give the value, or the
    /// default is used. Readers of the catalog cannot tell which was meant.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=goldenpaths.yaml
    /// parameters:
    ///   org_name:
    ///     type: string
    ///     required: true
    ///     default: platform-team
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=goldenpaths.yaml
    /// parameters:
    ///   org_name:
    ///     type: string
    ///     default: platform-team
    ///     pattern: '^[a-z0-9-]+$'
    /// ```
    pub InnGpRequiredAndDefault {
        id: "inn-gp-required-and-default",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnGpRequiredAndDefault {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (doc, p) in ws.golden_path_parameters() {
            if p.value.get("required").and_then(Node::as_bool) == Some(true) {
                if let Some(e) = p.value.entry("default") {
                    out.report(
                        doc.key_span(e),
                        format!("parameter {code0} is required and has a default", code0 = code(&p.key)),
                    )
                    .help("drop `required: true` or the default");
                }
            }
        }
    }
}
