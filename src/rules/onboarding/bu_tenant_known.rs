use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each BU repository's unit is registered: a Backstage `Group` named `<unit>` whose
    /// `spec.type` is the configured BU type (`onboarding.group-type`, default `business-unit`).
    /// Checked when the tenant registry is visible: a Group of that type among the checked files, or
    /// `backstage.known-entities` in the config.
    ///
    /// ## Why is this bad?
    /// A repository of an unknown tenant has no owner group and no namespace to register into: the
    /// tenant validator rejects it.
    ///
    /// ## Example
    /// `bu-marketing-infrastructure` with no `marketing` Group.
    ///
    /// Use instead: register the unit's Group first.
    pub BuTenantKnown {
        id: "bu-tenant-known",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuTenantKnown {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let bu_type = ws.options.onboarding_options.group_type.as_str();
        let is_bu_group =
            |d: &&crate::model::Doc| d.kind == "Group" && d.root.str_at(&["spec", "type"]) == Some(bu_type);
        let known = &ws.options.backstage_options.known_entities;
        if !ws.entities().any(|d| is_bu_group(&d)) && known.is_empty() {
            return;
        }
        for repo in &ws.bu_repos {
            let Some(unit) = repo.unit() else { continue };
            let in_files = ws
                .entities()
                .filter(is_bu_group)
                .any(|d| d.name().is_some_and(|n| n.eq_ignore_ascii_case(unit)));
            let in_config = known.iter().any(|k| {
                let r = crate::model::backstage::EntityRef::parse(k);
                r.kind.is_some_and(|k| k.eq_ignore_ascii_case("group")) && r.name.eq_ignore_ascii_case(unit)
            });
            if in_files || in_config {
                continue;
            }
            let Some(at) = ws.repo_anchor(repo) else { continue };
            out.report(
                at,
                format!(
                    "unit {code0} has no Group of type {code1}",
                    code0 = code(&unit),
                    code1 = code(&bu_type)
                ),
            )
            .help(format!(
                "register {code0} with {code1} before onboarding the repository",
                code0 = code(&format!("group:{unit}")),
                code1 = code(&format!("spec.type: {bu_type}"))
            ));
        }
    }
}
