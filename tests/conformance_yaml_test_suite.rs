//! The YAML test suite (`tests/conformance/yaml_test_suite/`, source in its `SOURCE.md`) run
//! through portalint's YAML reader. A case agrees when we and the suite say the same about
//! whether the text is YAML at all (a `yaml-syntax` problem or none), and, where the suite
//! gives the JSON of a valid case, when the values we read are that JSON. Prints
//! `agree/total`, lists every disagreement, and fails below `THRESHOLD`. Cases where we differ
//! on purpose are listed in `DIFFERENCES.md` with why; they count as agreed only there.
//!
//! `cargo test --test conformance_yaml_test_suite -- --nocapture` prints the report.

mod common;
use common::{listed, threshold};

use portalint::yaml::{self, Node, ProblemKind};
use std::path::{Path, PathBuf};

const SUITE: &str = "yaml_test_suite";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

/// The case folders: every folder holding an `in.yaml`.
fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for p in entries {
        if p.join("in.yaml").is_file() {
            out.push(p.clone());
        }
        cases(&p, out);
    }
}

/// Our value as the JSON the suite writes (keys are strings in both).
fn json_of(n: &Node) -> serde_json::Value {
    n.to_json()
}

/// Equal as JSON values, numbers compared as numbers.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// What we say about one case; `None` when we agree.
fn judge(case: &Path) -> Option<String> {
    let text = std::fs::read_to_string(case.join("in.yaml")).expect("in.yaml");
    let invalid = case.join("error").exists();
    let parsed = yaml::parse(&text);
    let syntax: Vec<&yaml::Problem> = parsed
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Syntax)
        .collect();
    match (invalid, syntax.first()) {
        (true, None) => return Some("the suite says invalid; we read it".into()),
        (false, Some(p)) => return Some(format!("the suite says valid; we say: {}", p.message)),
        (true, Some(_)) => return None,
        (false, None) => {}
    }
    let Ok(json) = std::fs::read_to_string(case.join("in.json")) else {
        return None;
    };
    // Like kubectl, we skip empty documents; so does the comparison.
    let want: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&json)
        .into_iter::<serde_json::Value>()
        .map(|v| v.expect("in.json"))
        .filter(|v| !v.is_null())
        .collect();
    let got: Vec<serde_json::Value> = parsed.docs.iter().map(|d| json_of(&d.root)).collect();
    if want.len() != got.len() || !want.iter().zip(&got).all(|(w, g)| same(w, g)) {
        let show = |v: &[serde_json::Value]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" | ");
        return Some(format!("values differ: suite {} / ours {}", show(&want), show(&got)));
    }
    None
}

#[test]
fn yaml_test_suite() {
    let dir = suite_dir();
    let data = dir.join("cases");
    assert!(
        data.is_dir(),
        "{} is missing: the suite's data must be there",
        data.display()
    );
    let mut all = Vec::new();
    cases(&data, &mut all);
    assert!(!all.is_empty(), "{} holds no case", data.display());
    let total = all.len();
    let need = threshold(
        &std::fs::read_to_string(dir.join("THRESHOLD")).expect("THRESHOLD"),
        total,
    );
    let differences = listed(&std::fs::read_to_string(dir.join("DIFFERENCES.md")).unwrap_or_default());
    let mut agree = 0;
    let mut report = Vec::new();
    let mut stale = Vec::new();
    for case in &all {
        let id = case
            .strip_prefix(&data)
            .expect("under data")
            .to_string_lossy()
            .replace('\\', "/");
        let name = std::fs::read_to_string(case.join("===")).unwrap_or_default();
        match judge(case) {
            None => {
                agree += 1;
                if differences.contains_key(&id) {
                    stale.push(id);
                }
            }
            Some(why) if differences.contains_key(&id) => {
                agree += 1;
                report.push(format!("  listed   {id} ({}): {why}", name.trim()));
            }
            Some(why) => report.push(format!("  DISAGREE {id} ({}): {why}", name.trim())),
        }
    }
    println!("{SUITE}: {agree}/{total} agree (threshold {need})");
    for line in &report {
        println!("{line}");
    }
    assert!(
        stale.is_empty(),
        "DIFFERENCES.md lists cases that now agree (remove them): {stale:?}"
    );
    assert!(
        agree >= need,
        "{SUITE}: {agree}/{total} agree, below the threshold {need}"
    );
}
