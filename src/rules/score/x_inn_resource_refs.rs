use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `${resources.<name>.<attribute>}` in the workflows embedded in a Score spec: `<name>`
    /// must be a resource the spec declares under `resources`. (A provider workflow runs for
    /// whatever spec requested its resource, so its references cannot be checked statically.)
    ///
    /// ## Why is this bad?
    /// The reference resolves to nothing when the workflow runs: the step gets an empty host,
    /// password or URL.
    ///
    /// ## Example
    /// ```yaml fixture=fail/spec.yaml
    /// resources:
    ///   db:
    ///     type: postgres
    /// workflows:
    ///   deploy:
    ///     steps:
    ///       - name: migrate
    ///         type: database-migration
    ///         config:
    ///           url: ${resources.database.url}
    /// ```
    ///
    /// Use instead: `${resources.db.url}`.
    pub XInnResourceRefs {
        id: "x-inn-resource-refs",
        category: Correctness,
        severity: Error,
        pack: Score,
    }
}

impl Rule for XInnResourceRefs {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.score_specs() {
            let Some(workflows) = doc.root.get("workflows").and_then(Node::as_map) else {
                continue;
            };
            let declared: Vec<&str> = doc
                .root
                .get("resources")
                .and_then(Node::as_map)
                .unwrap_or(&[])
                .iter()
                .map(|e| e.key.as_str())
                .collect();
            for wf in workflows {
                let mut nodes = Vec::new();
                crate::rules::util::string_nodes(&wf.value, &mut nodes);
                for node in nodes {
                    let text = node.as_str().unwrap_or("");
                    let mut reported: Vec<&str> = Vec::new();
                    for name in crate::rules::util::names_after(text, "${resources.", &['-']) {
                        if declared.contains(&name) || reported.contains(&name) {
                            continue;
                        }
                        reported.push(name);
                        let d = out.report(
                            doc.span(node),
                            format!(
                                "workflow {code0} reads resource {code1}, which the spec does not declare",
                                code0 = code(&wf.key),
                                code1 = code(&name)
                            ),
                        );
                        match crate::parse::text::suggest(name, declared.iter().copied()) {
                            Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                            None => d.help("declare it under `resources`"),
                        };
                    }
                }
            }
        }
    }
}
