//! Suppressions like ruff's (issue 18): unknown ids and unused suppressions are reported,
//! `ignore[all]` and a bare `ignore` suppress every rule, `ignore-file[…]` the whole file.

mod common;

use common::{run_bin, write};

/// (rule, line) of each finding of a check of `text` as `a.yaml`, every rule on.
fn findings(text: &str) -> Vec<(String, u64)> {
    let t = tempfile::tempdir().expect("tmp");
    write(t.path(), "a.yaml", text);
    let (code, out, err) = run_bin(&["check", "--isolated", "--format", "json", "a.yaml"], t.path());
    assert!(code == 0 || code == 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const BAD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name";

fn rules(f: &[(String, u64)]) -> Vec<&str> {
    f.iter().map(|(r, _)| r.as_str()).collect()
}

#[test]
fn the_finding_without_a_suppression() {
    assert_eq!(rules(&findings(&format!("{BAD}\n"))), ["k8s-dns1123-subdomain"]);
}

#[test]
fn all_and_a_bare_ignore_suppress_every_rule() {
    for comment in [
        "# portalint: ignore[all]",
        "# portalint: ignore",
        "# portalint: ignore[ all ]",
    ] {
        let f = findings(&format!("{BAD}  {comment}\n"));
        assert_eq!(f, Vec::<(String, u64)>::new(), "{comment}");
        // On a comment line of its own, for the next line.
        let above = BAD.replace("  name:", &format!("  {comment}\n  name:"));
        assert_eq!(
            findings(&format!("{above}\n")),
            Vec::<(String, u64)>::new(),
            "{comment} above"
        );
    }
}

#[test]
fn an_unknown_id_is_reported_and_suppresses_nothing() {
    let f = findings(&format!("{BAD}  # portalint: ignore[k8s-dns1123-subdomian]\n"));
    assert_eq!(rules(&f), ["k8s-dns1123-subdomain", "yaml-unused-suppression"], "{f:?}");
    assert!(f.iter().all(|(_, line)| *line == 4));
}

#[test]
fn an_unused_suppression_is_reported() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good  # portalint: ignore[k8s-dns1123-subdomain]\n";
    assert_eq!(rules(&findings(text)), ["yaml-unused-suppression"]);
    let bare = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good  # portalint: ignore\n";
    assert_eq!(rules(&findings(bare)), ["yaml-unused-suppression"]);
    // Used: not reported; and turned off like any rule.
    assert_eq!(
        findings(&format!("{BAD}  # portalint: ignore[k8s-dns1123-subdomain]\n")),
        []
    );
    let t = tempfile::tempdir().expect("tmp");
    write(t.path(), "a.yaml", text);
    let (code, out, _) = run_bin(
        &["check", "--isolated", "--ignore", "yaml-unused-suppression", "a.yaml"],
        t.path(),
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_file_level_suppression_covers_the_whole_file() {
    let text = format!(
        "# portalint: ignore-file[k8s-dns1123-subdomain]\n{BAD}\n---\n{}\n",
        BAD.replace("Bad_Name", "Other_Bad")
    );
    assert_eq!(findings(&text), []);
    let unused = "# portalint: ignore-file[k8s-label-key]\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n";
    assert_eq!(findings(unused), [("yaml-unused-suppression".to_string(), 1)]);
    let all = format!("# portalint: ignore-file\n{BAD}\n");
    assert_eq!(findings(&all), []);
}

#[test]
fn words_that_only_start_like_a_suppression_are_not_one() {
    let text = format!("{BAD}  # portalint: ignored on purpose\n");
    assert_eq!(rules(&findings(&text)), ["k8s-dns1123-subdomain"]);
    // Not in a comment: a value, not a suppression.
    let value = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  note: \"portalint: ignore\"\n";
    assert_eq!(findings(value), []);
}
