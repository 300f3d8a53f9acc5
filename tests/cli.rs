//! End-to-end tests of the binary: exit codes, formats, config discovery and errors.

mod common;

use std::path::Path;

fn portalint(args: &[&str], cwd: &Path) -> (i32, String, String) {
    common::run_bin(args, cwd)
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tmp");
    for (p, c) in files {
        let path = d.path().join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, c).expect("write");
    }
    d
}

const BAD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  labels:\n    k8s.io/x: v\n";
const GOOD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n";

#[test]
fn exit_codes() {
    let clean = repo(&[("a.yaml", GOOD)]);
    assert_eq!(portalint(&["check"], clean.path()).0, 0);
    let bad = repo(&[("a.yaml", BAD)]);
    let (code, out, _) = portalint(&["check", "--color", "never"], bad.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[k8s-dns1123-subdomain]"), "{out}");
    assert!(out.contains("--> a.yaml:4:9"), "{out}");
    // Warnings alone pass unless --fail-on warning.
    let warn = repo(&[(
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    k8s.io/x: v\n",
    )]);
    assert_eq!(portalint(&["check"], warn.path()).0, 0);
    assert_eq!(portalint(&["check", "--fail-on", "warning"], warn.path()).0, 1);
    assert_eq!(portalint(&["check", "--select", "no-such-rule"], warn.path()).0, 2);
    assert_eq!(portalint(&["check", "missing-dir"], warn.path()).0, 2);
    assert_eq!(portalint(&["frobnicate"], warn.path()).0, 2);
}

#[test]
fn json_contract() {
    let bad = repo(&[("dir/a.yaml", BAD)]);
    let (code, out, _) = portalint(&["check", "--format", "json"], bad.path());
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["version"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "k8s-dns1123-subdomain");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "dir/a.yaml");
    assert_eq!(
        (
            d["line"].as_u64(),
            d["column"].as_u64(),
            d["end_line"].as_u64(),
            d["end_column"].as_u64()
        ),
        (Some(4), Some(9), Some(4), Some(17))
    );
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["warnings"], 1);
}

#[test]
fn config_discovery_overrides_and_errors() {
    let r = repo(&[
        ("sub/a.yaml", BAD),
        (
            ".portalint.yaml",
            "rules:\n  k8s-dns1123-subdomain: warning\nper-path-ignores:\n  \"sub/**\": [k8s-reserved-prefixes]\n",
        ),
    ]);
    let (code, out, _) = portalint(&["check", "sub", "--format", "json"], r.path());
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    let bad_cfg = repo(&[("a.yaml", GOOD), (".portalint.yaml", "profile: auto\nfail_on: error\n")]);
    let (code, _, err) = portalint(&["check"], bad_cfg.path());
    assert_eq!(code, 2);
    assert!(err.contains("unknown field `fail_on`"), "{err}");
    assert!(err.contains(".portalint.yaml:2:1"), "{err}");
    assert!(err.contains("did you mean `fail-on`?"), "{err}");
    let bad_rule = repo(&[("a.yaml", GOOD), (".portalint.yaml", "rules:\n  xp-xrd-nme: off\n")]);
    let (code, _, err) = portalint(&["check"], bad_rule.path());
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown rule `xp-xrd-nme`") && err.contains("did you mean `xp-xrd-name`?"),
        "{err}"
    );
}

#[test]
fn inline_suppression() {
    let r = repo(&[(
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  # portalint: ignore[k8s-dns1123-subdomain]\n  name: Bad_Name\n",
    )]);
    assert_eq!(portalint(&["check"], r.path()).0, 0);
}

#[test]
fn rules_and_explain() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (code, out, _) = portalint(&["rules", "--format", "json"], tmp.path());
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["version"], 1, "versioned like `check --format json`");
    assert!(v["rules"]
        .as_array()
        .is_some_and(|a| a.iter().any(|r| r["id"] == "xp-xrd-name")));
    let (code, out, _) = portalint(&["explain", "xp-xrd-name"], tmp.path());
    assert_eq!(code, 0);
    assert!(out.contains("## What it does"));
    assert_eq!(portalint(&["explain", "xp-xrd-nam"], tmp.path()).0, 2);
}

/// The bundled example streamed one file per batch prints what the in-memory check prints;
/// a size that is not one is a usage error.
#[test]
fn streaming_options() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/_repos/template-webapp");
    let memory = portalint(&["check", "--color", "never", "."], &root);
    let streamed = portalint(
        &[
            "check",
            "--color",
            "never",
            "--stream-above",
            "0",
            "--batch-size",
            "1",
            ".",
        ],
        &root,
    );
    assert_eq!(memory.0, 1);
    assert_eq!(streamed, memory);
    let (code, _, err) = portalint(&["check", "--batch-size", "4X", "."], &root);
    assert_eq!(code, 2);
    assert!(err.contains("unknown size unit `X`"), "{err}");
}

#[test]
fn bundled_example_has_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/_repos/template-webapp");
    let (code, out, _) = portalint(&["check", "--color", "never", "."], &root);
    assert_eq!(code, 1, "{out}");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_snapshot_path("snapshots");
    settings.bind(|| insta::assert_snapshot!("cli__bundled_example", out));
}

/// action.yml: valid YAML, inputs that mirror the CLI (every `--format` value is offered),
/// and shell steps that parse (`bash -n`, with the `${{ }}` expressions substituted).
#[test]
fn action_yml_mirrors_the_cli_and_its_scripts_parse() {
    use clap::ValueEnum;
    let text = std::fs::read_to_string(common::root().join("action.yml")).expect("action.yml");
    let parsed = portalint::yaml::parse(&text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let doc = parsed.docs[0].root.to_json();
    let inputs = doc["inputs"].as_object().expect("inputs");
    for key in [
        "mode",
        "paths",
        "format",
        "config",
        "base",
        "fail-on",
        "sarif-file",
        "token",
        "select",
        "ignore",
        "profile",
        "head",
        "args",
        "version",
        "build-from-source",
    ] {
        assert!(inputs.contains_key(key), "input `{key}` is missing");
    }
    let described = inputs["format"]["description"].as_str().expect("description");
    for v in portalint::report::Format::value_variants() {
        let name = v.to_possible_value().expect("value").get_name().to_string();
        assert!(
            described.contains(&name),
            "format `{name}` is not offered by action.yml"
        );
    }
    let expr = regex::Regex::new(r"\$\{\{[^}]*\}\}").expect("regex");
    for step in doc["runs"]["steps"].as_array().expect("steps") {
        let Some(script) = step["run"].as_str() else { continue };
        let script = expr.replace_all(script, "x");
        let out = std::process::Command::new("bash")
            .args(["-n", "-c", &script])
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "{}: {}",
            step["name"],
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The action's run step, executed as a runner would (check mode on the bundled example):
/// annotations on the log, the SARIF file, the job summary and the exit-code output.
#[test]
fn action_run_step_in_check_mode() {
    let text = std::fs::read_to_string(common::root().join("action.yml")).expect("action.yml");
    let doc = portalint::yaml::parse(&text).docs[0].root.to_json();
    let step = doc["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["id"] == "check")
        .expect("the check step")
        .clone();
    let tmp = tempfile::tempdir().expect("tmp");
    let bin = tmp.path().join("portalint/bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_portalint"), bin.join("portalint")).expect("link");
    let (output, summary, sarif) = (
        tmp.path().join("out"),
        tmp.path().join("summary.md"),
        tmp.path().join("x.sarif"),
    );
    let out = std::process::Command::new("bash")
        .args(["-c", step["run"].as_str().expect("script")])
        .current_dir(common::root())
        .envs([
            ("PATHS", "fixtures/_repos/template-webapp"),
            ("FORMAT", "github"),
            ("CONFIG", ""),
            ("BASE", ""),
            ("FAIL_ON", "error"),
            ("XRDS", ""),
            ("ORDERS", ""),
            ("HEAD", ""),
            ("SELECT", ""),
            ("IGNORE", ""),
            ("PROFILE", ""),
            ("BASELINE", ""),
            ("ARGS", ""),
        ])
        .env("SARIF_FILE", &sarif)
        .env("RUNNER_TEMP", tmp.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("bash");
    let log = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{log}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        // Relative to the repository root (the runner's directory), not to the checked folder.
        log.lines()
            .any(|l| l.starts_with("::error file=fixtures/_repos/template-webapp/configuration/")),
        "{log}"
    );
    assert_eq!(
        std::fs::read_to_string(&output).expect("outputs").trim(),
        format!("exit-code=1\nsarif-file={}", sarif.display())
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    assert!(!sarif["runs"][0]["results"].as_array().expect("results").is_empty());
    assert!(std::fs::read_to_string(&summary)
        .expect("summary")
        .starts_with("### ❌ portalint:"));
}

/// `kubernetes-version` decides which CEL libraries an XRD's rules may use, as the API server
/// of that version decides for the CRD Crossplane creates: what the release before it
/// introduced (its compatibility version). Without the key, every library is allowed.
#[test]
fn kubernetes_version_decides_the_cel_libraries_of_xrd_rules() {
    let xrd = common::root().join("fixtures/xp-xrd-structural-schema/pass/newest-kubernetes.yaml");
    let tmp = tempfile::tempdir().expect("tmp");
    common::write(tmp.path(), "xrd.yaml", &std::fs::read_to_string(&xrd).expect("fixture"));
    let run = |version: Option<&str>| {
        match version {
            Some(v) => common::write(tmp.path(), ".portalint.yaml", &format!("kubernetes-version: \"{v}\"\n")),
            None => {
                let _ = std::fs::remove_file(tmp.path().join(".portalint.yaml"));
            }
        }
        common::run_bin(&["check", "--format", "json", "."], tmp.path())
    };
    let undeclared = |out: &str| -> Vec<String> {
        let json: serde_json::Value = serde_json::from_str(out).expect("json");
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter_map(|d| d["message"].as_str())
            .filter_map(|m| m.split_once("undeclared reference to '"))
            .map(|(_, rest)| rest.split('\'').next().unwrap_or("").to_string())
            .collect()
    };
    let (code, out, err) = run(None);
    assert_eq!(code, 0, "{out}{err}");
    // 1.33 creates CRDs in its 1.32 environment: no semver (1.33), no `sortBy` (1.34).
    let (code, out, err) = run(Some("1.33"));
    assert_eq!(code, 1, "{err}");
    assert_eq!(undeclared(&out), ["isSemver", "sortBy"], "{out}");
    let (_, out, _) = run(Some("1.34"));
    assert_eq!(undeclared(&out), ["sortBy"], "{out}");
    let (code, out, err) = run(Some("v1.35.1"));
    assert_eq!(code, 0, "{out}{err}");
    // Two-variable comprehensions came with 1.32.
    let (_, out, _) = run(Some("1.32"));
    assert_eq!(undeclared(&out), ["isSemver", "all", "sortBy"], "{out}");
    let (code, _, err) = run(Some("one.thirty"));
    assert_eq!(code, 2);
    assert!(
        err.contains("is not a Kubernetes version") && err.contains(".portalint.yaml:1:"),
        "{err}"
    );
}
