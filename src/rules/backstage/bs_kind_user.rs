use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `User` has the fields its kind schema requires: `spec.memberOf`. It must be present and may be empty (`[]`).
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`User.v1alpha1.schema.json`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/no-member-of.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: User
    /// metadata:
    ///   name: x
    /// spec:
    ///   profile:
    ///     displayName: Ada
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/empty-member-of.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: User
    /// metadata:
    ///   name: x
    /// spec:
    ///   memberOf: []
    /// ```
    pub BsKindUser {
        id: "bs-kind-user",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsKindUser {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        super::bs_kind_component::check_spec(ws, out, "User");
    }
}
