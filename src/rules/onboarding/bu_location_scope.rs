use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::is_templated;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the targets of `Location` entities in a BU repository: a relative target must stay
    /// inside the repository, and a URL target must point into the same repository
    /// (`…/<org>/<repo-name>/…`). Whether a relative target exists is `bs-kind-location`'s check.
    ///
    /// ## Why is this bad?
    /// A Location registers whatever it points at under this tenant: a target in another
    /// repository imports another tenant's entities.
    ///
    /// ## Example
    /// A Location in `bu-finance-infrastructure`:
    /// ```yaml fixture=fail/bu-finance-infrastructure file=catalog-info.yaml
    /// spec:
    ///   targets:
    ///     - https://github.com/acme/bu-payments-infrastructure/blob/main/all.yaml
    ///     - ../bu-payments-infrastructure/all.yaml
    /// ```
    ///
    /// Use instead: targets in this repository.
    /// ```yaml fixture=pass/bu-finance-infrastructure file=catalog-info.yaml
    /// spec:
    ///   targets:
    ///     - ./components/ledger.yaml
    ///     - https://github.com/acme/bu-finance-infrastructure/blob/main/components/ledger.yaml
    /// ```
    pub BuLocationScope {
        id: "bu-location-scope",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
        reach: Shared,
    }
}

impl Rule for BuLocationScope {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (repo, doc) in ws.tenant_entities().into_iter().filter(|(_, d)| d.kind == "Location") {
            let targets = crate::model::backstage::location_targets(doc);
            for t in targets {
                let Some(target) = t.as_str().filter(|s| !is_templated(s)) else {
                    continue;
                };
                if target.contains("://") {
                    if !target.contains(&format!("/{}/", repo.name)) && !target.ends_with(&format!("/{}", repo.name)) {
                        out.report(
                            doc.span(t),
                            format!(
                                "target {code0} is outside the repository {code1}",
                                code0 = code(&target),
                                code1 = code(&repo.name)
                            ),
                        )
                        .help("a BU repository registers only its own files");
                    }
                    continue;
                }
                let inside = ws.from_doc(doc, target).is_some_and(|p| p.starts_with(&repo.prefix));
                if !inside || target.starts_with('/') {
                    out.report(
                        doc.span(t),
                        format!(
                            "target {code0} leaves the repository {code1}",
                            code0 = code(&target),
                            code1 = code(&repo.name)
                        ),
                    )
                    .help("use a path inside this repository");
                }
            }
        }
    }
}
