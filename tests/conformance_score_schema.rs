//! The Score schema tests (`tests/conformance/score_schema/`, source in its `SOURCE.md`):
//! per case a Score workload document and the verdict of the Score schema (score-go's
//! `schema.Validate`, what `score-compose` and `score-k8s` run): valid, or invalid with the
//! JSON pointer the error names. Each case is written as a file of its own (`.json` for the
//! cases upstream decodes as JSON, `.yaml` otherwise) and checked by portalint's Score rules
//! that judge the schema (`SCHEMA_RULES`); a case agrees when portalint reports an error on it
//! exactly when the schema rejects it. Prints `agree/total`, lists every disagreement, and
//! fails below `THRESHOLD`. Cases listed in `DIFFERENCES.md` count as agreed, with why; a
//! listed case that agrees fails the run.
//!
//! `cargo test --test conformance_score_schema -- --nocapture` prints the report.

mod common;
use common::{listed, threshold};

use portalint::app;
use portalint::cli::CheckArgs;
use portalint::rules::diagnostic::Severity;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SUITE: &str = "score_schema";

/// The Score rules that judge what the Score schema judges: the schema itself, and the
/// unknown keys it forbids (`additionalProperties: false`). The other `score-*` rules speak
/// for other consumers (innominatus, provisioners) and are not run.
const SCHEMA_RULES: &[&str] = &["score-schema", "score-no-unknown-keys"];

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

fn file_name(i: usize, case: &Value) -> String {
    let ext = if case["format"] == "json" { "json" } else { "yaml" };
    format!("c{i}.{ext}")
}

#[test]
fn score_schema_conformance() {
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
    for (i, case) in cases.iter().enumerate() {
        // JSON is YAML: the YAML cases are written in its flow style, which keeps every
        // value's type as upstream decoded it.
        let text = serde_json::to_string_pretty(&case["doc"]).expect("json");
        std::fs::write(repo.path().join(file_name(i, case)), text).expect("write");
    }
    let started = std::time::Instant::now();
    let args = CheckArgs {
        select: SCHEMA_RULES.iter().map(|r| r.to_string()).collect(),
        isolated: true,
        ..CheckArgs::new(vec![repo.path().to_path_buf()])
    };
    let outcome = app::check(&args).expect("check runs");
    let took = started.elapsed();
    // No silent pass: every case's file is read as one document.
    let read = outcome.summary.documents;
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &outcome.diagnostics {
        let file = d.primary.path.rsplit('/').next().unwrap_or_default().to_string();
        let sev = if d.severity >= Severity::Error {
            "error"
        } else {
            "warning"
        };
        found
            .entry(file)
            .or_default()
            .push(format!("{sev} {}: {}", d.rule, d.message));
    }

    let mut tally = common::Tally::new("score_schema", &differences);
    for (i, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().expect("id");
        let ours = found.get(&file_name(i, case)).cloned().unwrap_or_default();
        let error = ours.iter().any(|m| m.starts_with("error"));
        let invalid = case["expect"] == "invalid";
        tally.case(id, error == invalid, || {
            format!(
                "  {id} ({})\n    expected {}{}; portalint: {}",
                file_name(i, case),
                case["expect"].as_str().unwrap_or("?"),
                case["error"].as_str().map(|e| format!(" ({e})")).unwrap_or_default(),
                if ours.is_empty() {
                    "nothing".to_string()
                } else {
                    ours.join(" | ")
                }
            )
        });
    }
    println!("  read {read} documents of {} cases", cases.len());
    assert_eq!(
        read,
        cases.len(),
        "every case is one document portalint reads (a Score spec)"
    );
    tally.finish(need, Some(took));
}
