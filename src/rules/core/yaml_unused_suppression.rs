use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `# portalint: ignore[…]` or `# portalint: ignore-file[…]` comment that does
    /// nothing: an id that is no rule (nor alias), an id whose rule ran and found nothing
    /// there, and, when no `select` narrows the run, a suppression of every rule that
    /// suppressed nothing (as ruff's `RUF100`).
    ///
    /// The forms, as ruff's `# noqa`:
    /// - `# portalint: ignore[rule-id, other-id]` at the end of the offending line, or on a
    ///   comment line of its own above it;
    /// - `# portalint: ignore-file[rule-id]` anywhere in a file, for the whole file;
    /// - `all` (`ignore[all]`) and the bare forms `# portalint: ignore` and
    ///   `# portalint: ignore-file` suppress every rule. A bare suppression is accepted
    ///   rather than reported because it is what a user writes first (ruff's bare `# noqa`
    ///   works the same way), and it cannot hide anything silently: when it suppresses
    ///   nothing this rule reports it.
    ///
    /// It runs after the other rules (it needs their findings): an id of a rule that did not
    /// run (not selected, or its pack is off) is not reported.
    ///
    /// ## Why is this bad?
    /// A misspelled id suppresses nothing while looking like it does, and a stale suppression
    /// will hide the next real finding on that line without anyone noticing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: demo  # portalint: ignore[k8s-dns1123-subdomian]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: demo
    /// ```
    pub YamlUnusedSuppression {
        id: "yaml-unused-suppression",
        category: Suspicious,
        severity: Warning,
        pack: Core,
    }
}

impl Rule for YamlUnusedSuppression {
    /// Reported by the policy stage ([`crate::engine::settings::apply`]), once every other
    /// rule's findings are known.
    fn check(&self, _ws: &Workspace, _out: &mut Sink) {}
}
