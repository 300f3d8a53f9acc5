use crate::model::onboarding::BuName;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags repository names that look like a business-unit repository but do not match
    /// `bu-<unit>-infrastructure`: `BU-…`, `bu_…`, `bu-<unit>-infra`, `bu-<unit>-infrastructure-old`.
    ///
    /// ## Why is this bad?
    /// Detection is by exact naming convention: such a repository is silently skipped by the
    /// onboarding automation, and the business unit never gets its tenant.
    ///
    /// ## Example
    /// `bu-finance-infra`
    ///
    /// Use instead: `bu-finance-infrastructure`.
    pub BuRepoNearMiss {
        id: "bu-repo-near-miss",
        category: Suspicious,
        severity: Warning,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuRepoNearMiss {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for repo in ws.bu_repos.iter().filter(|r| r.class == BuName::NearMiss) {
            let Some(at) = ws.repo_anchor(repo) else { continue };
            out.report(
                at,
                format!(
                    "{code0} looks like a BU repository but will not be detected",
                    code0 = code(&repo.name)
                ),
            )
            .help("name it `bu-<unit>-infrastructure` (lowercase, `-` separated)");
        }
    }
}
