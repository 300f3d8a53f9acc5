use crate::model::onboarding::BuName;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the name of a business-unit repository, `bu-<unit>-infrastructure`: `<unit>` must be a
    /// DNS-1123 label (lowercase letters, digits and `-`, at most 63 characters), because it becomes
    /// the tenant's namespace and Group name. With `packs.onboarding: on`, a repository whose name
    /// does not read as a BU repository at all is reported too.
    ///
    /// ## Why is this bad?
    /// The onboarding automation derives the namespace and the Group from `<unit>`: an invalid unit
    /// cannot become either, and the repository is not onboarded.
    ///
    /// ## Example
    /// `bu-Finance_EU-infrastructure`
    ///
    /// Use instead: `bu-finance-eu-infrastructure`.
    pub BuRepoName {
        id: "bu-repo-name",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuRepoName {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for repo in &ws.bu_repos {
            let Some(at) = ws.repo_anchor(repo) else { continue };
            match &repo.class {
                BuName::BadUnit(unit) => {
                    let fixed = unit.to_ascii_lowercase().replace(['_', '.', ' '], "-");
                    out.report(
                        at,
                        format!(
                            "{code0}: the unit {code1} is not a DNS-1123 label",
                            code0 = code(&repo.name),
                            code1 = code(&unit)
                        ),
                    )
                    .help(format!(
                        "rename the repository {code0}",
                        code0 = code(&format!("bu-{fixed}-infrastructure"))
                    ));
                }
                BuName::Other => {
                    out.report(
                        at,
                        format!("{code0} is not a BU repository name", code0 = code(&repo.name)),
                    )
                    .help("name it `bu-<unit>-infrastructure`");
                }
                _ => {}
            }
        }
    }
}
