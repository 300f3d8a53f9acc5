use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `aliasFor` in a provider's capabilities: it names a primary type (one that is not an
    /// alias itself) of the same provider, and an alias defines no `operations` of its own.
    ///
    /// ## Why is this bad?
    /// The SDK's validation (`validateAliasReferences`) rejects the provider: none of its types can be
    /// provisioned.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// - type: postgresql
    ///   aliasFor: postgres
    /// - type: pg
    ///   aliasFor: postgresql
    /// - type: pgsql
    ///   aliasFor: mysql
    /// - type: psql
    ///   aliasFor: postgres
    ///   operations:
    ///     create: {workflow: provision-postgres}
    /// ```
    ///
    /// Use instead: `aliasFor: postgres` on both.
    pub InnProvAlias {
        id: "inn-prov-alias",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnProvAlias {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            let caps = innominatus::capabilities(doc);
            let find = |t: &str| caps.iter().find(|c| c.get("type").and_then(|n| n.as_str()) == Some(t));
            for cap in caps {
                let Some(node) = cap.get("aliasFor") else { continue };
                let target = node.as_str().unwrap_or("");
                let alias = cap.str_at(&["type"]).unwrap_or("?");
                match find(target) {
                    None => {
                        out.report(
                            doc.span(node),
                            format!(
                                "alias {code0} points at {code1}, which this provider does not define",
                                code0 = code(&alias),
                                code1 = code(&target)
                            ),
                        );
                    }
                    Some(t) if t.get("aliasFor").is_some() => {
                        let next = t.str_at(&["aliasFor"]).unwrap_or("?");
                        out.report(
                            doc.span(node),
                            format!(
                                "alias {code0} points at {code1}, which is itself an alias (of {code2})",
                                code0 = code(&alias),
                                code1 = code(&target),
                                code2 = code(&next)
                            ),
                        )
                        .help(format!("point it at the primary type {code0}", code0 = code(&next)));
                    }
                    Some(_) => {}
                }
                if cap.get("operations").is_some() {
                    out.report(
                        doc.span_of_key(cap, "operations"),
                        format!("alias {code0} defines its own `operations`", code0 = code(&alias)),
                    )
                    .help("an alias uses its primary type's operations; remove them");
                }
            }
        }
    }
}
