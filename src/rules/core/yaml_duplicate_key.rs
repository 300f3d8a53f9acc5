use crate::model::Workspace;
use crate::parse::source::Span;
use crate::parse::yaml::ProblemKind;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Reports a key that appears twice in the same mapping.
    ///
    /// ## Why is this bad?
    /// YAML forbids it, and tools disagree on which value wins: `kubectl` keeps the last one,
    /// strict decoders reject the file. Either way one of the two values is silently lost.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: 1
    ///   replicas: 3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 3
    /// ```
    pub YamlDuplicateKey {
        id: "yaml-duplicate-key",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for YamlDuplicateKey {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for p in &ws.problems {
            if let ProblemKind::DuplicateKey { first } = p.problem.kind {
                out.report(
                    Span::new(p.file, p.problem.start, p.problem.end),
                    p.problem.message.clone(),
                )
                .label(Span::new(p.file, first.0, first.1), "first defined here")
                .help("remove one of the two keys; the last value wins in kubectl");
            }
        }
    }
}
