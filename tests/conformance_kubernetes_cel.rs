//! The Kubernetes apiextensions CEL validation tests (`tests/conformance/kubernetes_cel/`,
//! source in its `SOURCE.md`), each case turned into an XRD whose schema carries the case's
//! schema and rule under `spec.c`, and an example XR carrying the case's object, checked by
//! portalint (`xp-xrd-structural-schema` at the XRD, `x-xr-schema` at the XR). A case agrees
//! when portalint reports an error exactly when the API server refuses (the rule does not
//! compile, is false, or errors). Prints `agree/total`, lists every disagreement, and fails
//! below `THRESHOLD`. Cases listed in `DIFFERENCES.md` count as agreed, with why.
//!
//! `cargo test --test conformance_kubernetes_cel -- --nocapture` prints the report.

mod common;
use common::{listed, threshold};

use portalint::app;
use portalint::cli::CheckArgs;
use portalint::rules::diagnostic::Severity;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SUITE: &str = "kubernetes_cel";
const CASE_FILES: &[&str] = &["cases.json", "messages.json"];

/// The rules of a case: its `rule`, or the `rules` its schema carries.
fn rules_of(case: &Value) -> Vec<String> {
    match case.get("rule").and_then(Value::as_str) {
        Some(r) => vec![r.to_string()],
        None => case["rules"]
            .as_array()
            .map(|r| r.iter().filter_map(|r| r.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
    }
}

/// Beyond error or not, what the cases that test messages and reasons require: a
/// TestMessageExpression case an error containing its message; a TestReasonAndFldPath case
/// exactly its errors, each at its field (`root` is `spec.c` here) with its reason's wording.
/// `None` when the findings `ours` meet it, else what is missing.
fn detail_mismatch(case: &Value, ours: &[String]) -> Option<String> {
    let errors: Vec<&String> = ours.iter().filter(|m| m.starts_with("error")).collect();
    if case["group"] == "TestMessageExpression" {
        let want = case["message"].as_str().unwrap_or("");
        return (!errors.iter().any(|m| m.contains(want))).then(|| format!("no error with the message `{want}`"));
    }
    let want = case.get("errors")?.as_array()?;
    if want.len() != errors.len() {
        return Some(format!("{} errors expected, {} reported", want.len(), errors.len()));
    }
    for e in want {
        let field = e["field"].as_str().unwrap_or("").replacen("root", "spec.c", 1);
        let reason = match e["type"].as_str().unwrap_or("") {
            "FieldValueForbidden" => Some("Forbidden: "),
            "FieldValueRequired" => Some("Required value: "),
            "FieldValueDuplicate" => Some("Duplicate value: "),
            _ => None,
        };
        let head = format!("`{field}`: {}", reason.unwrap_or(""));
        let found = errors.iter().any(|m| {
            m.split_once(": ").is_some_and(|(_, text)| {
                text.starts_with(&head)
                    && (reason.is_some()
                        || !["Forbidden: ", "Required value: ", "Duplicate value: "]
                            .iter()
                            .any(|r| text[head.len()..].starts_with(r)))
            })
        });
        if !found {
            return Some(format!("no error `{head}…`"));
        }
    }
    None
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

/// The XRD and the XR of case `i`.
fn files(i: usize, case: &Value) -> (String, String) {
    let mut schema = case["schema"].clone();
    // A case without `rule` (TestReasonAndFldPath) carries its rules in its schema.
    if case.get("rule").is_some() {
        let mut rule = json!({"rule": case["rule"]});
        for k in ["message", "messageExpression", "reason", "fieldPath"] {
            if let Some(v) = case.get(format!("rule_{k}")) {
                rule[k] = v.clone();
            }
        }
        schema["x-kubernetes-validations"] = json!([rule]);
    }
    let group = format!("c{i}.conformance.example.org");
    let root = if case["root"] == json!(true) {
        schema
    } else {
        json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {"c": schema}}}})
    };
    let xrd = json!({
        "apiVersion": "apiextensions.crossplane.io/v2",
        "kind": "CompositeResourceDefinition",
        "metadata": {"name": format!("c{i}s.{group}")},
        "spec": {
            "group": group,
            "names": {"kind": format!("C{i}"), "plural": format!("c{i}s")},
            "versions": [{"name": "v1", "served": true, "referenceable": true,
                          "schema": {"openAPIV3Schema": root}}],
        },
    });
    let head = json!({
        "apiVersion": format!("{group}/v1"),
        "kind": format!("C{i}"),
        "metadata": {"name": "example", "namespace": "default"},
    });
    let xr = if case["root"] == json!(true) {
        let mut o = case["object"].clone();
        if let Value::Object(m) = &mut o {
            for (k, v) in head.as_object().expect("map") {
                m.entry(k.clone()).or_insert(v.clone());
            }
        }
        o
    } else {
        let mut o = head;
        o["spec"] = match case.get("object") {
            Some(v) if !v.is_null() => json!({"c": v}),
            _ => json!({}),
        };
        o
    };
    (
        serde_json::to_string_pretty(&xrd).expect("json"),
        serde_json::to_string_pretty(&xr).expect("json"),
    )
}

#[test]
fn kubernetes_cel_conformance() {
    let dir = suite_dir();
    // `cases.json`: TestValidationExpressions; `messages.json`: TestMessageExpression and
    // TestReasonAndFldPath (SOURCE.md).
    let mut cases: Vec<Value> = Vec::new();
    for file in CASE_FILES {
        let text = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("{}/{file}: {e}; the suite's data is missing", dir.display()));
        let data: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
        let these = data["cases"].as_array().cloned().unwrap_or_default();
        assert!(!these.is_empty(), "{file} has no cases");
        cases.extend(these);
    }
    let cases = &cases;
    let differences = listed(&std::fs::read_to_string(dir.join("DIFFERENCES.md")).unwrap_or_default());
    let need = threshold(
        &std::fs::read_to_string(dir.join("THRESHOLD")).expect("THRESHOLD"),
        cases.len(),
    );

    let repo = tempfile::tempdir().expect("tempdir");
    for (i, case) in cases.iter().enumerate() {
        let (xrd, xr) = files(i, case);
        std::fs::create_dir_all(repo.path().join("apis")).expect("mkdir");
        std::fs::create_dir_all(repo.path().join("examples")).expect("mkdir");
        std::fs::write(repo.path().join(format!("apis/c{i}.yaml")), xrd).expect("write");
        std::fs::write(repo.path().join(format!("examples/c{i}.yaml")), xr).expect("write");
    }
    let started = std::time::Instant::now();
    let args = CheckArgs {
        select: vec!["x-xr-schema".into(), "xp-xrd-structural-schema".into()],
        isolated: true,
        ..CheckArgs::new(vec![repo.path().to_path_buf()])
    };
    let outcome = app::check(&args).expect("check runs");
    let took = started.elapsed();
    let mut found: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for d in &outcome.diagnostics {
        let file = d.primary.path.rsplit('/').next().unwrap_or_default();
        let Some(i) = file
            .strip_prefix('c')
            .and_then(|f| f.strip_suffix(".yaml"))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        // Only findings about the case's rule count: the suite tests CEL, not the rest of
        // the schema (its schemas are not all ones the API server would accept whole).
        let rules = cases.get(i).map(rules_of).unwrap_or_default();
        let about_rule = rules.iter().any(|rule| {
            let rule: String = rule.chars().take(80).collect();
            d.message.contains(&rule) || d.help.as_deref().is_some_and(|h| h.contains(&rule))
        });
        if !about_rule {
            continue;
        }
        let sev = if d.severity >= Severity::Error {
            "error"
        } else {
            "warning"
        };
        found
            .entry(i)
            .or_default()
            .push(format!("{sev} {}: {}", d.rule, d.message));
    }

    let mut tally = common::Tally::new("kubernetes_cel", &differences);
    for (i, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().expect("id");
        let ours = found.get(&i).cloned().unwrap_or_default();
        let error = ours.iter().any(|m| m.starts_with("error"));
        let expected_error = case["expect"] == "error";
        let detail = detail_mismatch(case, &ours);
        tally.case(id, error == expected_error && detail.is_none(), || {
            format!(
                "  {id}\n    expected {}{}{}; portalint: {}",
                case["expect"].as_str().unwrap_or("?"),
                case["message"].as_str().map(|m| format!(" ({m})")).unwrap_or_default(),
                detail.map(|d| format!(" [{d}]")).unwrap_or_default(),
                if ours.is_empty() {
                    "nothing".to_string()
                } else {
                    ours.join(" | ")
                }
            )
        });
    }
    tally.finish(need, Some(took));
}
