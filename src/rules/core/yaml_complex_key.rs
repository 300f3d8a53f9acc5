use crate::model::Workspace;
use crate::parse::source::Span;
use crate::parse::yaml::ProblemKind;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Reports a mapping key that is itself a mapping or a sequence (`? [a, b]: c`,
    /// `{x: 1}: y`). The file is valid YAML, but the document is not checked further: no
    /// Kubernetes tool can read it.
    ///
    /// ## Why is this bad?
    /// Kubernetes objects are JSON, whose keys are strings: `kubectl`, Flux and the API server
    /// cannot turn such a document into an object and reject the whole file.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data:
    ///   ? [region, zone]
    ///   : eu-west-1a
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data:
    ///   region-zone: eu-west-1a
    /// ```
    pub YamlComplexKey {
        id: "yaml-complex-key",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for YamlComplexKey {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for p in ws.problems.iter().filter(|p| p.problem.kind == ProblemKind::ComplexKey) {
            out.report(Span::new(p.file, p.problem.start, p.problem.end), p.problem.message.clone())
                .help("use a string key; the document is not checked further until then");
        }
    }
}
