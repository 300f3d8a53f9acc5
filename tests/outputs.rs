//! The outputs a CI needs from one run (issue 17) and the baseline (issue 18), through the
//! binary: `--output FORMAT=PATH`, a SARIF file even on exit 2, paths relative to the
//! current directory, the JSON outputs against `schemas/report.schema.json` and without
//! duplicate keys, `--baseline` / `--write-baseline`.

mod common;

use common::{git, write};
use std::path::Path;
use std::process::Command;

fn run(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_portalint"))
        .args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_EVENT_PATH")
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BAD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n";

/// A mini repository: `configuration/` with one finding, and a clean file.
fn mini() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "configuration/composition.yaml", BAD);
    write(
        tmp.path(),
        "clean/ok.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
    );
    tmp
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A JSON value parsed by a parser that rejects a key given twice in one object (serde_json
/// alone keeps the last one).
struct Strict(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Strict;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
                Ok(Strict(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
                Ok(Strict(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
                Ok(Strict(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Strict, E> {
                Ok(Strict(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
                Ok(Strict(v.into()))
            }
            fn visit_string<E>(self, v: String) -> Result<Strict, E> {
                Ok(Strict(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Strict, E> {
                Ok(Strict(serde_json::Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Strict, A::Error> {
                let mut v = Vec::new();
                while let Some(Strict(x)) = a.next_element()? {
                    v.push(x);
                }
                Ok(Strict(v.into()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Strict, A::Error> {
                let mut m = serde_json::Map::new();
                while let Some(k) = a.next_key::<String>()? {
                    let Strict(v) = a.next_value()?;
                    if m.insert(k.clone(), v).is_some() {
                        return Err(serde::de::Error::custom(format!("duplicate key `{k}`")));
                    }
                }
                Ok(Strict(m.into()))
            }
        }
        d.deserialize_any(V)
    }
}

fn strict(what: &str, text: &str) -> serde_json::Value {
    serde_json::from_str::<Strict>(text)
        .unwrap_or_else(|e| panic!("{what}: {e}\n{text}"))
        .0
}

#[test]
fn the_strict_parser_rejects_duplicate_keys() {
    assert!(serde_json::from_str::<Strict>(r#"{"a": 1, "b": {"c": 1, "c": 2}}"#).is_err());
    assert!(serde_json::from_str::<Strict>(r#"{"a": 1, "b": {"c": 1}}"#).is_ok());
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(common::root().join("schemas/report.schema.json")).expect("schema");
    jsonschema::validator_for(&json(&text)).expect("compile")
}

fn valid(v: &jsonschema::Validator, what: &str, doc: &serde_json::Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// Every JSON output (check with findings, a clean check, an error, the bundled example,
/// `rules`, `verdict`) validates against the schema and holds no key twice.
#[test]
fn json_outputs_follow_the_schema_and_hold_no_duplicate_key() {
    let v = schema();
    let repo = mini();
    let example = common::root().join("fixtures/_repos/template-webapp");
    let formats = common::root().join("tests/data/formats");
    let cases: Vec<(&str, Vec<&str>, &Path, i32)> = vec![
        (
            "findings",
            vec!["check", "--format", "json", "configuration"],
            repo.path(),
            1,
        ),
        ("clean", vec!["check", "--format", "json", "clean"], repo.path(), 0),
        (
            "error",
            vec!["check", "--format", "json", "--select", "no-such-rule", "."],
            repo.path(),
            2,
        ),
        ("example", vec!["check", "--format", "json", "."], &example, 1),
        ("formats", vec!["check", "--format", "json", "."], &formats, 1),
        ("rules", vec!["rules", "--format", "json"], repo.path(), 0),
    ];
    for (what, args, cwd, code) in cases {
        let (got, out, err) = run(&args, cwd);
        assert_eq!(got, code, "{what}: {err}");
        let doc = strict(what, &out);
        valid(&v, what, &doc);
        if what == "error" {
            assert!(
                doc["error"].as_str().is_some_and(|e| e.contains("no-such-rule")),
                "{doc}"
            );
        }
    }
    // The verdict (its `decision` was written twice: once by the report, once by the
    // flattened verdict).
    let tmp = tempfile::tempdir().expect("tmp");
    let r = tmp.path();
    git(r, &["init", "-q", "-b", "main"]);
    git(r, &["commit", "-q", "--allow-empty", "-m", "init"]);
    git(r, &["checkout", "-q", "-b", "pr"]);
    write(r, "openportal/team-a/x.yaml", BAD);
    git(r, &["add", "-A"]);
    git(r, &["commit", "-qm", "add"]);
    let (code, out, err) = run(&["verdict", "--base", "main", "--format", "json"], r);
    assert!(code == 10 || code == 11, "{err}");
    let doc = strict("verdict", &out);
    valid(&v, "verdict", &doc);
    // The schema does reject what it must.
    let mut bad = json(&run(&["check", "--format", "json", "configuration"], repo.path()).1);
    bad["diagnostics"][0]["line"] = 0.into();
    assert!(!v.is_valid(&bad));
}

/// `--output`: one run writes the annotations to stdout, SARIF, Markdown, JUnit and GitLab to
/// files, the same findings as separate runs would.
#[test]
fn one_run_writes_every_output() {
    let repo = mini();
    let d = repo.path();
    let (code, out, err) = run(
        &[
            "check",
            "--output",
            "github",
            "--output",
            "sarif=out/x.sarif",
            "--output",
            "markdown=summary.md",
            "--output",
            "junit=junit.xml",
            "--output",
            "gitlab=gl.json",
            "configuration",
        ],
        d,
    );
    std::fs::create_dir_all(d.join("out")).ok();
    assert_eq!(code, 2, "the folder `out/` does not exist: {err}");
    assert!(err.contains("out/x.sarif"), "{err}");
    let (code, out2, err) = run(
        &[
            "check",
            "--output",
            "github",
            "--output",
            "sarif=out/x.sarif",
            "--output",
            "markdown=summary.md",
            "--output",
            "junit=junit.xml",
            "--output",
            "gitlab=gl.json",
            "configuration",
        ],
        d,
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, out2, "the annotations come first, whatever a file does");
    assert_eq!(out2, run(&["check", "--format", "github", "configuration"], d).1);
    let sarif = json(&std::fs::read_to_string(d.join("out/x.sarif")).expect("sarif"));
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "configuration/composition.yaml"
    );
    assert!(std::fs::read_to_string(d.join("summary.md"))
        .expect("md")
        .starts_with("### ❌ portalint"));
    assert!(std::fs::read_to_string(d.join("junit.xml"))
        .expect("xml")
        .contains("<failure"));
    assert_eq!(
        json(&std::fs::read_to_string(d.join("gl.json")).expect("gl"))
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // `--format` keeps working, and two outputs to stdout are a usage error.
    assert_eq!(run(&["check", "--format", "sarif", "configuration"], d).0, 1);
    let (code, _, err) = run(&["check", "--format", "json", "--output", "github", "configuration"], d);
    assert_eq!(code, 2);
    assert!(err.contains("outputs write to stdout"), "{err}");
}

/// A run that ends in an error still leaves a valid SARIF file, the error as a tool
/// execution notification: a config error, an unknown rule, a command line clap rejects.
#[test]
fn exit_2_leaves_a_sarif_file_with_the_error() {
    let repo = mini();
    let d = repo.path();
    write(d, ".portalint.yaml", "select: [k8s-dns1123-subdomain\n");
    let cases: [(&[&str], &str); 3] = [
        (&["check", "--output", "sarif=e.sarif", "."], ".portalint.yaml"),
        (
            &[
                "check",
                "--isolated",
                "--select",
                "nope",
                "--output",
                "sarif=e.sarif",
                ".",
            ],
            "nope",
        ),
        (
            &["check", "--no-such-flag", "--output", "sarif=e.sarif", "."],
            "--no-such-flag",
        ),
    ];
    for (args, needle) in cases {
        let _ = std::fs::remove_file(d.join("e.sarif"));
        let (code, _, err) = run(args, d);
        assert_eq!(code, 2, "{args:?}: {err}");
        let log = json(&std::fs::read_to_string(d.join("e.sarif")).unwrap_or_else(|e| panic!("{args:?}: {e}")));
        let inv = &log["runs"][0]["invocations"][0];
        assert_eq!(inv["executionSuccessful"], false);
        let text = inv["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .expect("text");
        assert!(text.contains(needle), "{args:?}: {text}");
        assert_eq!(inv["toolExecutionNotifications"][0]["level"], "error");
        // A config error points at its file, line and column; the others have no place.
        let place = &inv["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"];
        if needle == ".portalint.yaml" {
            assert_eq!(place["artifactLocation"]["uri"], ".portalint.yaml", "{log}");
            assert_eq!(place["region"]["startLine"], 1, "{log}");
            assert_eq!(place["region"]["startColumn"], 9, "{log}");
        } else {
            assert!(place.is_null(), "{args:?}: {log}");
        }
    }
    // The JSON error document carries the same position.
    let (code, out, _) = run(&["check", "--format", "json", "."], d);
    assert_eq!(code, 2);
    let doc = strict("config error", &out);
    valid(&schema(), "config error", &doc);
    assert_eq!(
        doc["location"],
        serde_json::json!({"path": ".portalint.yaml", "line": 1, "column": 9}),
        "{doc}"
    );
}

/// Paths are relative to the current directory whatever form the checked path has.
#[test]
fn paths_are_relative_to_the_current_directory() {
    let repo = mini();
    let d = repo.path();
    let want = "configuration/composition.yaml";
    let abs = d.join("configuration").to_string_lossy().into_owned();
    for arg in [
        "configuration",
        "configuration/",
        "./configuration",
        abs.as_str(),
        want,
        ".",
    ] {
        let (code, out, err) = run(&["check", "--format", "json", arg], d);
        assert_eq!(code, 1, "{arg}: {err}");
        let v = json(&out);
        assert_eq!(v["diagnostics"][0]["path"], want, "checking `{arg}`");
        let (_, text, _) = run(&["check", arg], d);
        assert!(text.contains(&format!("--> {want}:4:9")), "{arg}: {text}");
    }
    // From the subfolder: relative to it.
    let sub = d.join("configuration");
    for arg in [".", "composition.yaml", "../configuration"] {
        let v = json(&run(&["check", "--format", "json", arg], &sub).1);
        assert_eq!(
            v["diagnostics"][0]["path"], "composition.yaml",
            "checking `{arg}` from the subfolder"
        );
    }
    // Two roots.
    let v = json(&run(&["check", "--format", "json", "./configuration", "clean"], d).1);
    assert_eq!(v["diagnostics"][0]["path"], want);
}

/// `--write-baseline` then `--baseline`: moved lines keep matching, an edited finding is
/// new, a fixed one disappears; the count of baselined findings is always said.
#[test]
fn baseline_reports_only_new_findings() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    write(d, "a.yaml", BAD);
    write(d, "b.yaml", BAD);
    let (code, _, err) = run(&["check", "--write-baseline", "base.json", "."], d);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 2 findings"), "{err}");
    let (code, out, _) = run(&["check", "--baseline", "base.json", "."], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 findings in the baseline not shown"), "{out}");
    // Lines move above the finding in a.yaml: still baselined.
    write(
        d,
        "a.yaml",
        &format!("# moved\n\n\n{}", BAD.replace("metadata:", "metadata:\n  labels: {}")),
    );
    let (code, out, _) = run(&["check", "--baseline", "base.json", "."], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 findings in the baseline not shown"), "{out}");
    // The finding in b.yaml is edited: new; the one in a.yaml fixed: gone.
    write(d, "b.yaml", &BAD.replace("Bad_Name", "Other_Name"));
    write(d, "a.yaml", &BAD.replace("Bad_Name", "good"));
    let (code, out, _) = run(&["check", "--baseline", "base.json", "--format", "json", "."], d);
    assert_eq!(code, 1);
    let v = json(&out);
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["diagnostics"][0]["path"], "b.yaml");
    assert_eq!(v["summary"]["baselined"], 0, "{v}");
    // SARIF and the baseline share the fingerprint.
    write(d, "b.yaml", BAD);
    let sarif = json(&run(&["check", "--format", "sarif", "b.yaml"], d).1);
    let base = json(&std::fs::read_to_string(d.join("base.json")).expect("baseline"));
    let fp = sarif["runs"][0]["results"][0]["partialFingerprints"]["portalint/v1"].clone();
    assert!(
        base["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["fingerprint"] == fp),
        "{fp}"
    );
    // A missing or broken baseline is a usage error naming the file.
    let (code, _, err) = run(&["check", "--baseline", "missing.json", "."], d);
    assert_eq!(code, 2);
    assert!(err.contains("missing.json"), "{err}");
    write(d, "broken.json", "{\"version\": 1, \"findings\": [");
    let (code, _, err) = run(&["check", "--baseline", "broken.json", "."], d);
    assert_eq!(code, 2);
    assert!(err.contains("broken.json") && err.contains("line 1"), "{err}");
}

/// `verdict --baseline`: findings in the baseline are not the PR's.
#[test]
fn verdict_accepts_a_baseline() {
    let tmp = tempfile::tempdir().expect("tmp");
    let r = tmp.path();
    git(r, &["init", "-q", "-b", "main"]);
    git(r, &["commit", "-q", "--allow-empty", "-m", "init"]);
    git(r, &["checkout", "-q", "-b", "pr"]);
    write(r, "openportal/team-a/x.yaml", BAD);
    git(r, &["add", "-A"]);
    git(r, &["commit", "-qm", "add"]);
    let baseline = tmp.path().join("../b.json");
    let b = baseline.to_string_lossy().into_owned();
    assert_eq!(run(&["check", "--write-baseline", &b, "."], r).0, 0);
    let plain = json(&run(&["verdict", "--base", "main", "--format", "json"], r).1);
    let (code, out, err) = run(&["verdict", "--base", "main", "--format", "json", "--baseline", &b], r);
    assert!(code == 10 || code == 11, "{err}");
    let with = json(&out);
    assert!(with["baselined"].as_u64() > Some(0), "{with}");
    let rule_reasons = |v: &serde_json::Value| {
        v["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .filter(|x| x["rule"].is_string())
            .count()
    };
    assert!(rule_reasons(&with) < rule_reasons(&plain), "{plain}\n{with}");
    assert_eq!(run(&["verdict", "--base", "main", "--baseline", "nope.json"], r).0, 2);
}
