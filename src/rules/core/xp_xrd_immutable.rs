use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// With `--base` (or `--release`), compares each changed XRD with its base version and flags
    /// changes to fields the API server keeps immutable: `spec.group`, `spec.names`, `spec.scope`,
    /// `spec.enforcedCompositionRef`, and `spec.claimNames` once set.
    ///
    /// ## Why is this bad?
    /// The XRD's CEL validation (`self == oldSelf`) rejects the update: Flux stops syncing the
    /// catalog until someone deletes and recreates the XRD, which deletes every XR of that kind.
    ///
    /// ## Example
    /// The base XRD is `scope: Cluster`; the head changes it:
    /// ```yaml fixture=fail/scope-change file=head/configuration/xrd.yaml
    /// spec:
    ///   group: openportal.dev
    ///   scope: Namespaced
    /// ```
    ///
    /// Use instead: keep the scope (and introduce a new XRD, a new kind or group, for the other
    /// one); compatible changes such as a new optional field are fine.
    /// ```yaml fixture=pass/compatible-change file=head/configuration/xrd.yaml
    /// spec:
    ///   group: openportal.dev
    ///   scope: Namespaced
    /// ```
    pub XpXrdImmutable {
        id: "xp-xrd-immutable",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdImmutable {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (x, c) in ws
            .xrd_changes()
            .filter(|(_, c)| c.class == crate::model::compat::ChangeClass::Immutable)
        {
            let at = c.new.unwrap_or_else(|| x.name_span());
            let d = out.report(at, c.message).help(
                "immutable fields cannot change on an existing XRD: create a new XRD (new kind or group) and migrate",
            );
            if let Some(o) = c.old {
                d.label(o, "base version");
            }
        }
    }
}
