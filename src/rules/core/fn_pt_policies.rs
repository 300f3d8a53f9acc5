use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::diagnostic::Severity;
use crate::rules::util::PtInput;
use crate::rules::{Rule, Sink};

const TO: &[&str] = &[
    "Replace",
    "MergeObjects",
    "MergeObjectsAppendArrays",
    "ForceMergeObjects",
    "ForceMergeObjectsAppendArrays",
];
const TO_DEPRECATED: &[&str] = &["MergeObject", "AppendArray"];
const FROM: &[&str] = &["Required", "Optional"];

crate::declare_rule! {
    /// ## What it does
    /// Checks patch policies: `policy.toFieldPathPolicy` is `Replace`, `MergeObjects`,
    /// `MergeObjectsAppendArrays`, `ForceMergeObjects` or `ForceMergeObjectsAppendArrays`
    /// (`MergeObject` and `AppendArray` are deprecated: a warning); `policy.fromFieldPathPolicy`
    /// is `Required` or `Optional`.
    ///
    /// ## Why is this bad?
    /// The function rejects unknown policies.
    ///
    /// ## Example
    /// ```yaml fixture=fail/policies.yaml
    /// policy:
    ///   toFieldPathPolicy: Merge
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// policy:
    ///   toFieldPathPolicy: MergeObjects
    /// ```
    pub FnPtPolicies {
        id: "fn-pt-policies",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnPtPolicies {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for pt in PtInput::all(ws) {
            for (p, _) in pt.patches() {
                let Some(policy) = p.get("policy") else { continue };
                if let Some(n) = policy.get("toFieldPathPolicy") {
                    let v = n.scalar_text().unwrap_or_default();
                    if TO_DEPRECATED.contains(&v.as_str()) {
                        out.report_with(
                            Severity::Warning,
                            pt.doc.span(n),
                            format!(
                                "{code0} is deprecated",
                                code0 = code(&format!("toFieldPathPolicy: {v}"))
                            ),
                        )
                        .help("use `MergeObjects` or `MergeObjectsAppendArrays`");
                    } else if !TO.contains(&v.as_str()) {
                        let d = out.report(
                            pt.doc.span(n),
                            format!("unknown `toFieldPathPolicy` {code0}", code0 = code(&v)),
                        );
                        match crate::parse::text::suggest(&v, TO.iter().copied()) {
                            Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                            None => d.help(format!("use {}", crate::parse::text::list(TO, 5))),
                        };
                    }
                }
                if let Some(n) = policy.get("fromFieldPathPolicy") {
                    let v = n.scalar_text().unwrap_or_default();
                    if !FROM.contains(&v.as_str()) {
                        out.report(
                            pt.doc.span(n),
                            format!(
                                "`fromFieldPathPolicy` must be `Required` or `Optional`, found {code0}",
                                code0 = code(&v)
                            ),
                        );
                    }
                }
            }
        }
    }
}
