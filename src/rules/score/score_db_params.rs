use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a `postgres`, `mysql` or `mongodb` resource without parameters (`params`, or
    /// innominatus's `properties`).
    ///
    /// ## Why is this bad?
    /// The database is provisioned with the provider's defaults (size, version, backups),
    /// which rarely suit production and change when the provider does (innominatus's
    /// resource-type check).
    ///
    /// ## Example
    /// ```yaml fixture=fail/defaults.yaml
    /// resources:
    ///   db:
    ///     type: postgres
    ///   docs:
    ///     type: mongodb
    ///     params: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/sized.yaml
    /// resources:
    ///   db:
    ///     type: postgres
    ///     params:
    ///       version: "16"
    /// ```
    pub ScoreDbParams {
        id: "score-db-params",
        category: Suspicious,
        severity: Warning,
        pack: Score,
    }
}

impl Rule for ScoreDbParams {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.score_specs() {
            for r in doc.root.get("resources").and_then(Node::as_map).unwrap_or(&[]) {
                let Some(kind) = r.value.get("type").and_then(Node::as_str) else {
                    continue;
                };
                if !matches!(kind, "postgres" | "mysql" | "mongodb") {
                    continue;
                }
                let has = |k: &str| r.value.get(k).and_then(Node::as_map).is_some_and(|m| !m.is_empty());
                if !has("params") && !has("properties") {
                    out.report(
                        doc.key_span(r),
                        format!(
                            "{code0} resource {code1} has no params",
                            code0 = code(&kind),
                            code1 = code(&r.key)
                        ),
                    )
                    .help("set at least the version and size the workload needs");
                }
            }
        }
    }
}
