//! The Kubernetes apimachinery name, label and annotation validation tables
//! (`tests/conformance/apimachinery_names/cases.jsonl`, source in its `SOURCE.md`), each case
//! turned into the object the API server would validate that way and checked by portalint's
//! `k8s-*` rules: a case agrees when portalint reports the object exactly when the table says
//! the value is invalid. Prints `agree/total`, lists every disagreement, and fails below
//! `THRESHOLD`; cases where we differ on purpose are listed in `DIFFERENCES.md` with why.
//!
//! `cargo test --test conformance_apimachinery_names -- --nocapture` prints the report.

mod common;
use common::{listed, threshold};

use serde_json::Value as J;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SUITE: &str = "apimachinery_names";

/// The rules that hold the API server's name, label and annotation checks.
const RULES: &[&str] = &[
    "k8s-dns1123-subdomain",
    "k8s-dns1123-label",
    "k8s-dns1035-label",
    "k8s-label-key",
    "k8s-label-value",
    "k8s-annotation-key-size",
];

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

/// A string of the data: a JSON string, or `{"repeat": s, "count": n}` for the long ones.
fn text(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Object(o) => {
            let s = o["repeat"].as_str().expect("repeat");
            s.repeat(o["count"].as_u64().expect("count") as usize)
        }
        other => panic!("not a string: {other}"),
    }
}

/// A YAML double-quoted scalar (JSON's escapes are YAML's).
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("json string")
}

/// The object that the API server validates the case's value in.
fn object(case: &J) -> String {
    let function = case["function"].as_str().expect("function");
    let value = case.get("value").map(text);
    let v = || q(value.as_deref().expect("value"));
    let configmap = |meta: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: example\n{meta}");
    match function {
        "IsDNS1123Subdomain" => format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n", v()),
        "IsDNS1123Label" => format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {}\n", v()),
        "IsDNS1035Label" => format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {}\n", v()),
        "ValidateNamespaceName" => format!("{}  namespace: {}\n", configmap(""), v()),
        "IsPathSegmentName" => format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {}\nrules: []\n",
            v()
        ),
        "IsQualifiedName" => configmap(&format!("  labels:\n    {}: x\n", v())),
        "IsValidLabelValue" => configmap(&format!("  labels:\n    key: {}\n", v())),
        "ValidateLabels" => configmap(&format!("  labels:\n    {}: {}\n", q(&text(&case["key"])), v())),
        "ValidateAnnotations" if case.get("annotations").is_some() => {
            let entries: String = case["annotations"]
                .as_array()
                .expect("annotations")
                .iter()
                .map(|e| format!("    {}: {}\n", q(&text(&e["key"])), q(&text(&e["value"]))))
                .collect();
            configmap(&format!("  annotations:\n{entries}"))
        }
        "ValidateAnnotations" => configmap(&format!("  annotations:\n    {}: {}\n", q(&text(&case["key"])), v())),
        other => panic!("no object for the function {other}"),
    }
}

/// A short id of a case: its function, verdict and value (long values shortened).
fn id(n: usize, case: &J) -> String {
    let mut shown = match (case.get("key"), case.get("value"), case.get("annotations")) {
        (Some(k), Some(v), _) => format!("{}={}", text(k), text(v)),
        (None, Some(v), _) => text(v),
        (_, _, Some(a)) => format!("{} annotations", a.as_array().map_or(0, Vec::len)),
        _ => String::new(),
    };
    if shown.chars().count() > 40 {
        let len = shown.chars().count();
        shown = format!("{}…({len} chars)", shown.chars().take(12).collect::<String>());
    }
    format!("{n:03} {} {}", case["function"].as_str().unwrap_or("?"), q(&shown))
}

#[test]
fn apimachinery_names() {
    let dir = suite_dir();
    let data = std::fs::read_to_string(dir.join("cases.jsonl")).unwrap_or_else(|e| {
        panic!(
            "{}/cases.jsonl is missing ({e}): the suite's data must be there",
            dir.display()
        )
    });
    let cases: Vec<J> = data
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON case per line"))
        .collect();
    assert!(!cases.is_empty(), "cases.jsonl holds no case");
    let total = cases.len();
    let need = threshold(
        &std::fs::read_to_string(dir.join("THRESHOLD")).expect("THRESHOLD"),
        total,
    );
    let differences = listed(&std::fs::read_to_string(dir.join("DIFFERENCES.md")).unwrap_or_default());

    // One file per case, checked in one run.
    let tmp = tempfile::tempdir().expect("tmp");
    for (n, case) in cases.iter().enumerate() {
        std::fs::write(tmp.path().join(format!("case-{n:03}.yaml")), object(case)).expect("write case");
    }
    let o = portalint::app::check(&common::args(&[tmp.path().to_path_buf()], RULES)).expect("check runs");
    assert_eq!(o.summary.files, total, "every case file is checked");
    let mut reported: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for d in &o.diagnostics {
        let n: usize = d
            .primary
            .path
            .trim_start_matches("case-")
            .trim_end_matches(".yaml")
            .parse()
            .unwrap_or_else(|_| panic!("a finding outside the cases: {} {}", d.primary.path, d.message));
        reported
            .entry(n)
            .or_default()
            .push(format!("{}: {}", d.rule, d.message));
    }

    let mut agree = 0;
    let mut lines = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, case) in cases.iter().enumerate() {
        let valid = case["valid"].as_bool().expect("valid");
        let ours = reported.get(&n);
        let key = id(n, case);
        seen.insert(key.clone());
        let why = match (valid, ours) {
            (true, None) | (false, Some(_)) => None,
            (true, Some(f)) => Some(format!("valid for the API server; we report {}", f.join("; "))),
            (false, None) => Some("invalid for the API server; we report nothing".to_string()),
        };
        let source = case["source"].as_str().unwrap_or("");
        match why {
            None => {
                agree += 1;
                assert!(
                    !differences.contains_key(&key),
                    "DIFFERENCES.md lists {key}, which now agrees: remove it"
                );
            }
            Some(why) if differences.contains_key(&key) => {
                agree += 1;
                lines.push(format!("  listed   {key} ({source}): {why}"));
            }
            Some(why) => lines.push(format!("  DISAGREE {key} ({source}): {why}")),
        }
    }
    for k in differences.keys() {
        assert!(seen.contains(k), "DIFFERENCES.md lists {k}, which is no case");
    }
    println!("{SUITE}: {agree}/{total} agree (threshold {need})");
    for l in &lines {
        println!("{l}");
    }
    assert!(
        agree >= need,
        "{SUITE}: {agree}/{total} agree, below the threshold {need}"
    );
}
