//! The CEL cost cases of the Kubernetes API server (`tests/conformance/kubernetes_cel_cost/`,
//! source in its `SOURCE.md`): the estimated cost of one rule on a schema, compared as a
//! number where the upstream table gives one (`cost`), as a lower bound where it gives one
//! (`at_least`), and as "compiles" where it gives neither; and the cost limits of the
//! CRD-validation table, compared as the set of fields the API server reports forbidden.
//! Prints `agree/total`, lists every disagreement, and fails below `THRESHOLD`. Cases listed
//! in `DIFFERENCES.md` count as agreed, with why.
//!
//! `cargo test --test conformance_kubernetes_cel_cost -- --nocapture` prints the report.

mod common;
use common::{listed, threshold};

use portalint::schema::{cel, celcheck, celcost, cellimits};
use serde_json::Value;
use std::path::{Path, PathBuf};

const SUITE: &str = "kubernetes_cel_cost";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

/// Our verdict on a cost-table case: `Ok(())` when it agrees, else what we found.
fn table_case(case: &Value) -> Result<(), String> {
    let schema = &case["schema"];
    let rule = schema["x-kubernetes-validations"][0]["rule"]
        .as_str()
        .ok_or("no rule")?;
    let e = cel::parse(rule).map_err(|e| format!("does not parse: {e}"))?;
    let problems = celcheck::check(&e, schema, false);
    if !problems.is_empty() {
        return Err(format!("does not compile: {}", problems.join("; ")));
    }
    let d = celcost::decl(schema, false).ok_or("the schema has no CEL declaration")?;
    let (est, _) = celcost::estimate(&e, &d);
    if let Some(want) = case["cost"].as_u64() {
        if est.max != want {
            return Err(format!("estimated {} (min {}), expected {want}", est.max, est.min));
        }
    }
    if let Some(least) = case["at_least"].as_u64() {
        if est.max < least {
            return Err(format!("estimated {}, expected at least {least}", est.max));
        }
    }
    Ok(())
}

/// Our verdict on a CRD-validation case: the fields we report forbidden, as the API server
/// names them under `openAPIV3Schema` (empty for the schema itself).
fn validation_case(case: &Value) -> Result<(), String> {
    let yaml = serde_json::to_string(&case["crd_schema"]).expect("json");
    let parsed = portalint::parse::yaml::parse(&yaml);
    let root = &parsed.docs.first().ok_or("no document")?.root;
    let mut ours: Vec<String> = cellimits::check_schema(root, None, None)
        .into_iter()
        .map(|p| p.schema_path)
        .collect();
    ours.sort();
    let want: Vec<String> = case["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if ours == want {
        Ok(())
    } else {
        Err(format!("forbidden {ours:?}, expected {want:?}"))
    }
}

#[test]
fn kubernetes_cel_cost_conformance() {
    let dir = suite_dir();
    let text = std::fs::read_to_string(dir.join("cases.json"))
        .unwrap_or_else(|e| panic!("{}: {e}; the suite's data is missing", dir.display()));
    let data: Value = serde_json::from_str(&text).expect("cases.json is JSON");
    let table = data["cases"].as_array().expect("cases");
    let validation = data["validation"].as_array().expect("validation");
    assert!(!table.is_empty() && !validation.is_empty(), "the suite has no cases");
    let total = table.len() + validation.len();
    let differences = listed(&std::fs::read_to_string(dir.join("DIFFERENCES.md")).unwrap_or_default());
    let need = threshold(
        &std::fs::read_to_string(dir.join("THRESHOLD")).expect("THRESHOLD"),
        total,
    );

    let started = std::time::Instant::now();
    let (mut agree, mut listed_agree, mut numbers) = (0, 0, 0);
    let mut disagreements = Vec::new();
    let verdicts = table
        .iter()
        .map(|c| (c, table_case(c)))
        .chain(validation.iter().map(|c| (c, validation_case(c))));
    for (case, verdict) in verdicts {
        let id = case["id"].as_str().expect("id");
        match verdict {
            Ok(()) => {
                agree += 1;
                numbers += usize::from(case["cost"].is_u64());
            }
            Err(_) if differences.contains_key(id) => listed_agree += 1,
            Err(why) => disagreements.push(format!("  {id}\n    {why}")),
        }
    }
    let agreed = agree + listed_agree;
    println!(
        "kubernetes_cel_cost: {agreed}/{total} agree ({:.1} %; {numbers} exact estimated costs; {listed_agree} deliberate differences listed in DIFFERENCES.md), threshold {need}, checked in {:.2} s",
        agreed as f64 * 100.0 / total as f64,
        started.elapsed().as_secs_f64()
    );
    for d in &disagreements {
        println!("{d}");
    }
    let stale: Vec<&String> = differences
        .keys()
        .filter(|id| !table.iter().chain(validation).any(|c| c["id"] == id.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "DIFFERENCES.md lists cases the suite does not have: {stale:?}"
    );
    assert!(
        agreed >= need,
        "kubernetes_cel_cost: {agreed}/{total} agree, below the threshold of {need}"
    );
}
