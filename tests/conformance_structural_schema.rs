//! The OpenAPI-schema cases of the Kubernetes apiextensions CRD validation tests
//! (`tests/conformance/structural_schema/`, source in its `SOURCE.md`), each case turned into
//! an XRD whose version schemas carry the case's schema under `spec.c` (Crossplane copies the
//! properties of an XRD's `spec` into the CRD unchanged), checked by portalint. A case agrees
//! when portalint reports an error on the XRD exactly when the API server refuses the CRD.
//! Prints `agree/total`, lists every disagreement, and fails below `THRESHOLD`. Cases listed
//! in `DIFFERENCES.md` count as agreed, with why.
//!
//! `cargo test --test conformance_structural_schema -- --nocapture` prints the report.

mod common;
use common::{listed, threshold};

use portalint::app;
use portalint::cli::CheckArgs;
use portalint::rules::diagnostic::Severity;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SUITE: &str = "structural_schema";

/// The rules that judge what an XRD's schema says (the API server's CRD checks).
const RULES: &[&str] = &["xp-xrd-structural-schema"];

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

/// The XRD of case `i`: one version per schema of the case.
fn xrd(i: usize, case: &Value) -> String {
    let group = format!("c{i}.conformance.example.org");
    let versions: Vec<Value> = case["schemas"]
        .as_array()
        .expect("schemas")
        .iter()
        .enumerate()
        .map(|(n, s)| {
            json!({
                "name": format!("v{}", n + 1),
                "served": true,
                "referenceable": n == 0,
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {"spec": {"type": "object", "properties": {"c": s}}},
                }},
            })
        })
        .collect();
    let xrd = json!({
        "apiVersion": "apiextensions.crossplane.io/v2",
        "kind": "CompositeResourceDefinition",
        "metadata": {"name": format!("c{i}s.{group}")},
        "spec": {
            "group": group,
            "names": {"kind": format!("C{i}"), "plural": format!("c{i}s")},
            "versions": versions,
        },
    });
    serde_json::to_string_pretty(&xrd).expect("json")
}

#[test]
fn structural_schema_conformance() {
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
    std::fs::create_dir_all(repo.path().join("apis")).expect("mkdir");
    for (i, case) in cases.iter().enumerate() {
        std::fs::write(repo.path().join(format!("apis/c{i}.yaml")), xrd(i, case)).expect("write");
    }
    let started = std::time::Instant::now();
    let args = CheckArgs {
        select: RULES.iter().map(|r| r.to_string()).collect(),
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

    let mut tally = common::Tally::new("structural_schema", &differences);
    for (i, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().expect("id");
        let ours = found.get(&i).cloned().unwrap_or_default();
        let error = ours.iter().any(|m| m.starts_with("error"));
        let expected_error = case["expect"] == "error";
        tally.case(id, error == expected_error, || {
            let upstream: Vec<&str> = case["errors"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!(
                "  {id} (c{i})\n    expected {}{}; portalint: {}",
                case["expect"].as_str().unwrap_or("?"),
                if upstream.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", upstream.join("; "))
                },
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
