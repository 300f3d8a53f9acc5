//! The `@backstage/catalog-model` validation tests (`tests/conformance/backstage_catalog_model/`,
//! source in its `SOURCE.md`), each case a whole entity written to its own file and checked by
//! portalint with every rule. A case agrees when portalint reports an error exactly when the
//! catalog refuses the entity. Prints `agree/total`, lists every disagreement, and fails below
//! `THRESHOLD`. Cases listed in `DIFFERENCES.md` count as agreed, with why.
//!
//! `cargo test --test conformance_backstage_catalog_model -- --nocapture` prints the report.

mod common;
use common::{listed, threshold};

use portalint::app;
use portalint::cli::CheckArgs;
use portalint::rules::diagnostic::Severity;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SUITE: &str = "backstage_catalog_model";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

#[test]
fn backstage_catalog_model_conformance() {
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

    // One check per case: the cases share names, and each is a catalog of its own.
    // `bs-ent-server-fields` is left out: see DIFFERENCES.md.
    let mut found: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, case) in cases.iter().enumerate() {
        let repo = tempfile::tempdir().expect("tempdir");
        let text = serde_json::to_string_pretty(&case["entity"]).expect("json");
        std::fs::write(repo.path().join("catalog-info.yaml"), text).expect("write");
        let args = CheckArgs {
            isolated: true,
            ignore: vec!["bs-ent-server-fields".into()],
            ..CheckArgs::new(vec![repo.path().to_path_buf()])
        };
        let outcome = app::check(&args).expect("check runs");
        for d in &outcome.diagnostics {
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
    }

    let mut tally = common::Tally::new("backstage_catalog_model", &differences);
    for (i, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().expect("id");
        let ours = found.get(&i).cloned().unwrap_or_default();
        let error = ours.iter().any(|m| m.starts_with("error"));
        let expected_error = case["valid"] == false;
        tally.case(id, error == expected_error, || {
            format!(
                "  {id}\n    expected {}; portalint: {}",
                if expected_error { "refused" } else { "accepted" },
                if ours.is_empty() {
                    "nothing".to_string()
                } else {
                    ours.join(" | ")
                }
            )
        });
    }
    tally.finish(need, None);
}
