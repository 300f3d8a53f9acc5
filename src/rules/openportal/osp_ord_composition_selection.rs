use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an order's composition choice resolves: `spec.crossplane.compositionRef.name`
    /// names a Composition of its type, `compositionSelector.matchLabels` matches one, and no
    /// metadata label tries to select one (judged when Compositions of the type are known from the
    /// repository or `--xrds` sources).
    ///
    /// ## Why is this bad?
    /// Crossplane cannot select a composition and the XR never becomes ready (template-whoami's
    /// `crossplane.io/composition-selector: gitops` label selects nothing).
    ///
    /// ## Example
    /// The only Composition of `WhoAmIApp` is `whoamiapp`, with no labels:
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    ///   labels:
    ///     crossplane.io/composition-selector: gitops
    /// spec:
    ///   name: demo
    ///   crossplane:
    ///     compositionRef:
    ///       name: whoami
    /// ```
    ///
    /// Use instead: drop the label, and name a Composition of the type (or match its labels with
    /// `compositionSelector.matchLabels`):
    /// ```yaml fixture=pass/composition-ref file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// spec:
    ///   name: demo
    ///   replicas: 2
    ///   crossplane:
    ///     compositionRef:
    ///       name: whoamiapp
    /// ```
    pub OspOrdCompositionSelection {
        id: "osp-ord-composition-selection",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdCompositionSelection {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.orders() {
            for (at, msg, help) in crate::rules::util::composition_choice(ws, d) {
                let diag = out.report(at, msg);
                if let Some(h) = help {
                    diag.help(h);
                }
            }
        }
    }
}
