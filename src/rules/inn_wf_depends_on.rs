use crate::model::{innominatus, Workspace};
use crate::rules::{Rule, Sink};
use crate::yaml::Node;

crate::declare_rule! {
    /// ## What it does
    /// Checks each step's `dependsOn[]` in an innominatus workflow: every entry names a step
    /// of the same workflow, and the dependencies form no cycle. (`when` conditions are not
    /// checked yet.)
    ///
    /// ## Why is this bad?
    /// A dependency on a missing step, or a cycle, leaves the step waiting forever or fails
    /// the run when the condition is evaluated ("step '…' not found in context").
    ///
    /// ## Example
    /// ```yaml,ignore
    /// - name: deploy
    ///   dependsOn: [migrate]   # no step is named migrate
    /// ```
    ///
    /// Use instead:
    /// ```yaml,ignore
    ///   dependsOn: [run-migrations]
    /// ```
    pub InnWfDependsOn {
        id: "inn-wf-depends-on",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
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
                            let m = out.report(doc.span(dep), format!("step `{}` depends on `{d}`, which is not a step of this workflow", names[i]));
                            if let Some(s) = crate::text::suggest(d, names.iter().copied()) {
                                m.help(format!("did you mean `{s}`?"));
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
            if let Some(i) = closing {
                let at = steps[i].get("dependsOn").map_or_else(|| doc.span(&steps[i]), |n| doc.span(n));
                out.report(at, format!("step `{}` closes a dependency cycle", names[i]))
                    .help("a step cannot wait, directly or through others, for itself");
            }
        }
    }
}
