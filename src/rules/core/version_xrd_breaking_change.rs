use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// With `--base` (or `--release`), lists the breaking changes between the base and the head
    /// version of each changed XRD, each at its node in both versions: a field removed, a type
    /// changed, a field newly required without a default, an enum, pattern or bound tightened, a
    /// served version removed, the referenceable version changed. (Compatible changes, such as a
    /// new optional field or a wider enum, are not reported.)
    ///
    /// ## Why is this bad?
    /// Existing XRs (orders) that were valid stop validating, and clients built against the old
    /// schema break; such a change needs a new major version (`version-bump-required`).
    ///
    /// ## Example
    /// The base XRD has `enum: [small, medium, large]`; the head narrows it:
    /// ```yaml fixture=fail/enum-narrowed file=head/configuration/xrd.yaml
    /// size:
    ///   type: string
    ///   enum: [small, large]
    /// ```
    ///
    /// Use instead: only widen it.
    /// ```yaml fixture=pass/enum-widened file=head/configuration/xrd.yaml
    /// size:
    ///   type: string
    ///   enum: [small, medium, large, xlarge]
    /// ```
    pub VersionXrdBreakingChange {
        id: "version-xrd-breaking-change",
        category: Suspicious,
        severity: Warning,
        pack: Core,
    }
}

impl Rule for VersionXrdBreakingChange {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (x, c) in ws
            .xrd_changes()
            .filter(|(_, c)| c.class == crate::model::compat::ChangeClass::Breaking)
        {
            let at = c.new.unwrap_or_else(|| x.name_span());
            let d = out
                .report(at, format!("breaking change: {}", c.message))
                .help("existing XRs may stop validating; release it as a new major version");
            if let Some(o) = c.old {
                d.label(o, "base version");
            }
        }
    }
}
