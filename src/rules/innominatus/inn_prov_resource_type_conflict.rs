use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a resource type (primary, alias or legacy `resourceTypes` entry) claimed by more than
    /// one enabled provider (providers disabled in `admin-config.yaml` are not counted).
    ///
    /// ## Why is this bad?
    /// The loader reports "capability conflicts" and the resolver fails at runtime with "multiple
    /// providers claim resource type": no resource of that type can be provisioned.
    ///
    /// ## Example
    /// `providers/db-team/provider.yaml` also claims `postgres` and `postgresql`:
    /// ```yaml fixture=fail/platform file=providers/test-team/provider.yaml
    /// metadata:
    ///   name: test-team
    ///   version: 1.0.0
    /// compatibility:
    ///   minCoreVersion: 1.0.0
    ///   maxCoreVersion: 2.0.0
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
    ///   resourceTypes: [postgres, postgresql]
    /// ```
    ///
    /// Use instead: one provider per type; give test providers their own type (`postgres-mock`).
    pub InnProvResourceTypeConflict {
        id: "inn-prov-resource-type-conflict",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnProvResourceTypeConflict {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (t, providers) in ws.providers_by_type() {
            let [first, rest @ ..] = providers.as_slice() else {
                continue;
            };
            for p in rest {
                let Some((_, node)) = innominatus::claimed_types(p).into_iter().find(|(u, _)| *u == t) else {
                    continue;
                };
                let first_node = innominatus::claimed_types(first)
                    .into_iter()
                    .find(|(u, _)| *u == t)
                    .map(|(_, n)| n);
                out.report(
                    p.span(node),
                    format!(
                        "resource type {code0} is also claimed by {code1}",
                        code0 = code(&t),
                        code1 = code(&(first.name().unwrap_or("?")))
                    ),
                )
                .label(first.span(first_node.unwrap_or(&first.root)), "claimed here")
                .help("one enabled provider per resource type; disable one in admin-config.yaml or rename the type");
            }
        }
    }
}
