use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks each step's `dependsOn[]` in an innominatus workflow: every entry names a step
    /// of the same workflow, and the dependencies form no cycle. A step's `when` is one of
    /// `always`, `on_success`, `success`, `on_failure`, `failure`, `manual`, or an expression
    /// whose step references (`<step>.…`, `steps.<step>…`) name steps of the workflow.
    ///
    /// ## Why is this bad?
    /// A dependency on a missing step, or a cycle, leaves the step waiting forever or fails
    /// the run when the condition is evaluated ("step '…' not found in context").
    ///
    /// ## Example
    /// ```yaml fixture=fail/broken.yaml
    /// steps:
    ///   - name: database
    ///     type: terraform
    ///     dependsOn: [namespac]
    ///     config: {working_dir: ./tf/db, operation: apply}
    ///   - name: a
    ///     type: policy
    ///     dependsOn: [b]
    ///     config: {script: echo a}
    ///   - name: b
    ///     type: policy
    ///     dependsOn: [a]
    ///     config: {script: echo b}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/chain.yaml
    /// steps:
    ///   - name: namespace
    ///     type: kubernetes
    ///     config: {operation: create-namespace, namespace: team-a}
    ///   - name: database
    ///     type: terraform
    ///     dependsOn: [namespace]
    ///     config: {working_dir: ./tf/db, operation: apply}
    /// ```
    pub InnWfDependsOn {
        id: "inn-wf-depends-on",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

const WHEN: &[&str] = &["always", "on_success", "success", "on_failure", "failure", "manual"];

/// The step a `when` expression refers to that does not exist, if any.
fn when_problem<'a>(when: &'a str, names: &[&str]) -> Option<&'a str> {
    let when = when.trim();
    if WHEN.contains(&when) {
        return None;
    }
    // String literals ('1.2', "a.b") are not references.
    let mut quote = None;
    let unquoted: String = when
        .chars()
        .map(|c| match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                ' '
            }
            (Some(q), _) if c == q => {
                quote = None;
                ' '
            }
            (Some(_), _) => ' ',
            (None, _) => c,
        })
        .collect();
    let words: Vec<&str> = unquoted
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .filter(|w| w.contains('.'))
        .collect();
    let missing = words.into_iter().find_map(|w| {
        let mut seg = w.split('.');
        let first = seg.next().unwrap_or("");
        let step = if first == "steps" {
            seg.next().unwrap_or("")
        } else {
            first
        };
        let scoped = matches!(first, "workflow" | "parameters" | "variables" | "env" | "resources");
        let number = step.starts_with(|c: char| c.is_ascii_digit());
        (!scoped && !number && !step.is_empty() && !names.contains(&step)).then(|| step.to_string())
    })?;
    // Return a slice of the original text for the message.
    when.find(missing.as_str()).map(|i| &when[i..i + missing.len()])
}

impl Rule for InnWfDependsOn {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            let steps = innominatus::steps(doc).and_then(Node::as_seq).unwrap_or(&[]);
            let names: Vec<&str> = steps.iter().map(innominatus::step_name).collect();
            // Edges by step index.
            let mut edges: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
            for (i, step) in steps.iter().enumerate() {
                for dep in step.get("dependsOn").and_then(Node::as_seq).unwrap_or(&[]) {
                    let Some(d) = dep.as_str() else { continue };
                    match names.iter().position(|n| *n == d) {
                        Some(j) => edges[i].push(j),
                        None => {
                            let m = out.report(
                                doc.span(dep),
                                format!(
                                    "step {code0} depends on {code1}, which is not a step of this workflow",
                                    code0 = code(&(names[i])),
                                    code1 = code(&d)
                                ),
                            );
                            if let Some(s) = crate::parse::text::suggest(d, names.iter().copied()) {
                                m.help(format!("did you mean {code0}?", code0 = code(&s)));
                            }
                        }
                    }
                }
            }
            // A cycle: depth-first search, reported once at the step that closes it.
            let mut state = vec![0u8; steps.len()];
            fn visit(i: usize, edges: &[Vec<usize>], state: &mut [u8], closing: &mut Option<usize>) {
                state[i] = 1;
                for &j in &edges[i] {
                    if state[j] == 1 && closing.is_none() {
                        *closing = Some(i);
                    } else if state[j] == 0 {
                        visit(j, edges, state, closing);
                    }
                }
                state[i] = 2;
            }
            let mut closing = None;
            for i in 0..steps.len() {
                if state[i] == 0 {
                    visit(i, &edges, &mut state, &mut closing);
                }
            }
            for step in steps {
                let Some(node) = step.get("when") else { continue };
                let Some(when) = node.as_str() else { continue };
                if let Some(missing) = when_problem(when, &names) {
                    let d = out.report(
                        doc.span(node),
                        format!(
                            "`when` refers to {code0}, which is not a step of this workflow",
                            code0 = code(&missing)
                        ),
                    );
                    if let Some(s) = crate::parse::text::suggest(missing, names.iter().copied()) {
                        d.help(format!("did you mean {code0}?", code0 = code(&s)));
                    }
                }
            }
            if let Some(i) = closing {
                let at = steps[i]
                    .get("dependsOn")
                    .map_or_else(|| doc.span(&steps[i]), |n| doc.span(n));
                out.report(
                    at,
                    format!("step {code0} closes a dependency cycle", code0 = code(&(names[i]))),
                )
                .help("a step cannot wait, directly or through others, for itself");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn when_conditions() {
        let names = ["build", "deploy"];
        assert_eq!(super::when_problem("on_success", &names), None);
        assert_eq!(super::when_problem("build.status == 'success'", &names), None);
        assert_eq!(super::when_problem("steps.deploy.succeeded", &names), None);
        assert_eq!(super::when_problem("biuld.status == 'success'", &names), Some("biuld"));
        assert_eq!(super::when_problem("workflow.env == 'prod'", &names), None);
        assert_eq!(super::when_problem("build.version == '1.2.x'", &names), None);
    }
}
