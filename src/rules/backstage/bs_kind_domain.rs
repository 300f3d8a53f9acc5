use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `Domain` has the fields its kind schema requires: `spec.owner`.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`Domain.v1alpha1.schema.json`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/no-owner.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Domain
    /// metadata:
    ///   name: x
    /// spec:
    ///   description: x
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Domain
    /// metadata:
    ///   name: x
    /// spec:
    ///   owner: team-a
    /// ```
    pub BsKindDomain {
        id: "bs-kind-domain",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsKindDomain {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        super::bs_kind_component::check_spec(ws, out, "Domain");
    }
}
