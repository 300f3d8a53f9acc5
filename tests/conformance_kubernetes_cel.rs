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

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

/// The XRD and the XR of case `i`.
fn files(i: usize, case: &Value) -> (String, String) {
    let mut schema = case["schema"].clone();
    let mut rule = json!({"rule": case["rule"]});
    for k in ["message", "messageExpression", "reason", "fieldPath"] {
        if let Some(v) = case.get(format!("rule_{k}")) {
            rule[k] = v.clone();
        }
    }
    schema["x-kubernetes-validations"] = json!([rule]);
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
    let text = std::fs::read_to_string(dir.join("cases.json"))
        .unwrap_or_else(|e| panic!("{}: {e}; the suite's data is missing", dir.display()));
    let data: Value = serde_json::from_str(&text).expect("cases.json is JSON");
    let cases = data["cases"].as_array().expect("cases");
    assert!(!cases.is_empty(), "the suite has no cases");
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
        let rule: String = cases
            .get(i)
            .and_then(|c| c["rule"].as_str())
            .unwrap_or("")
            .chars()
            .take(80)
            .collect();
        let about_rule = d.message.contains(&rule) || d.help.as_deref().is_some_and(|h| h.contains(&rule));
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

    let (mut agree, mut listed_agree) = (0, 0);
    let mut disagreements = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().expect("id");
        let ours = found.get(&i).cloned().unwrap_or_default();
        let error = ours.iter().any(|m| m.starts_with("error"));
        let expected_error = case["expect"] == "error";
        if error == expected_error {
            agree += 1;
        } else if differences.contains_key(id) {
            listed_agree += 1;
        } else {
            disagreements.push(format!(
                "  {id}\n    expected {}{}; portalint: {}",
                case["expect"].as_str().unwrap_or("?"),
                case["message"].as_str().map(|m| format!(" ({m})")).unwrap_or_default(),
                if ours.is_empty() {
                    "nothing".to_string()
                } else {
                    ours.join(" | ")
                }
            ));
        }
    }
    let total = cases.len();
    let agreed = agree + listed_agree;
    println!(
        "kubernetes_cel: {agreed}/{total} agree ({:.1} %; {listed_agree} of them deliberate differences listed in DIFFERENCES.md), threshold {need}, checked in {:.2} s",
        agreed as f64 * 100.0 / total as f64,
        took.as_secs_f64()
    );
    for d in &disagreements {
        println!("{d}");
    }
    let stale: Vec<&String> = differences
        .keys()
        .filter(|id| !cases.iter().any(|c| c["id"] == id.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "DIFFERENCES.md lists cases the suite does not have: {stale:?}"
    );
    assert!(
        agreed >= need,
        "kubernetes_cel: {agreed}/{total} agree, below the threshold of {need}"
    );
}
