use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::util::PtInput;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks patch `transforms[]`: each `type` (`math`, `map`, `match`, `string`,
    /// `convert`) has its config block. `math`: `multiply`, `clampMin` or `clampMax` per
    /// math type. `map`: at least one pair. `match`: at least one pattern; `literal` patterns
    /// need `literal`, `regexp` patterns a compiling `regexp`. `string`: `fmt`, `convert`,
    /// `trim`, `regexp.match` (compiling), `join` or `replace.search` per string type.
    /// `convert`: a valid `toType`.
    ///
    /// ## Why is this bad?
    /// The function rejects the input and nothing is composed.
    ///
    /// ## Example
    /// ```yaml fixture=fail/transforms.yaml
    /// transforms:
    /// - type: map
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// transforms:
    /// - type: map
    ///   map: {small: s, large: l}
    /// ```
    pub FnPtTransforms {
        id: "fn-pt-transforms",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

fn regex_ok(n: Option<&Node>) -> bool {
    n.and_then(Node::as_str)
        .is_some_and(|r| crate::schema::compile_pattern(r).is_some())
}

impl Rule for FnPtTransforms {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for pt in PtInput::all(ws) {
            let doc = pt.doc;
            for (p, _) in pt.patches() {
                for t in p.get("transforms").and_then(Node::as_seq).unwrap_or(&[]) {
                    let ty_node = t.get("type");
                    let ty = ty_node.and_then(Node::as_str).unwrap_or("");
                    let at = ty_node.map(|n| doc.span(n)).unwrap_or_else(|| doc.span(t));
                    let Some(block) = t.get(ty).filter(|_| !ty.is_empty()) else {
                        let msg = if matches!(ty, "math" | "map" | "match" | "string" | "convert") {
                            format!(
                                "a {code0} transform needs a {code1} block",
                                code0 = code(&ty),
                                code1 = code(&format!("{ty}:"))
                            )
                        } else {
                            format!("unknown transform type {code0}", code0 = code(&ty))
                        };
                        out.report(at, msg);
                        continue;
                    };
                    let problem: Option<String> = match ty {
                        "math" => match block.get("type").and_then(Node::as_str).unwrap_or("Multiply") {
                            "Multiply" if block.get("multiply").is_none() => Some("math `Multiply` needs `multiply`".into()),
                            "ClampMin" if block.get("clampMin").is_none() => Some("math `ClampMin` needs `clampMin`".into()),
                            "ClampMax" if block.get("clampMax").is_none() => Some("math `ClampMax` needs `clampMax`".into()),
                            "Multiply" | "ClampMin" | "ClampMax" => None,
                            other => Some(format!("unknown math type {code0}", code0 = code(&other))),
                        },
                        "map" => block.as_map().is_none_or(<[_]>::is_empty).then(|| "`map` needs at least one pair".into()),
                        "match" => {
                            let pats = block.get("patterns").and_then(Node::as_seq).unwrap_or(&[]);
                            if pats.is_empty() {
                                Some("`match` needs at least one pattern".into())
                            } else {
                                pats.iter().find_map(|pat| match pat.get("type").and_then(Node::as_str).unwrap_or("literal") {
                                    "literal" if pat.get("literal").is_none() => Some("a `literal` pattern needs `literal`".into()),
                                    "regexp" if !regex_ok(pat.get("regexp")) => Some("a `regexp` pattern needs a valid `regexp`".into()),
                                    "literal" | "regexp" => None,
                                    other => Some(format!("unknown match pattern type {code0}", code0 = code(&other))),
                                })
                            }
                        }
                        "string" => match block.get("type").and_then(Node::as_str).unwrap_or("Format") {
                            "Format" if block.get("fmt").is_none() => Some("string `Format` needs `fmt`".into()),
                            "Convert" if block.get("convert").is_none() => Some("string `Convert` needs `convert`".into()),
                            "TrimPrefix" | "TrimSuffix" if block.get("trim").is_none() => Some("string trim needs `trim`".into()),
                            "Regexp" if !regex_ok(block.path(&["regexp", "match"])) => Some("string `Regexp` needs a valid `regexp.match`".into()),
                            "Join" if block.get("join").is_none() => Some("string `Join` needs `join`".into()),
                            "Replace" if block.path(&["replace", "search"]).is_none() => Some("string `Replace` needs `replace.search`".into()),
                            "Format" | "Convert" | "TrimPrefix" | "TrimSuffix" | "Regexp" | "Join" | "Replace" => None,
                            other => Some(format!("unknown string transform type {code0}", code0 = code(&other))),
                        },
                        "convert" => match block.get("toType").and_then(Node::as_str) {
                            Some("string" | "int" | "int64" | "bool" | "float64" | "object" | "array") => None,
                            Some(other) => Some(format!("`convert.toType` {code0} is not one of string, int, int64, bool, float64, object, array", code0 = code(&other))),
                            None => Some("`convert` needs `toType`".into()),
                        },
                        other => Some(format!("unknown transform type {code0}", code0 = code(&other))),
                    };
                    if let Some(msg) = problem {
                        out.report(at, msg);
                    }
                }
            }
        }
    }
}
