use crate::model::Workspace;
use crate::parse::source::Span;
use crate::rules::{Rule, Sink};
use crate::schema::ErrorKind;

crate::declare_rule! {
    /// ## What it does
    /// Validates every Score workload spec (YAML or JSON; an `apiVersion` of the `score.dev`
    /// group, or without one a mapping of Score's top-level keys with `metadata` and
    /// `containers`) against the Score JSON Schema (`score-v1b1.json`, vendored in
    /// `schemas/score/`) as a JSON Schema validator does (`null` is a value: where the schema
    /// wants an object or a list, it is an error): the workload, container,
    /// resource and port names, a container's `image`, port ranges and protocols, CPU and
    /// memory quantities, probes, and files with exactly one of `content`, `binaryContent` or
    /// `source`. Unknown keys are `score-no-unknown-keys`; `score.dev/v1` is
    /// `score-apiversion-innominatus`.
    ///
    /// ## Why is this bad?
    /// `score-compose`, `score-k8s` and innominatus reject the file when the workload is
    /// deployed, after the PR was merged.
    ///
    /// ## Example
    /// ```yaml fixture=fail/bad-values.yaml
    /// apiVersion: score.dev/v1b1
    /// metadata:
    ///   name: My_App
    /// service:
    ///   ports:
    ///     www:
    ///       port: 70000
    ///       protocol: HTTP
    /// containers:
    ///   Web_1:
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/full.yaml
    /// apiVersion: score.dev/v1b1
    /// metadata:
    ///   name: example-workload-name123
    /// ```
    pub ScoreSchema {
        id: "score-schema",
        category: Correctness,
        severity: Error,
        pack: Score,
    }
}

impl Rule for ScoreSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.score_specs() {
            let innominatus_version = doc.api_version == "score.dev/v1";
            for e in crate::schema::score::validate(&doc.root) {
                if e.kind == ErrorKind::UnknownField || (innominatus_version && e.path == "apiVersion") {
                    continue;
                }
                let d = out.report(Span::new(doc.file, e.start, e.end), e.message);
                if let Some(h) = e.help {
                    d.help(h);
                }
            }
        }
    }
}
