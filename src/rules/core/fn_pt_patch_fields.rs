use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::util::PtInput;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the fields each patch type needs: `fromFieldPath` for
    /// `FromCompositeFieldPath`, `ToCompositeFieldPath`, `FromEnvironmentFieldPath` and
    /// `ToEnvironmentFieldPath`; `patchSetName` naming an existing patch set for `PatchSet`;
    /// `combine` and `toFieldPath` for the `Combine*` types, with at least one variable with a
    /// `fromFieldPath` and `strategy: string` with `string.fmt`. Any other type is unknown.
    ///
    /// ## Why is this bad?
    /// The function rejects the input and nothing is composed.
    ///
    /// ## Example
    /// ```yaml fixture=fail/fields.yaml
    /// patches:
    /// - type: FromCompositeFieldPath
    ///   toFieldPath: spec.forProvider.region
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// patches:
    /// - type: FromCompositeFieldPath
    ///   fromFieldPath: spec.region
    ///   toFieldPath: spec.forProvider.region
    /// ```
    pub FnPtPatchFields {
        id: "fn-pt-patch-fields",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnPtPatchFields {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for pt in PtInput::all(ws) {
            let doc = pt.doc;
            let sets: Vec<&str> = pt
                .list("patchSets")
                .iter()
                .filter_map(|s| s.get("name").and_then(Node::as_str))
                .collect();
            for (p, _) in pt.patches() {
                let ty_node = p.get("type");
                let ty = ty_node.and_then(Node::as_str).unwrap_or("FromCompositeFieldPath");
                let at = ty_node.map(|n| doc.span(n)).unwrap_or_else(|| doc.span(p));
                let need = |out: &mut Sink, key: &str| {
                    if p.get(key).is_none() {
                        out.report(
                            at,
                            format!("a {code0} patch needs {code1}", code0 = code(&ty), code1 = code(&key)),
                        );
                    }
                };
                match ty {
                    "FromCompositeFieldPath"
                    | "ToCompositeFieldPath"
                    | "FromEnvironmentFieldPath"
                    | "ToEnvironmentFieldPath" => need(out, "fromFieldPath"),
                    "PatchSet" => match p.get("patchSetName").and_then(Node::as_str) {
                        None => need(out, "patchSetName"),
                        Some(n) if !sets.contains(&n) => {
                            let d = out.report(
                                doc.span(p.get("patchSetName").expect("present")),
                                format!("no patch set is named {code0}", code0 = code(&n)),
                            );
                            if let Some(s) = crate::parse::text::suggest(n, sets.iter().copied()) {
                                d.help(format!("did you mean {code0}?", code0 = code(&s)));
                            }
                        }
                        Some(_) => {}
                    },
                    "CombineFromComposite"
                    | "CombineToComposite"
                    | "CombineFromEnvironment"
                    | "CombineToEnvironment" => {
                        need(out, "toFieldPath");
                        let Some(c) = p.get("combine") else {
                            need(out, "combine");
                            continue;
                        };
                        let vars = c.get("variables").and_then(Node::as_seq).unwrap_or(&[]);
                        if vars.is_empty() {
                            out.report(
                                doc.span_of_key(p, "combine"),
                                "`combine.variables` needs at least one variable",
                            );
                        }
                        for v in vars.iter().filter(|v| v.get("fromFieldPath").is_none()) {
                            out.report(doc.span(v), "combine variable has no `fromFieldPath`");
                        }
                        match c.get("strategy").and_then(Node::as_str) {
                            Some("string") if c.path(&["string", "fmt"]).is_none() => {
                                out.report(doc.span_of_key(c, "strategy"), "`strategy: string` needs `string.fmt`");
                            }
                            Some("string") => {}
                            other => {
                                let found = other.unwrap_or("nothing");
                                out.report(
                                    doc.span_of_key(p, "combine"),
                                    format!(
                                        "combine `strategy` must be `string`, found {code0}",
                                        code0 = code(&found)
                                    ),
                                );
                            }
                        }
                    }
                    other => {
                        let types = [
                            "FromCompositeFieldPath",
                            "ToCompositeFieldPath",
                            "FromEnvironmentFieldPath",
                            "ToEnvironmentFieldPath",
                            "PatchSet",
                            "CombineFromComposite",
                            "CombineToComposite",
                            "CombineFromEnvironment",
                            "CombineToEnvironment",
                        ];
                        let d = out.report(at, format!("unknown patch type {code0}", code0 = code(&other)));
                        if let Some(s) = crate::parse::text::suggest(other, types) {
                            d.help(format!("did you mean {code0}?", code0 = code(&s)));
                        }
                    }
                }
            }
        }
    }
}
