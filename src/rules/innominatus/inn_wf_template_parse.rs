use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Parses the Go `text/template` strings the executor renders: kubernetes `manifest`s and policy
    /// `script`s. Unbalanced `{{`/`}}`, unclosed `if`/`range`/`with` and bad actions are reported at
    /// their position.
    ///
    /// ## Why is this bad?
    /// Rendering fails when the step runs, after earlier steps already changed the cluster.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/workflows/delete-postgres.yaml
    /// steps:
    ///   - name: apply-db
    ///     type: kubernetes
    ///     config:
    ///       operation: apply
    ///       manifest: "name: {{ .parameters.app_name }"
    ///   - name: check
    ///     type: policy
    ///     config:
    ///       script: |
    ///         {{ if .parameters.strict }}
    ///         echo strict
    /// ```
    ///
    /// Use instead: `name: {{ .parameters.app_name }}`.
    pub InnWfTemplateParse {
        id: "inn-wf-template-parse",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfTemplateParse {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let text_of = |doc: &crate::model::Doc| &*ws.sources.get(doc.file).text;
        for doc in ws.inn_workflows() {
            let steps = innominatus::steps(doc).and_then(Node::as_seq).unwrap_or(&[]);
            for step in steps {
                let Some(config) = step.get("config") else { continue };
                let key = match step.str_at(&["type"]) {
                    Some("kubernetes") => "manifest",
                    Some("policy") => "script",
                    _ => continue,
                };
                let Some(node) = config.get(key) else { continue };
                let Some(src) = node.as_str() else { continue };
                let Some(err) = crate::parse::gotpl::scan(src).error else {
                    continue;
                };
                // Point into the template when the source spells it verbatim.
                let file = text_of(doc);
                let span = file
                    .get(node.start as usize..node.end as usize)
                    .and_then(|raw| {
                        let needle = &src[err.start..err.end.max(err.start + 1).min(src.len())];
                        raw.find(needle).map(|at| node.start as usize + at)
                    })
                    .map_or_else(
                        || doc.span(node),
                        |at| Span::new(doc.file, at as u32, (at + (err.end - err.start).max(1)) as u32),
                    );
                out.report(
                    span,
                    format!(
                        "step {code0}: the {key} is not a valid Go template: {}",
                        err.message,
                        code0 = code(&innominatus::step_name(step))
                    ),
                );
            }
        }
    }
}
