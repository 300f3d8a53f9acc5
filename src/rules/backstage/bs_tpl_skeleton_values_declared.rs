use crate::model::Workspace;
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use regex::Regex;
use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// Compares the `values` a `fetch:template` step passes (a literal map) with the `values.<name>`
    /// its skeleton files and file names use: a value used but not passed, and a value passed but
    /// used nowhere, are reported.
    ///
    /// ## Why is this bad?
    /// A value that is not passed renders as empty; one that is never used is usually a typo on one
    /// side.
    ///
    /// ## Example
    /// The step passes `unused`, which no skeleton file uses,
    /// ```yaml fixture=fail/mismatch file=template.yaml
    /// - id: fetch
    ///   action: fetch:template
    ///   input:
    ///     url: ./skeleton
    ///     values:
    ///       name: ${{ parameters.name }}
    ///       unused: x
    /// ```
    /// while `skeleton/catalog-info.yaml` uses `values.owner`, which is not passed:
    /// ```yaml fixture=fail/mismatch file=skeleton/catalog-info.yaml
    /// metadata:
    ///   name: ${{ values.name | dump }}
    /// spec:
    ///   owner: ${{ values.owner }}
    /// ```
    ///
    /// Use instead: pass exactly the values the skeleton uses (here a skeleton that uses only
    /// `values.name`, in `catalog-info.yaml` and in a folder name).
    /// ```yaml fixture=pass/matched file=template.yaml
    /// - id: fetch
    ///   name: Fetch
    ///   action: fetch:template
    ///   input:
    ///     url: ./skeleton
    ///     values:
    ///       name: ${{ parameters.name }}
    /// ```
    pub BsTplSkeletonValuesDeclared {
        id: "bs-tpl-skeleton-values-declared",
        category: Suspicious,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

/// `values.<name>` and `values['<name>']` uses.
fn uses(text: &str) -> impl Iterator<Item = (usize, &str)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        Regex::new(r#"\bvalues(?:\.([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])"#).expect("static regex")
    });
    re.captures_iter(text).filter_map(|c| {
        let m = c.get(1).or_else(|| c.get(2))?;
        Some((c.get(0)?.start(), m.as_str()))
    })
}

impl Rule for BsTplSkeletonValuesDeclared {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps().iter().filter(|s| s.action == Some("fetch:template")) {
                let Some(values) = step.input().and_then(|i| i.get("values")) else {
                    continue;
                };
                let Some(passed) = values.as_map() else { continue };
                let Some(skeleton) = ws.skeleton(t, step).filter(|s| !s.files.is_empty()) else {
                    continue;
                };
                let mut used = std::collections::HashSet::new();
                for (path, id, text) in &skeleton.files {
                    used.extend(uses(path).map(|(_, n)| n.to_string()));
                    let mut reported = std::collections::HashSet::new();
                    for (at, name) in uses(text) {
                        used.insert(name.to_string());
                        let Some(id) = id else { continue };
                        if !passed.iter().any(|e| e.key == name) && reported.insert(name) {
                            let len = text[at..].find(name).map_or(6, |i| i + name.len());
                            out.report(
                                Span::new(*id, at as u32, (at + len) as u32),
                                format!(
                                    "{code0} is not passed by the step",
                                    code0 = code(&format!("values.{name}"))
                                ),
                            )
                            .label(t.0.span(values), "the values it passes")
                            .help(format!(
                                "add {code0} to the step's `values`, or it renders as empty",
                                code0 = code(&format!("{name}:"))
                            ));
                        }
                    }
                }
                // A file that was not read (binary, too large) may use any value.
                if skeleton.files.iter().any(|f| f.1.is_none()) {
                    continue;
                }
                for e in passed.iter().filter(|e| !used.contains(&e.key)) {
                    out.report(
                        t.0.key_span(e),
                        format!(
                            "value {code0} is passed but no skeleton file uses it",
                            code0 = code(&e.key)
                        ),
                    )
                    .help("remove it, or check the name used in the skeleton");
                }
            }
        }
    }
}
