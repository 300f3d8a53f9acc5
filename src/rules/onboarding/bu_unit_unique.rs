use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags two business-unit repositories among the checked folders (for example checkouts of
    /// several organisations side by side) that map to the same `<unit>`, compared
    /// case-insensitively.
    ///
    /// ## Why is this bad?
    /// Both would claim the same tenant namespace and Group: one business unit's catalog and access
    /// would leak into the other's.
    ///
    /// ## Example
    /// `github.com/acme/bu-payments-infrastructure` and `github.com/acme-eu/bu-payments-infrastructure`.
    ///
    /// Use instead: one repository per unit, or distinct unit names.
    pub BuUnitUnique {
        id: "bu-unit-unique",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuUnitUnique {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let repos = &ws.bu_repos;
        for (i, repo) in repos.iter().enumerate() {
            let Some(unit) = repo.unit() else { continue };
            let Some(first) = repos[..i]
                .iter()
                .find(|r| r.unit().is_some_and(|u| u.eq_ignore_ascii_case(unit)))
            else {
                continue;
            };
            let Some(at) = ws.repo_anchor(repo) else { continue };
            let d = out.report(
                at,
                format!(
                    "unit {code0} is also the unit of {code1}",
                    code0 = code(&unit),
                    code1 = code(&first.prefix)
                ),
            );
            if let Some(other) = ws.repo_anchor(first) {
                d.label(other, "the other repository");
            }
            d.help("each business unit has exactly one repository");
        }
    }
}
