use crate::model::Workspace;
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};
use crate::schema::ErrorKind;

crate::declare_rule! {
    /// ## What it does
    /// Flags keys the Score schema does not allow: at the top level only `apiVersion`,
    /// `metadata`, `service`, `containers` and `resources`; in a resource only `type`, `class`,
    /// `id`, `metadata` and `params`, and so on. innominatus's extensions (top-level
    /// `workflows` and `environment`, resource `properties`) are warnings; any other unknown
    /// key is an error, or a warning in a spec of the innominatus flavour (one that uses an
    /// extension, or in a repository where the innominatus pack is on: `admin-config.yaml`,
    /// `goldenpaths.yaml`, a provider or a workflow), whose validator accepts it.
    ///
    /// ## Why is this bad?
    /// The Score schema closes every object (`additionalProperties: false`): official Score
    /// tooling rejects the file, and a misspelt key is silently ignored by tools that do not
    /// validate. innominatus accepts its own extensions, so those only warn that the file is
    /// no longer portable.
    ///
    /// ## Example
    /// ```yaml fixture=fail/extensions-and-typos.yaml
    /// resources:
    ///   db:
    ///     type: postgres
    ///     properties:
    ///       size: 10GB
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/plain.yaml
    /// resources:
    ///   db:
    ///     type: postgres
    ///     params:
    ///       size: 10GB
    /// ```
    pub ScoreNoUnknownKeys {
        id: "score-no-unknown-keys",
        category: Correctness,
        severity: Error,
        pack: Score,
    }
}

/// innominatus's extensions of Score: (parent path pattern, key).
fn innominatus_extension(path: &str) -> bool {
    let seg: Vec<&str> = path.split('.').collect();
    matches!(
        seg.as_slice(),
        ["workflows"] | ["environment"] | ["resources", _, "properties"]
    )
}

impl Rule for ScoreNoUnknownKeys {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.score_specs() {
            let flavour = ws.innominatus_flavour(doc);
            for e in crate::schema::score::validate(&doc.root) {
                if e.kind != ErrorKind::UnknownField {
                    continue;
                }
                let at = Span::new(doc.file, e.start, e.end);
                if innominatus_extension(&e.path) {
                    out.report_with(
                        Severity::Warning,
                        at,
                        format!("{code0} is an innominatus extension of Score", code0 = code(&e.path)),
                    )
                    .help("innominatus accepts it; score-compose, score-k8s and other Score tooling reject the file");
                } else {
                    let severity = if flavour { Severity::Warning } else { Severity::Error };
                    let d = out.report_with(severity, at, e.message);
                    if let Some(h) = e.help {
                        d.help(h);
                    }
                }
            }
        }
    }
}
