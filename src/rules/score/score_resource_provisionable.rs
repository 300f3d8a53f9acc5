use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// In a repository with innominatus providers, checks that every `resources.<name>.type` of a
    /// Score spec is claimed by an enabled provider (a primary type, an alias, or a legacy
    /// `resourceTypes` entry) whose capability supports `create`. A type claimed by several
    /// providers is `inn-prov-resource-type-conflict`'s finding.
    ///
    /// ## Why is this bad?
    /// The resolver fails the deployment: "no provider found for resource type", or "does not
    /// support operation" when the provider cannot create it.
    ///
    /// ## Example
    /// The only provider, `providers/db-team/provider.yaml`, claims `postgres`, `postgresql` and
    /// `postgres-ro`:
    /// ```yaml fixture=fail/platform file=apps/web/score.yaml
    /// resources:
    ///   db:
    ///     type: postgresql
    ///   cache:
    ///     type: redis
    /// ```
    ///
    /// Use instead: a type a provider offers, or add a provider for it.
    pub ScoreResourceProvisionable {
        id: "score-resource-provisionable",
        category: Correctness,
        severity: Error,
        pack: Score,
    }
}

impl Rule for ScoreResourceProvisionable {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if ws.inn_providers().next().is_none() {
            return;
        }
        let by_type = ws.providers_by_type();
        for doc in ws.score_specs() {
            for r in doc.root.get("resources").and_then(|r| r.as_map()).unwrap_or(&[]) {
                let Some(node) = r.value.get("type") else { continue };
                let Some(ty) = node.as_str().filter(|t| !t.contains("${")) else {
                    continue;
                };
                let Some((_, providers)) = by_type.iter().find(|(t, _)| *t == ty) else {
                    let d = out.report(
                        doc.span(node),
                        format!(
                            "no enabled provider claims resource type {code0} (resource {code1})",
                            code0 = code(&ty),
                            code1 = code(&r.key)
                        ),
                    );
                    match crate::parse::text::suggest(ty, by_type.iter().map(|(t, _)| *t)) {
                        Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                        None => d.help("add a provider capability for it, or use a type a provider offers"),
                    };
                    continue;
                };
                let [provider] = providers.as_slice() else { continue };
                let cap = innominatus::capabilities(provider)
                    .iter()
                    .find(|c| c.str_at(&["type"]) == Some(ty));
                let Some(cap) = cap else { continue };
                let creates = innominatus::operations(provider, cap).is_some_and(|ops| ops.get("create").is_some());
                if !creates {
                    out.report(
                        doc.span(node),
                        format!(
                            "provider {code0} claims {code1} but has no `create` operation for it",
                            code0 = code(&(provider.name().unwrap_or("?"))),
                            code1 = code(&ty)
                        ),
                    )
                    .label(provider.span(cap), "its capability")
                    .help("add `operations.create` to the capability");
                }
            }
        }
    }
}
