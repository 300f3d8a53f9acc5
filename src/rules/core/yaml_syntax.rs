use crate::model::Workspace;
use crate::parse::source::Span;
use crate::parse::yaml::ProblemKind;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Reports text that is not valid YAML and YAML over the parser's safety limits (nesting
    /// deeper than 256 levels, alias expansion over 100 000 nodes). The document is skipped;
    /// other documents of the same file are still checked. Valid YAML that Kubernetes cannot
    /// read (a mapping or sequence as a key) is `yaml-complex-key`.
    ///
    /// ## Why is this bad?
    /// `kubectl`, Flux and the API server reject the whole file, so nothing in it is applied.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   labels: {app: web
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   labels: {app: web}
    /// ```
    pub YamlSyntax {
        id: "yaml-syntax",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for YamlSyntax {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for p in ws.problems.iter().filter(|p| p.problem.kind == ProblemKind::Syntax) {
            out.report(
                Span::new(p.file, p.problem.start, p.problem.end),
                format!("invalid YAML: {}", p.problem.message),
            );
        }
    }
}
