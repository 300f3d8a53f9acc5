use crate::model::backstage::{namespace, EntityRef};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the `System` a Component or Resource of a BU repository belongs to (when it is
    /// among the checked files) is owned by the unit's group or one of its descendants.
    ///
    /// ## Why is this bad?
    /// A component in another unit's system shows up in that unit's architecture and ownership
    /// views: the tenant boundary is crossed through the system.
    ///
    /// ## Example
    /// In `bu-finance-infrastructure`, a component's system is owned by the group `sre`, which is
    /// not under the unit's group `finance` (no `parent`):
    /// ```yaml fixture=fail/bu-finance-infrastructure file=catalog-info.yaml
    ///   system: finance-core
    /// ---
    /// apiVersion: backstage.io/v1alpha1
    /// kind: System
    /// metadata:
    ///   name: finance-core
    ///   namespace: finance
    /// spec:
    ///   owner: group:finance/sre
    /// ```
    ///
    /// Use instead: a system of the finance unit.
    /// ```yaml fixture=pass/bu-finance-infrastructure file=catalog-info.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: System
    /// metadata:
    ///   name: finance-core
    ///   namespace: finance
    /// spec:
    ///   owner: group:finance/finance
    /// ```
    pub BuSystemOwnership {
        id: "bu-system-ownership",
        category: Suspicious,
        severity: Warning,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuSystemOwnership {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (repo, doc) in ws.tenant_entities() {
            let Some(unit) = repo.unit() else { continue };
            if doc.kind != "Component" && doc.kind != "Resource" {
                continue;
            }
            let Some(node) = doc.spec().and_then(|s| s.get("system")) else {
                continue;
            };
            let Some(system) = node.as_str() else { continue };
            let key = EntityRef::parse(system).key("System", namespace(doc));
            let Some(sys) = ws.entities_by_key(&key).next() else {
                continue;
            };
            let Some(owner) = sys.root.str_at(&["spec", "owner"]) else {
                continue;
            };
            let owner_key = EntityRef::parse(owner).key("Group", namespace(sys));
            if ws.in_tenant_tree(&owner_key, unit) {
                continue;
            }
            out.report(
                doc.span(node),
                format!(
                    "system {code0} is owned by {code1}, outside the tenant {code2}",
                    code0 = code(&system),
                    code1 = code(&owner),
                    code2 = code(&unit)
                ),
            )
            .label(
                sys.span(sys.spec().and_then(|s| s.get("owner")).unwrap_or(&sys.root)),
                "its owner",
            )
            .help("put the component in a system of its own business unit");
        }
    }
}
