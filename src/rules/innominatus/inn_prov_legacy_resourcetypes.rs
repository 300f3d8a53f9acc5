use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the legacy `capabilities.resourceTypes` list equals the set of types (primary and
    /// alias) of `capabilities.resourceTypeCapabilities`, when both are present.
    ///
    /// ## Why is this bad?
    /// Both lists feed resource matching and conflict detection: a type missing from one is
    /// provisionable through one path and not the other.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// capabilities:
    ///   resourceTypeCapabilities:
    ///     - type: postgres
    ///       operations:
    ///         create:
    ///           workflow: provision-postgres
    ///         delete:
    ///           workflow: delete-postgres
    ///     - type: postgresql
    ///       aliasFor: postgres
    ///   resourceTypes: [postgres, mysql]
    /// ```
    ///
    /// Use instead: `resourceTypes: [postgres, postgresql]`, or drop the legacy list.
    pub InnProvLegacyResourcetypes {
        id: "inn-prov-legacy-resourcetypes",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnProvLegacyResourcetypes {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            let Some(legacy_node) = doc.root.path(&["capabilities", "resourceTypes"]) else {
                continue;
            };
            let caps = innominatus::capabilities(doc);
            if caps.is_empty() {
                continue;
            }
            let typed: Vec<&str> = caps.iter().filter_map(|c| c.str_at(&["type"])).collect();
            let legacy: Vec<&crate::parse::yaml::Node> =
                legacy_node.as_seq().map(|s| s.iter().collect()).unwrap_or_default();
            for t in typed.iter().filter(|t| !legacy.iter().any(|l| l.as_str() == Some(**t))) {
                out.report(
                    doc.span(legacy_node),
                    format!(
                        "`resourceTypes` misses {code0}, a type of `resourceTypeCapabilities`",
                        code0 = code(&t)
                    ),
                );
            }
            for l in legacy
                .iter()
                .filter(|l| l.as_str().is_some_and(|s| !typed.contains(&s)))
            {
                out.report(
                    doc.span(l),
                    format!(
                        "{code0} is not a type of `resourceTypeCapabilities`",
                        code0 = code(&(l.as_str().unwrap_or("")))
                    ),
                );
            }
        }
    }
}
