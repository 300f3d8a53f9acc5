use crate::model::onboarding::{failing_checks, score, RATED_KINDS};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Scores every rated entity (Component, API, Resource, System) of a BU repository from 0 to
    /// 100 and reports those below `onboarding.quality-threshold` (default 60), with the checks they
    /// fail. The weights:
    ///
    /// | check | points |
    /// |---|---|
    /// | `description`: `metadata.description` of at least 20 characters | 25 |
    /// | `owner-resolves`: `spec.owner` valid, and resolved when its kind is known here | 20 |
    /// | `system`: `spec.system` set (Systems pass) | 15 |
    /// | `tags`: at least one valid tag | 10 |
    /// | `links-or-docs`: `metadata.links` or a `backstage.io/techdocs-ref` annotation | 10 |
    /// | `no-placeholders`: no `TODO`, `TBD`, `FIXME`, `changeme`, `lorem ipsum` or `${{` | 10 |
    /// | `mature-lifecycle`: not `experimental` when its file is older than `onboarding.experimental-max-days` (default 90) in the git history | 10 |
    ///
    /// The repository's score, the mean of its entities' scores, is in the JSON summary
    /// (`summary.quality`: repo, unit, score — `null` without rated entities —, entities,
    /// below_threshold, and how many entities fail each check) and under the text report. Outside
    /// a git repository (and in a streamed check) file ages are unknown and `mature-lifecycle`
    /// passes.
    ///
    /// ## Why is this bad?
    /// A catalog of entities with a name and an owner only cannot be searched, navigated or trusted;
    /// the quality scorer of the onboarding gates holds the repository back.
    ///
    /// ## Example
    /// ```yaml fixture=fail/bu-finance-infrastructure file=catalog-info.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Component
    /// metadata:
    ///   name: ledger
    ///   namespace: finance
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: group:finance/finance
    /// ```
    ///
    /// Use instead: add a description, a system, tags and links.
    pub BuQualityScore {
        id: "bu-quality-score",
        category: Style,
        severity: Warning,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuQualityScore {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let threshold = ws.options.onboarding_options.quality_threshold;
        for (_, doc) in ws.tenant_entities() {
            if !RATED_KINDS.contains(&doc.kind.as_str()) {
                continue;
            }
            let failing = failing_checks(ws, doc);
            let points = score(&failing);
            if points >= threshold {
                continue;
            }
            let name = doc.name().unwrap_or("?");
            out.report(
                doc.span_of_key(&doc.root, "metadata"),
                format!(
                    "{} {code0} scores {points}/100 (threshold {threshold})",
                    doc.kind,
                    code0 = code(&name)
                ),
            )
            .help(format!("failing checks: {}", failing.join(", ")));
        }
    }
}
