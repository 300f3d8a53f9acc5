use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the `workflows[].name` values of a provider manifest are unique.
    ///
    /// ## Why is this bad?
    /// The resolver's `FindWorkflowByName` returns the first match: the second workflow of
    /// that name never runs, whatever the capabilities say.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    /// ```
    ///
    /// Use instead: one entry per name.
    /// ```yaml fixture=pass/platform file=providers/db-team/provider.yaml
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    ///     category: provisioner
    ///     operation: create
    /// ```
    pub InnProvWorkflowNamesUnique {
        id: "inn-prov-workflow-names-unique",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnProvWorkflowNamesUnique {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            let mut names: Vec<(&str, crate::parse::source::Span)> = Vec::new();
            for n in innominatus::provider_workflows(doc)
                .iter()
                .filter_map(|w| w.get("name"))
            {
                let Some(name) = n.as_str().map(|s| (s, doc.span(n))) else {
                    continue;
                };
                match names.iter().find(|(s, _)| *s == name.0) {
                    Some((_, first)) => {
                        out.report(
                            name.1,
                            format!("a workflow named {code0} is already declared", code0 = code(&name.0)),
                        )
                        .label(*first, "first declared here")
                        .help("the resolver uses the first workflow of a name; rename one");
                    }
                    None => names.push(name),
                }
            }
        }
    }
}
