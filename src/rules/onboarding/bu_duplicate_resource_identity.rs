use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use std::collections::HashMap;

crate::declare_rule! {
    /// ## What it does
    /// Flags a second entity with the same identity fingerprint as an earlier one: the same
    /// `backstage.io/source-location`, `github.com/project-slug` or `backstage.io/kubernetes-id`
    /// annotation, under a different name.
    ///
    /// ## Why is this bad?
    /// Two entities describing one repository or workload split its ownership, docs and
    /// relations: the duplicate detector of the onboarding gates rejects the second.
    ///
    /// ## Example
    /// Two Components both annotated `github.com/project-slug: acme/ledger`.
    ///
    /// Use instead: one entity per repository or workload.
    pub BuDuplicateResourceIdentity {
        id: "bu-duplicate-resource-identity",
        category: Suspicious,
        severity: Warning,
        pack: Onboarding,
        reach: Shared,
    }
}

const IDENTITY: &[&str] = &[
    "backstage.io/source-location",
    "github.com/project-slug",
    "backstage.io/kubernetes-id",
];

impl Rule for BuDuplicateResourceIdentity {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let mut seen: HashMap<(&str, String), &crate::model::Doc> = HashMap::new();
        for doc in ws.entities().filter(|d| d.kind != "Location" && d.kind != "Template") {
            for key in IDENTITY {
                let Some(node) = doc.annotation(key) else { continue };
                let Some(value) = node
                    .as_str()
                    .filter(|v| !v.is_empty() && !crate::rules::util::is_templated(v))
                else {
                    continue;
                };
                let value = value.trim_end_matches('/').to_ascii_lowercase();
                match seen.get(&(*key, value.clone())) {
                    Some(first) => {
                        let name = first.name().unwrap_or("?");
                        out.report(
                            doc.span(node),
                            format!(
                                "{code0} is also the identity of {code1} {code2}",
                                code0 = code(&key),
                                code1 = code(&first.kind),
                                code2 = code(&name)
                            ),
                        )
                        .label(
                            first.span(first.annotation(key).unwrap_or(&first.root)),
                            "first claimed here",
                        )
                        .help("describe each repository or workload with one entity");
                    }
                    None => {
                        seen.insert((*key, value), doc);
                    }
                }
            }
        }
    }
}
