//! Replays the fuzz corpora and past crash inputs (`fuzz/corpus`, `fuzz/regressions`) through
//! the same entry points as the fuzz targets, in the normal test run: none may panic.

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["corpus", "regressions"] {
        let d = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz")
            .join(dir)
            .join(target);
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if let Ok(bytes) = std::fs::read(e.path()) {
                if let Ok(text) = String::from_utf8(bytes) {
                    out.push((e.path().display().to_string(), text));
                }
            }
        }
    }
    assert!(!out.is_empty(), "the `{target}` corpus is committed under fuzz/corpus");
    out
}

#[test]
fn parse_corpus() {
    for (_, text) in &inputs("parse") {
        let parsed = portalint::yaml::parse(text);
        assert!(parsed.docs.iter().all(|d| d.root.end as usize <= text.len()));
    }
}

#[test]
fn check_file_corpus() {
    for (_, text) in inputs("check_file") {
        portalint::fuzzing::check_files(&[("configuration/xrd.yaml", &text)]);
    }
}

#[test]
fn xr_vs_xrd_corpus() {
    for (_, text) in inputs("xr_vs_xrd") {
        let (xrd, order) = text.split_once("\n===\n").unwrap_or((&text, ""));
        portalint::fuzzing::check_files(&[
            ("xrds/xrd.yaml", xrd),
            ("openportal/team-a/Thing/order.yaml", order),
            (
                "openportal/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n",
            ),
        ]);
    }
}

#[test]
fn config_and_codeowners_corpus() {
    for (_, text) in inputs("config") {
        let _ = portalint::config::parse(Path::new(".portalint.yaml"), &text, &portalint::config::Trust::User);
        let _ = portalint::gate::policy::load_file(Path::new("policy.yaml"), &text);
    }
    for (_, text) in inputs("codeowners") {
        let _ = portalint::gate::codeowners::CodeOwners::parse(&text).owners_of("a/b.yaml");
    }
}

#[test]
fn cel_rule_corpus() {
    for (_, text) in inputs("cel_rule") {
        portalint::fuzzing::cel_rule(&text);
    }
}

#[test]
fn go_template_corpus() {
    for (_, text) in inputs("go_template") {
        portalint::fuzzing::go_template(&text);
    }
}

#[test]
fn schema_corpus() {
    for (_, text) in inputs("schema") {
        portalint::fuzzing::schema(&text);
    }
}
