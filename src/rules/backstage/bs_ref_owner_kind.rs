use crate::model::backstage::{references, EntityRef};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags an `owner` reference whose explicit kind is not `group` or `user`.
    ///
    /// ## Why is this bad?
    /// Only groups and users own entities; the ownership relation points at something that cannot
    /// own anything.
    ///
    /// ## Example
    /// ```yaml fixture=fail/component.yaml
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: component:default/x
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/group-and-user.yaml
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: user:ada
    /// ```
    pub BsRefOwnerKind {
        id: "bs-ref-owner-kind",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsRefOwnerKind {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            for r in references(doc).into_iter().filter(|r| r.field == "owner") {
                let Some(kind) = EntityRef::parse(r.text).kind else {
                    continue;
                };
                if !kind.eq_ignore_ascii_case("group") && !kind.eq_ignore_ascii_case("user") {
                    out.report(
                        doc.span(r.node),
                        format!("an owner must be a group or a user, not a {code0}", code0 = code(&kind)),
                    )
                    .help("write `group:<name>` or `user:<name>`");
                }
            }
        }
    }
}
