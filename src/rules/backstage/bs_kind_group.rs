use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `Group` has the fields its kind schema requires: `spec.type`, `spec.children`. `children` must be present and may be empty (`[]`).
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`Group.v1alpha1.schema.json`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/no-children.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Group
    /// metadata:
    ///   name: x
    /// spec:
    ///   type: team
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/empty-children.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Group
    /// metadata:
    ///   name: x
    /// spec:
    ///   type: team
    ///   children: []
    /// ```
    pub BsKindGroup {
        id: "bs-kind-group",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsKindGroup {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        super::bs_kind_component::check_spec(ws, out, "Group");
    }
}
