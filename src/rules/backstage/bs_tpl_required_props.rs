use crate::model::backstage::collect_properties;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every name in a form page's `required` list is one of that page's `properties`
    /// (or of its `dependencies`, `allOf`/`anyOf`/`oneOf` or `then`/`else` branches).
    ///
    /// ## Why is this bad?
    /// The form requires a field it never shows: the user cannot submit the page.
    ///
    /// ## Example
    /// ```yaml fixture=fail/typo.yaml
    /// - title: Location
    ///   required:
    ///     - repoURL
    ///   properties:
    ///     repoUrl: {type: string}
    /// ```
    ///
    /// Use instead: the same name in both places.
    pub BsTplRequiredProps {
        id: "bs-tpl-required-props",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplRequiredProps {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for page in t.pages() {
                let mut props = Vec::new();
                collect_properties(page, &mut props, 0);
                for r in page.get("required").and_then(|r| r.as_seq()).unwrap_or(&[]) {
                    let Some(name) = r.as_str() else { continue };
                    if props.iter().any(|(p, _)| *p == name) {
                        continue;
                    }
                    let d = out.report(
                        t.0.span(r),
                        format!(
                            "required field {code0} is not a property of this page",
                            code0 = code(&name)
                        ),
                    );
                    match crate::parse::text::suggest(name, props.iter().map(|(p, _)| *p)) {
                        Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                        None => d.help("the user cannot submit a page that requires a field it does not show"),
                    };
                }
            }
        }
    }
}
