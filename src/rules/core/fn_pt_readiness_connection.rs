use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::util::PtInput;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `resources[].readinessChecks[]` and `resources[].connectionDetails[]`.
    /// Readiness: the type is `NonEmpty`, `MatchString` (needs `matchString`), `MatchInteger`
    /// (needs `matchInteger`), `MatchTrue`, `MatchFalse`, `MatchCondition` (needs
    /// `matchCondition.type` and `.status`) or `None`, and every type but `None` and
    /// `MatchCondition` needs `fieldPath`. Connection details need `name` and, by type,
    /// `value` (`FromValue`), `fromConnectionSecretKey` (`FromConnectionSecretKey`) or
    /// `fromFieldPath` (`FromFieldPath`).
    ///
    /// ## Why is this bad?
    /// The function rejects the input, or the XR never becomes ready.
    ///
    /// ## Example
    /// ```yaml fixture=fail/checks.yaml
    /// readinessChecks:
    /// - type: MatchString
    ///   fieldPath: status.atProvider.state
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// readinessChecks:
    /// - type: MatchString
    ///   fieldPath: status.atProvider.state
    ///   matchString: available
    /// ```
    pub FnPtReadinessConnection {
        id: "fn-pt-readiness-connection",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnPtReadinessConnection {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for pt in PtInput::all(ws) {
            let doc = pt.doc;
            for r in pt.list("resources") {
                for c in r.get("readinessChecks").and_then(Node::as_seq).unwrap_or(&[]) {
                    let ty = c.get("type").and_then(Node::as_str).unwrap_or("NonEmpty");
                    let at = c.get("type").map(|n| doc.span(n)).unwrap_or_else(|| doc.span(c));
                    let need: &[&str] = match ty {
                        "NonEmpty" | "MatchTrue" | "MatchFalse" => &["fieldPath"],
                        "MatchString" => &["fieldPath", "matchString"],
                        "MatchInteger" => &["fieldPath", "matchInteger"],
                        "MatchCondition" => &["matchCondition"],
                        "None" => &[],
                        other => {
                            out.report(
                                at,
                                format!("unknown readiness check type {code0}", code0 = code(&other)),
                            );
                            continue;
                        }
                    };
                    for key in need {
                        if c.get(key).is_none() {
                            out.report(
                                at,
                                format!(
                                    "a {code0} readiness check needs {code1}",
                                    code0 = code(&ty),
                                    code1 = code(&key)
                                ),
                            );
                        }
                    }
                    if let Some(mc) = c.get("matchCondition") {
                        for key in ["type", "status"] {
                            if mc.get(key).is_none() {
                                out.report(
                                    doc.span_of_key(c, "matchCondition"),
                                    format!("`matchCondition` needs {code0}", code0 = code(&key)),
                                );
                            }
                        }
                    }
                }
                for cd in r.get("connectionDetails").and_then(Node::as_seq).unwrap_or(&[]) {
                    let ty = cd
                        .get("type")
                        .and_then(Node::as_str)
                        .unwrap_or("FromConnectionSecretKey");
                    let at = cd.get("type").map(|n| doc.span(n)).unwrap_or_else(|| doc.span(cd));
                    let key = match ty {
                        "FromValue" => "value",
                        "FromConnectionSecretKey" => "fromConnectionSecretKey",
                        "FromFieldPath" => "fromFieldPath",
                        other => {
                            out.report(
                                at,
                                format!("unknown connection detail type {code0}", code0 = code(&other)),
                            );
                            continue;
                        }
                    };
                    for k in ["name", key] {
                        if cd.get(k).is_none() {
                            out.report(
                                at,
                                format!(
                                    "a {code0} connection detail needs {code1}",
                                    code0 = code(&ty),
                                    code1 = code(&k)
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}
