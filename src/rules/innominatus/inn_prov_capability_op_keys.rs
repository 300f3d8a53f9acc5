use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the keys under a capability's `operations` are `create`, `read`, `update` or
    /// `delete`.
    ///
    /// ## Why is this bad?
    /// The resolver looks operations up by those four names only: any other key is never used.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// - type: postgres
    ///   operations:
    ///     provision:
    ///       workflow: provision-postgres
    ///     delete:
    ///       workflow: delete-postgres
    /// ```
    ///
    /// Use instead: `create: {workflow: provision-postgres}`.
    pub InnProvCapabilityOpKeys {
        id: "inn-prov-capability-op-keys",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

const OPS: &[&str] = &["create", "read", "update", "delete"];

impl Rule for InnProvCapabilityOpKeys {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            for cap in innominatus::capabilities(doc) {
                for e in cap.get("operations").and_then(|o| o.as_map()).unwrap_or(&[]) {
                    if OPS.contains(&e.key.as_str()) {
                        continue;
                    }
                    let d = out.report(
                        doc.key_span(e),
                        format!("{code0} is not an operation", code0 = code(&e.key)),
                    );
                    match crate::parse::text::suggest(&e.key, OPS.iter().copied())
                        .or((e.key == "provision").then_some("create"))
                    {
                        Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                        None => d.help("use create, read, update or delete"),
                    };
                }
            }
        }
    }
}
