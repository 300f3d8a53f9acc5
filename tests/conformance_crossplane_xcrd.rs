//! Crossplane's XRD-to-CRD tests (`tests/conformance/crossplane_xcrd/`, source in its
//! `SOURCE.md`): per case an XRD and Crossplane's verdict — accepted (the CRD is generated and
//! established) or rejected (the API server refuses the XRD, or Crossplane cannot render its
//! CRD) — and, for a generated CRD, its `openAPIV3Schema` without the fields Crossplane adds
//! to `spec` and `status` itself. A case agrees when portalint reports an error on the XRD
//! (from the `xp-xrd-*` rules and `xp-schema`, the XRD checked against Crossplane's own XRD
//! CRD) exactly when Crossplane rejects it, and, for an accepted case, when the schema
//! portalint renders (`schema::xcrd::crd_schema`, what every rule about an XR reads) is the
//! upstream one. Prints `agree/total`, lists every disagreement, and fails below `THRESHOLD`.
//! Cases listed in `DIFFERENCES.md` count as agreed, with why; a listed case that agrees
//! fails the run.
//!
//! `cargo test --test conformance_crossplane_xcrd -- --nocapture` prints the report.

mod common;
use common::{listed, threshold};

use portalint::app;
use portalint::cli::CheckArgs;
use portalint::rules::diagnostic::Severity;
use portalint::rules::ALL_RULES;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SUITE: &str = "crossplane_xcrd";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

/// The rules that judge an XRD: every `xp-xrd-*` rule and the XRD's own CRD schema.
fn rules() -> Vec<String> {
    ALL_RULES
        .iter()
        .map(|r| r.as_str())
        .filter(|id| id.starts_with("xp-xrd-") || *id == "xp-schema")
        .map(str::to_string)
        .collect()
}

/// The text of case `case`'s XRD (JSON is YAML).
fn text(case: &Value) -> String {
    match case.get("yaml").and_then(Value::as_str) {
        Some(y) => y.to_string(),
        None => serde_json::to_string_pretty(&case["xrd"]).expect("json"),
    }
}

/// Where the schema portalint renders for the XRD's first version differs from `want`.
fn rendered_differs(text: &str, want: &Value) -> Option<String> {
    let parsed = portalint::yaml::parse(text);
    let doc = parsed.docs.first()?;
    let schema = doc
        .root
        .get("spec")
        .and_then(|s| s.get("versions"))
        .and_then(|v| v.as_seq())
        .and_then(|v| v.first())
        .and_then(|v| v.path(&["schema", "openAPIV3Schema"]));
    let Some(schema) = schema else {
        return Some("the XRD has no schema to render".to_string());
    };
    let got = portalint::schema::xcrd::crd_schema(schema).to_json();
    let mut diffs = Vec::new();
    diff("", want, &got, &mut diffs);
    (!diffs.is_empty()).then(|| diffs.join("; "))
}

fn diff(path: &str, want: &Value, got: &Value, out: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let p = format!("{path}/{k}");
                match g.get(k) {
                    Some(gv) => diff(&p, wv, gv, out),
                    None => out.push(format!("{p} missing (want {wv})")),
                }
            }
            for k in g.keys().filter(|k| !w.contains_key(*k)) {
                out.push(format!("{path}/{k} not in the upstream CRD ({})", g[k]));
            }
        }
        _ if want == got => {}
        _ => out.push(format!("{path}: want {want}, got {got}")),
    }
}

#[test]
fn crossplane_xcrd_conformance() {
    let dir = suite_dir();
    let data = std::fs::read_to_string(dir.join("cases.json"))
        .unwrap_or_else(|e| panic!("{}: {e}; the suite's data is missing", dir.display()));
    let data: Value = serde_json::from_str(&data).expect("cases.json is JSON");
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
        std::fs::write(repo.path().join(format!("apis/c{i}.yaml")), text(case)).expect("write");
    }
    let started = std::time::Instant::now();
    let args = CheckArgs {
        select: rules(),
        isolated: true,
        ..CheckArgs::new(vec![repo.path().to_path_buf()])
    };
    let outcome = app::check(&args).expect("check runs");
    let took = started.elapsed();
    // No silent pass: every case's file is read as one document.
    let read = outcome.summary.documents;
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

    let mut tally = common::Tally::new("crossplane_xcrd", &differences);
    for (i, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().expect("id");
        let ours = found.get(&i).cloned().unwrap_or_default();
        let error = ours.iter().any(|m| m.starts_with("error"));
        let rejected = case["expect"] == "rejected";
        let mut why = Vec::new();
        if error != rejected {
            why.push(format!(
                "expected {}{}; portalint: {}",
                case["expect"].as_str().unwrap_or("?"),
                case["error"].as_str().map(|e| format!(" ({e})")).unwrap_or_default(),
                if ours.is_empty() {
                    "nothing".to_string()
                } else {
                    ours.join(" | ")
                }
            ));
        }
        if let Some(want) = case.get("crd") {
            if let Some(d) = rendered_differs(&text(case), want) {
                why.push(format!("rendered schema differs: {d}"));
            }
        }
        tally.case(id, why.is_empty(), || {
            format!("  {id} (c{i})\n    {}", why.join("\n    "))
        });
    }
    println!("  read {read} documents of {} cases", cases.len());
    assert_eq!(read, cases.len(), "every case is one document portalint reads (an XRD)");
    tally.finish(need, Some(took));
}
