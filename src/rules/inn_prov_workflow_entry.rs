use crate::model::{innominatus, Workspace};
use crate::rules::{Rule, Sink};
use crate::yaml::Node;

crate::declare_rule! {
    /// ## What it does
    /// Checks each `workflows[]` entry of a provider manifest: `name` and `file` are present,
    /// names are unique, `category` is empty, `provisioner` or `goldenpath`, and `operation` is
    /// empty or one of `create`, `read`, `update`, `delete`.
    ///
    /// ## Why is this bad?
    /// `Provider.Validate` rejects a wrong entry, and with two entries of one name the
    /// resolver's `FindWorkflowByName` silently uses the first.
    ///
    /// ## Example
    /// ```yaml,ignore
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    ///     category: golden-path
    /// ```
    ///
    /// Use instead:
    /// ```yaml,ignore
    ///     category: goldenpath
    /// ```
    pub InnProvWorkflowEntry {
        id: "inn-prov-workflow-entry",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnProvWorkflowEntry {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            let mut names: Vec<(&str, crate::source::Span)> = Vec::new();
            for (i, w) in innominatus::provider_workflows(doc).iter().enumerate() {
                for key in ["name", "file"] {
                    if w.get(key).and_then(Node::as_str).is_none_or(str::is_empty) {
                        out.report(doc.span(w), format!("workflow entry {} has no `{key}`", i + 1));
                    }
                }
                if let Some(n) = w.get("name").and_then(|n| Some((n.as_str()?, doc.span(n)))) {
                    match names.iter().find(|(s, _)| *s == n.0) {
                        Some((_, first)) => {
                            out.report(n.1, format!("a workflow named `{}` is already declared", n.0)).label(*first, "first declared here");
                        }
                        None => names.push(n),
                    }
                }
                for (key, allowed) in [
                    ("category", &["", "provisioner", "goldenpath"][..]),
                    ("operation", &["", "create", "read", "update", "delete"][..]),
                ] {
                    if let Some(v) = w.get(key) {
                        let s = v.as_str().unwrap_or("?");
                        if !allowed.contains(&s) {
                            let shown: Vec<String> = allowed.iter().filter(|a| !a.is_empty()).map(|a| format!("`{a}`")).collect();
                            out.report(doc.span(v), format!("`{key}: {s}` is not allowed: use {} or leave it out", shown.join(", ")));
                        }
                    }
                }
            }
        }
    }
}
