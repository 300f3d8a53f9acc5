use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `policies.allowedEnvironments[]` of `admin-config.yaml`: each entry is kebab-case
    /// (error); names other than `development`, `staging` and `production` are reported as
    /// warnings; listing `production` with `enforceBackups: false` is a warning.
    ///
    /// ## Why is this bad?
    /// The admin validator rejects names that are not kebab-case; unusual names usually are typos,
    /// and a production environment without enforced backups is a risk the validator flags.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// policies:
    ///   enforceBackups: true
    ///   allowedEnvironments:
    ///     - development
    ///     - Prod
    ///     - qa
    /// ```
    ///
    /// Use instead: `allowedEnvironments: [development, staging, production]`.
    pub InnAdmEnvironments {
        id: "inn-adm-environments",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

const USUAL: &[&str] = &["development", "staging", "production"];

impl Rule for InnAdmEnvironments {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        let Some(policies) = doc.root.get("policies") else {
            return;
        };
        let envs = policies
            .get("allowedEnvironments")
            .and_then(|e| e.as_seq())
            .unwrap_or(&[]);
        for e in envs {
            let name = e.scalar_text().unwrap_or_default();
            if !crate::rules::util::is_dns1123_label(&name) {
                out.report(
                    doc.span(e),
                    format!("environment {code0} is not kebab-case", code0 = code(&name)),
                )
                .help("use lowercase letters, digits and `-`");
            } else if !USUAL.contains(&name.as_str()) {
                let d = out.report_with(
                    Severity::Warning,
                    doc.span(e),
                    format!(
                        "{code0} is not one of development, staging, production",
                        code0 = code(&name)
                    ),
                );
                if let Some(s) = crate::parse::text::suggest(&name, USUAL.iter().copied()) {
                    d.help(format!("did you mean {code0}?", code0 = code(&s)));
                }
            }
            if name == "production" && policies.get("enforceBackups").and_then(|b| b.as_bool()) == Some(false) {
                out.report_with(
                    Severity::Warning,
                    doc.span(e),
                    "production is allowed but `enforceBackups` is false",
                )
                .help("set `policies.enforceBackups: true`");
            }
        }
    }
}
