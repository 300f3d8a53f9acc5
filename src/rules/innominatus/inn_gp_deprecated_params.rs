use crate::model::Workspace;
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
    /// ```yaml,ignore
    /// required_params: [team_name]
    /// ```
    ///
    /// Use instead:
    /// ```yaml,ignore
    /// parameters:
    ///   team_name:
    ///     type: string
    ///     required: true
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
                    out.report(doc.key_span(e), format!("golden path `{}`: `{key}` is deprecated", path.key))
                        .help("declare them under `parameters`, with a type");
                }
            }
        }
    }
}
