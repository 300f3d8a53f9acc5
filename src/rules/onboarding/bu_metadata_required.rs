use crate::model::onboarding::RATED_KINDS;
use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the metadata every rated entity (Component, API, Resource, System) of a BU repository
    /// must carry: `metadata.description`, `spec.owner`, `spec.lifecycle` (Component and API), a
    /// source annotation (`backstage.io/source-location` or `github.com/project-slug`), and a tenant
    /// marker (`metadata.namespace`, or the `onboarding.tenant-label` label).
    ///
    /// ## Why is this bad?
    /// The metadata validator of the onboarding gates rejects the repository: without them the
    /// catalog cannot say what the entity is, who owns it and where its code lives.
    ///
    /// ## Example
    /// ```yaml fixture=fail/bu-finance-infrastructure file=catalog-info.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Component
    /// metadata:
    ///   name: ledger
    /// spec:
    ///   type: service
    ///   owner: group:finance/finance
    /// ```
    ///
    /// Use instead: a description, a tenant marker (`namespace`), a source annotation and a
    /// lifecycle.
    /// ```yaml fixture=pass/bu-finance-infrastructure file=catalog-info.yaml
    /// metadata:
    ///   name: ledger
    ///   namespace: finance
    ///   description: The general ledger of the finance unit
    ///   tags: [java]
    ///   links:
    ///     - url: https://ledger.example.com
    ///   annotations:
    ///     github.com/project-slug: acme/ledger
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: group:finance/finance
    /// ```
    pub BuMetadataRequired {
        id: "bu-metadata-required",
        category: Correctness,
        severity: Error,
        pack: Onboarding,
        reach: Shared,
    }
}

const SOURCE: &[&str] = &["backstage.io/source-location", "github.com/project-slug"];

impl Rule for BuMetadataRequired {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let label = ws.options.onboarding_options.tenant_label.as_str();
        for (_, doc) in ws.tenant_entities() {
            if !RATED_KINDS.contains(&doc.kind.as_str()) {
                continue;
            }
            let set = |keys: &[&str]| doc.root.str_at(keys).is_some_and(|s| !s.trim().is_empty());
            let mut missing = Vec::new();
            if !set(&["metadata", "description"]) {
                missing.push("`metadata.description`");
            }
            if !set(&["spec", "owner"]) {
                missing.push("`spec.owner`");
            }
            if matches!(doc.kind.as_str(), "Component" | "API") && !set(&["spec", "lifecycle"]) {
                missing.push("`spec.lifecycle`");
            }
            if !SOURCE.iter().any(|a| doc.annotation(a).is_some()) {
                missing.push("a source annotation (`backstage.io/source-location` or `github.com/project-slug`)");
            }
            if !set(&["metadata", "namespace"]) && doc.label(label).is_none() {
                missing.push("a tenant marker (`metadata.namespace`)");
            }
            if missing.is_empty() {
                continue;
            }
            let name = doc.name().unwrap_or("?");
            out.report(
                doc.span_of_key(&doc.root, "metadata"),
                format!(
                    "{} {code0} lacks {}",
                    doc.kind,
                    missing.join(", "),
                    code0 = crate::parse::text::code(&name)
                ),
            )
            .help("the onboarding metadata validator requires them");
        }
    }
}
