use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `API` has the fields its kind schema requires: `spec.type`, `spec.lifecycle`, `spec.owner`, `spec.definition`. Each must be a non-empty string.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`API.v1alpha1.schema.json`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/no-definition.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: API
    /// metadata:
    ///   name: x
    /// spec:
    ///   type: openapi
    ///   lifecycle: production
    ///   owner: team-a
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: API
    /// metadata:
    ///   name: x
    /// spec:
    ///   type: openapi
    ///   lifecycle: production
    ///   owner: team-a
    ///   definition: |
    ///     openapi: 3.0.0
    /// ```
    pub BsKindApi {
        id: "bs-kind-api",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsKindApi {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        super::bs_kind_component::check_spec(ws, out, "API");
    }
}
