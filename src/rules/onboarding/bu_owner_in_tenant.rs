use crate::model::backstage::{namespace, EntityRef};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the `spec.owner` of every entity of a BU repository stays in the tenant: its
    /// namespace (explicit, or the entity's) is the unit, and when the owner is a Group among the
    /// checked files it is the unit's Group or one of its descendants (through `parent`).
    ///
    /// ## Why is this bad?
    /// A cross-tenant owner gives another business unit control of this unit's entities.
    ///
    /// ## Example
    /// In `bu-finance-infrastructure`, the repository of the unit `finance`:
    /// ```yaml fixture=fail/bu-finance-infrastructure file=catalog-info.yaml
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: group:payments/team-a
    /// ```
    ///
    /// Use instead: an owner of the unit, such as `owner: group:finance/finance`.
    pub BuOwnerInTenant {
        id: "bu-owner-in-tenant",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuOwnerInTenant {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (repo, doc) in ws.tenant_entities() {
            let Some(unit) = repo.unit() else { continue };
            let Some(node) = doc.spec().and_then(|s| s.get("owner")) else {
                continue;
            };
            let Some(owner) = node.as_str().filter(|o| !crate::rules::util::is_templated(o)) else {
                continue;
            };
            let r = EntityRef::parse(owner);
            let ns = r.namespace.unwrap_or(namespace(doc));
            if !ns.eq_ignore_ascii_case(unit) {
                out.report(
                    doc.span(node),
                    format!(
                        "owner {code0} is in namespace {code1}, outside the tenant {code2}",
                        code0 = code(&owner),
                        code1 = code(&ns),
                        code2 = code(&unit)
                    ),
                )
                .help(format!(
                    "the owner must be {code0} (the unit's group or one below it)",
                    code0 = code(&format!("group:{unit}/<group>"))
                ));
                continue;
            }
            let key = r.key("Group", namespace(doc));
            let is_group = r.kind.is_none_or(|k| k.eq_ignore_ascii_case("group"));
            if is_group && ws.entities_by_key(&key).next().is_some() && !ws.in_tenant_tree(&key, unit) {
                out.report(
                    doc.span(node),
                    format!(
                        "owner {code0} is not {code1}'s group or one of its descendants",
                        code0 = code(&owner),
                        code1 = code(&unit)
                    ),
                )
                .help("set the group's `parent` chain up to the unit's group, or choose an owner inside the tenant");
            }
        }
    }
}
