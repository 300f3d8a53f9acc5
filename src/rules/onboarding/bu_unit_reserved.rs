use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a unit that collides with a platform or system namespace (`default`, `system`,
    /// `kube-*`, the configured platform namespaces such as `crossplane-system` and `flux-system`) or
    /// with a platform Group name (`onboarding.platform-groups`).
    ///
    /// ## Why is this bad?
    /// The tenant would be created in, or be confused with, a namespace the platform owns.
    ///
    /// ## Example
    /// `bu-system-infrastructure`
    ///
    /// Use instead: a unit named after the business unit.
    pub BuUnitReserved {
        id: "bu-unit-reserved",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuUnitReserved {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let groups = &ws.options.onboarding_options.platform_groups;
        for repo in &ws.bu_repos {
            let Some(unit) = repo.unit() else { continue };
            let namespace = unit == "system"
                || unit == "default"
                || crate::rules::util::matches_any(unit, &ws.options.orders.platform_namespaces);
            let group = groups.iter().any(|g| g.eq_ignore_ascii_case(unit));
            if !namespace && !group {
                continue;
            }
            let Some(at) = ws.repo_anchor(repo) else { continue };
            let what = if namespace {
                "a platform namespace"
            } else {
                "a platform group"
            };
            out.report(at, format!("unit {code0} is {what}", code0 = code(&unit)))
                .help("choose a unit named after the business unit");
        }
    }
}
