use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `Resource` has the fields its kind schema requires: `spec.type`, `spec.owner`.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`Resource.v1alpha1.schema.json`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/no-type.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Resource
    /// metadata:
    ///   name: x
    /// spec:
    ///   owner: team-a
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Resource
    /// metadata:
    ///   name: x
    /// spec:
    ///   type: database
    ///   owner: team-a
    /// ```
    pub BsKindResource {
        id: "bs-kind-resource",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsKindResource {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        super::bs_kind_component::check_spec(ws, out, "Resource");
    }
}
