use crate::model::Workspace;
use crate::parse::source::Span;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks every line of CODEOWNERS as GitHub reads it: owners are `@user`, `@org/team` or
    /// an email address; patterns use no `!` negation and no `[ ]` character ranges. Runs when
    /// a `policy:` is configured.
    ///
    /// ## Why is this bad?
    /// GitHub skips a line it cannot parse, so the folder silently falls back to an earlier
    /// entry (often `*`): the wrong team approves, and `portalint verdict` decides ownership
    /// from the same file.
    ///
    /// ## Example
    /// A negated pattern, a character class and an owner without `@`, in `.github/CODEOWNERS`:
    /// ```text fixture=fail/invalid file=.github/CODEOWNERS
    /// !/openportal/legacy/ @org/platform
    /// /openportal/team-[ab]/ @org/team-a
    /// /openportal/team-a/ org/team-a
    /// ```
    ///
    /// Use instead:
    /// ```text fixture=pass/valid file=.github/CODEOWNERS
    /// # Platform owns everything not listed below.
    /// * @org/platform
    /// /openportal/team-a/ @org/team-a dev@example.org
    /// ```
    pub GateCodeownersSyntax {
        id: "gate-codeowners-syntax",
        category: Correctness,
        severity: Error,
        pack: Gate,
        reach: Shared,
    }
}

impl Rule for GateCodeownersSyntax {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some((file, owners)) = &ws.codeowners else { return };
        for p in &owners.problems {
            out.report(Span::new(*file, p.span.0, p.span.1), p.message.clone());
        }
    }
}
