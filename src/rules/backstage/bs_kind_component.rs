use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `Component` has the fields its kind schema requires: `spec.type`, `spec.lifecycle`, `spec.owner`. Each must be a non-empty string.
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
        crate::rules::util::required_spec_fields(ws, out, "Component", &["type", "lifecycle", "owner"], &[]);
    }
}
