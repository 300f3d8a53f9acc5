use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `System` has the fields its kind schema requires: `spec.owner`.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`System.v1alpha1.schema.json`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/no-spec.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: System
    /// metadata:
    ///   name: x
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: System
    /// metadata:
    ///   name: x
    /// spec:
    ///   owner: team-a
    /// ```
    pub BsKindSystem {
        id: "bs-kind-system",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsKindSystem {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        super::bs_kind_component::check_spec(ws, out, "System");
    }
}
