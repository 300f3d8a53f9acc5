use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks a function-go-templating input's `source`: `Inline` (needs a non-empty
    /// `inline.template`), `FileSystem` (needs `fileSystem.dirPath`) or `Environment`.
    ///
    /// ## Why is this bad?
    /// The function fails every reconcile with "invalid function input".
    ///
    /// ## Example
    /// ```yaml fixture=fail/empty file=composition.yaml
    /// input:
    ///   apiVersion: gotemplating.fn.crossplane.io/v1beta1
    ///   kind: GoTemplate
    ///   source: Inline
    ///   inline:
    ///     template: |
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/repo file=composition.yaml
    /// input:
    ///   apiVersion: gotemplating.fn.crossplane.io/v1beta1
    ///   kind: GoTemplate
    ///   source: Inline
    ///   inline:
    ///     template: |
    ///       {{- $xr := .observed.composite.resource }}
    ///       apiVersion: v1
    /// ```
    pub FnGotplSource {
        id: "fn-gotpl-source",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnGotplSource {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let doc = c.doc;
            for s in c.steps().iter().filter(|s| s.is_go_templating()) {
                let Some(input) = s.input else { continue };
                let at = input
                    .get("source")
                    .map(|n| doc.span(n))
                    .unwrap_or_else(|| doc.span_of_key(s.node, "input"));
                match input.get("source").and_then(|n| n.as_str()) {
                    Some("Inline") => {
                        if input
                            .path(&["inline", "template"])
                            .and_then(|t| t.as_str())
                            .is_none_or(|t| t.trim().is_empty())
                        {
                            out.report(at, "`source: Inline` needs a non-empty `inline.template`");
                        }
                    }
                    Some("FileSystem") => {
                        if input.path(&["fileSystem", "dirPath"]).is_none() {
                            out.report(at, "`source: FileSystem` needs `fileSystem.dirPath`");
                        }
                    }
                    Some("Environment") => {}
                    other => {
                        let found = other.map(|o| code(&o)).unwrap_or_else(|| "nothing".into());
                        out.report(
                            at,
                            format!(
                                "go-templating `source` must be `Inline`, `FileSystem` or `Environment`, found {found}"
                            ),
                        );
                    }
                }
            }
        }
    }
}
