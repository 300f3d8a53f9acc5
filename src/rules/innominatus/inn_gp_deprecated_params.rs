use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags the deprecated `required_params` and `optional_params` of a golden path.
    ///
    /// ## Why is this bad?
    /// They carry no type, pattern or default, and innominatus keeps them only for old files;
    /// `parameters` replaces both.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=goldenpaths.yaml
    /// goldenpaths:
    ///   team-setup:
    ///     workflow: ./workflows/team-setup.yaml
    ///     required_params: [org_name]
    ///     optional_params: [visibility]
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=goldenpaths.yaml
    /// goldenpaths:
    ///   team-setup:
    ///     workflow: ./workflows/team-setup.yaml
    ///     description: Create a team organization
    ///     parameters:
    ///       org_name:
    ///         type: string
    ///         default: platform-team
    ///         pattern: '^[a-z0-9-]+$'
    ///       visibility:
    ///         type: enum
    ///         default: public
    ///         allowed_values: [public, private]
    /// ```
    pub InnGpDeprecatedParams {
        id: "inn-gp-deprecated-params",
        category: Style,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnGpDeprecatedParams {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (doc, path) in ws.golden_paths() {
            for key in ["required_params", "optional_params"] {
                if let Some(e) = path.value.entry(key) {
                    out.report(
                        doc.key_span(e),
                        format!(
                            "golden path {code0}: {code1} is deprecated",
                            code0 = code(&path.key),
                            code1 = code(&key)
                        ),
                    )
                    .help("declare them under `parameters`, with a type");
                }
            }
        }
    }
}
