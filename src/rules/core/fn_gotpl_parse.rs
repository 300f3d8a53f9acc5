use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Parses every inline function-go-templating template the way Go's `text/template` does
    /// (without executing it): unclosed actions and comments, unterminated strings,
    /// unbalanced `{{if}}`/`{{range}}`/`{{with}}`/`{{define}}` … `{{end}}`, a stray `{{else}}` or
    /// `{{end}}`, `{{break}}` outside `{{range}}`, empty actions, and variables used before they
    /// are declared.
    ///
    /// ## Why is this bad?
    /// The function fails every reconcile with "invalid function input: cannot parse the
    /// provided templates", so no XR of that kind is ever composed.
    ///
    /// ## Example
    /// ```yaml fixture=fail/unclosed-if file=configuration/composition.yaml
    /// template: |
    ///   {{- $xr := .observed.composite.resource }}
    ///   {{- if $xr.spec.replicas }}
    ///   replicas: 1
    /// ```
    ///
    /// Use instead: close every action.
    /// ```yaml fixture=pass/template-repo file=configuration/composition.yaml
    /// {{- if $xr.status.url }}
    /// {{- end }}
    /// ```
    pub FnGotplParse {
        id: "fn-gotpl-parse",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnGotplParse {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in &ws.templates {
            if let Some(e) = &t.scan.error {
                out.report(
                    t.span(e.start, e.end),
                    format!("template does not parse: {}", e.message),
                )
                .help("function-go-templating rejects the whole input; fix the template syntax");
            }
        }
    }
}
