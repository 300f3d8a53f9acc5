use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::is_templated;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `Location` has `spec.target` or `spec.targets`, and that each relative target
    /// (resolved against the Location's file; globs skipped) exists among the checked files.
    /// What the catalog's Location schema refuses is an error: no `spec`, or a `type`,
    /// `target` or `targets` item that is not a non-empty string.
    ///
    /// ## Why is this bad?
    /// The schema requires neither field, but a Location without targets registers nothing, and a
    /// target that does not exist registers nothing either: the entities silently stay out of the
    /// catalog.
    ///
    /// ## Example
    /// A Location without targets, and one whose target names no file (the repository has
    /// `components/payments.yaml`):
    /// ```yaml fixture=fail/missing file=catalog-info.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Location
    /// metadata:
    ///   name: root
    /// spec:
    ///   type: url
    /// ---
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Location
    /// metadata:
    ///   name: two
    /// spec:
    ///   targets:
    ///     - ./components/payment.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/targets file=catalog-info.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Location
    /// metadata:
    ///   name: root
    /// spec:
    ///   targets:
    ///     - ./components/payments.yaml
    ///     - ./components/*.yaml
    ///     - https://github.com/acme/x/blob/main/catalog-info.yaml
    /// ```
    pub BsKindLocation {
        id: "bs-kind-location",
        category: Suspicious,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsKindLocation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities().filter(|d| d.kind == "Location") {
            let text = &*ws.sources.get(doc.file).text;
            let refused = crate::model::backstage::spec_problems(doc, text);
            let malformed = !refused.is_empty();
            for (span, message) in refused {
                out.report_with(Severity::Error, span, message)
                    .help("the catalog's Location schema refuses the entity");
            }
            if malformed {
                continue;
            }
            let targets = crate::model::backstage::location_targets(doc);
            if targets.is_empty() {
                out.report(
                    doc.span_of_key(&doc.root, "spec"),
                    "this Location has no `target` or `targets`",
                )
                .help("a Location without targets registers nothing");
                continue;
            }
            for t in targets {
                let Some(target) = t.as_str() else { continue };
                if target.contains("://") || target.contains('*') || is_templated(target) || target.starts_with('/') {
                    continue;
                }
                let Some(path) = ws.from_doc(doc, target) else {
                    out.report(
                        doc.span(t),
                        format!("target {code0} points outside the repository", code0 = code(&target)),
                    );
                    continue;
                };
                if !ws.exists(&path) {
                    out.report(
                        doc.span(t),
                        format!(
                            "target {code0} does not exist ({code1})",
                            code0 = code(&target),
                            code1 = code(&path)
                        ),
                    )
                    .help("a missing target registers nothing");
                }
            }
        }
    }
}
