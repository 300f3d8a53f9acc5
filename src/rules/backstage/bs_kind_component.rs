use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `Component` has the fields its kind schema requires: `spec.type`, `spec.lifecycle`, `spec.owner`, each a non-empty string, and that its optional fields have their schema's types (`system`, `subcomponentOf`: strings; `providesApis`, `consumesApis`, `dependsOn`, `dependencyOf`: lists of non-empty strings; `environmentOverrides`: an object).
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`Component.v1alpha1.schema.json`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/missing.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Component
    /// metadata:
    ///   name: x
    /// spec:
    ///   type: service
    ///   owner: team-a
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Component
    /// metadata:
    ///   name: payments
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: team-a
    /// ```
    pub BsKindComponent {
        id: "bs-kind-component",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsKindComponent {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        check_spec(ws, out, "Component");
    }
}

/// Reports the problems of every `kind` entity's `spec` against its kind schema's field types
/// ([`crate::model::backstage::KIND_FIELDS`]): the `bs-kind-*` rules share it.
pub(crate) fn check_spec(ws: &Workspace, out: &mut Sink, kind: &str) {
    for doc in ws.entities().filter(|d| d.kind == kind) {
        let text = &*ws.sources.get(doc.file).text;
        for (span, message) in crate::model::backstage::spec_problems(doc, text) {
            out.report(span, message);
        }
    }
}
