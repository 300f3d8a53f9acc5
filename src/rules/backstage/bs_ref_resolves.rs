use crate::model::backstage::{references, EntityRef};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use std::collections::HashMap;

crate::declare_rule! {
    /// ## What it does
    /// Checks that entity references resolve: `owner` to a Group or User, `system` to a System,
    /// `domain` to a Domain, `providesApis`/`consumesApis` to APIs, `parent`/`children`/`memberOf` to
    /// Groups, and so on. A reference is checked only when the checked files (or the configured
    /// `backstage.known-entities`) define entities of its kind, so that references into an org
    /// catalog portalint cannot see are not reported.
    ///
    /// ## Why is this bad?
    /// Backstage accepts a dangling reference but shows a broken relation: the component has no owner
    /// in the UI, the system page misses it.
    ///
    /// ## Example
    /// The checked files define the Group `team-a` and the System `billing`:
    /// ```yaml fixture=fail/typo.yaml
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: team-b
    ///   system: biling
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/resolved.yaml
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: group:default/team-a
    ///   system: billing
    /// ```
    pub BsRefResolves {
        id: "bs-ref-resolves",
        category: Suspicious,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsRefResolves {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        // Entity names by kind (lowercase), for suggestions; built once.
        let mut names: HashMap<String, Vec<&str>> = HashMap::new();
        for d in ws.entities() {
            if let Some(n) = d.name() {
                names.entry(d.kind.to_ascii_lowercase()).or_default().push(n);
            }
        }
        for doc in ws.entities() {
            for r in references(doc) {
                let kind = r.target_kind();
                if r.kinds.is_empty() && r.text.find(':').is_none() || !ws.knows_kind(kind) {
                    continue;
                }
                let key = r.key(doc);
                if EntityRef::parse(r.text).problem().is_some() || ws.resolves(&key) {
                    continue;
                }
                let candidates = names.get(&kind.to_ascii_lowercase()).map_or(&[][..], Vec::as_slice);
                let d = out.report(
                    doc.span(r.node),
                    format!(
                        "{} refers to {}, which is not defined",
                        code(&format!("spec.{}", r.field)),
                        code(&key)
                    ),
                );
                match crate::parse::text::suggest(EntityRef::parse(r.text).name, candidates.iter().copied()) {
                    Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                    None => d.help("define the entity, or list it under `backstage.known-entities` in the config"),
                };
            }
        }
    }
}
