//! The action's download script (`.github/action/install.sh`) against a fake GitHub: a local
//! folder holding the releases API answer and the release assets, read with curl's `file://`
//! (no network). Which release each ref resolves to, the checksum check, and that it never
//! builds.

mod common;

use std::path::PathBuf;
use std::process::Command;

const REPO: &str = "open-service-portal/portalint";
const TARGET: &str = "x86_64-unknown-linux-musl";

/// A fake release server: `api/repos/<repo>/releases` (the list, as GitHub pretty-prints it)
/// and `dl/<repo>/releases/download/<tag>/<asset>` with a stand-in `portalint` script that
/// prints its tag.
struct Fake {
    dir: tempfile::TempDir,
}

impl Fake {
    fn finish(dir: tempfile::TempDir, list: &[String]) -> Fake {
        let api = dir.path().join(format!("api/repos/{REPO}"));
        std::fs::create_dir_all(&api).expect("mkdir");
        std::fs::write(api.join("releases"), format!("[\n{}\n]\n", list.join(",\n"))).expect("write");
        Fake { dir }
    }

    /// Writes the archive of `tag` (holding `script` as the binary) and its `.sha256`.
    fn asset(&self, tag: &str, script: &str) {
        let name = format!("portalint-{tag}-{TARGET}");
        let rel = self.dir.path().join(format!("dl/{REPO}/releases/download/{tag}"));
        let stage = self.dir.path().join("stage").join(tag).join(&name);
        std::fs::create_dir_all(&stage).expect("mkdir");
        std::fs::create_dir_all(&rel).expect("mkdir");
        let bin = stage.join("portalint");
        std::fs::write(&bin, script).expect("write");
        let ok = Command::new("chmod")
            .arg("+x")
            .arg(&bin)
            .status()
            .expect("chmod")
            .success();
        assert!(ok);
        let archive = rel.join(format!("{name}.tar.gz"));
        let ok = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(stage.parent().expect("parent"))
            .arg(&name)
            .status()
            .expect("tar")
            .success();
        assert!(ok);
        let out = Command::new("sha256sum").arg(&archive).output().expect("sha256sum");
        let sum = String::from_utf8_lossy(&out.stdout);
        let sum = sum.split_whitespace().next().expect("sum");
        std::fs::write(
            rel.join(format!("{name}.tar.gz.sha256")),
            format!("{sum}  {name}.tar.gz\n"),
        )
        .expect("write");
    }

    fn url(&self, sub: &str) -> String {
        format!("file://{}", self.dir.path().join(sub).display())
    }

    /// Runs install.sh with `env`; (success, log, the installed binary's output).
    fn install(&self, env: &[(&str, &str)]) -> (bool, String, String) {
        let runner = tempfile::tempdir().expect("tmp");
        let outputs = runner.path().join("outputs");
        let mut c = Command::new("bash");
        c.arg(common::root().join(".github/action/install.sh"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PORTALINT_API_URL", self.url("api"))
            .env("PORTALINT_DOWNLOAD_URL", self.url("dl"))
            .env("REPO", REPO)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", runner.path())
            .env("GITHUB_OUTPUT", &outputs)
            // A PATH without cargo would not matter: the script must not build.
            .env("CARGO", "/nonexistent/cargo");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().expect("bash");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let bin: PathBuf = runner.path().join("portalint/bin/portalint");
        let ran = if bin.exists() {
            let o = Command::new(&bin).output().expect("installed binary");
            String::from_utf8_lossy(&o.stdout).trim().to_string()
        } else {
            String::new()
        };
        if out.status.success() {
            let written = std::fs::read_to_string(&outputs).expect("GITHUB_OUTPUT");
            assert!(written.starts_with("version=v"), "{written}");
        }
        (out.status.success(), log, ran)
    }
}

/// The releases the fake serves: (tag, draft, prerelease), unsorted like GitHub's list can be.
fn fake() -> Fake {
    let releases: &[(&str, bool, bool)] = &[
        ("v1.2.3", false, false),
        ("v1.10.0", false, false),
        ("v1.9.7", false, false),
        ("v2.0.0", false, true),  // a prerelease: never picked by a prefix
        ("v1.11.0", true, false), // a draft
        ("v0.9.0", false, false),
        ("v1.2.10", false, false),
    ];
    let dir = tempfile::tempdir().expect("tmp");
    let mut list = Vec::new();
    for &(tag, draft, prerelease) in releases {
        list.push(format!(
            "  {{\n    \"url\": \"https://api.github.com/repos/{REPO}/releases/1\",\n    \"author\": {{\n      \"login\": \"bot\"\n    }},\n    \"tag_name\": \"{tag}\",\n    \"draft\": {draft},\n    \"prerelease\": {prerelease},\n    \"assets\": [\n      {{\n        \"name\": \"a\"\n      }},\n      {{\n        \"name\": \"b\"\n      }}\n    ],\n    \"body\": \"not a \\\"tag_name\\\": \\\"v9.9.9\\\"\"\n  }}"
        ));
    }
    let f = Fake::finish(dir, &list);
    for &(tag, _, _) in releases {
        f.asset(tag, &format!("#!/bin/sh\necho \"portalint {tag}\"\n"));
    }
    f
}

#[test]
fn refs_resolve_to_the_newest_matching_release() {
    let f = fake();
    for (action_ref, want) in [
        ("v1", "v1.10.0"),
        ("v1.2", "v1.2.10"),
        ("v1.2.3", "v1.2.3"),
        ("v0", "v0.9.0"),
        ("v1.9", "v1.9.7"),
    ] {
        let (ok, log, ran) = f.install(&[("ACTION_REF", action_ref)]);
        assert!(ok, "{action_ref}: {log}");
        assert_eq!(ran, format!("portalint {want}"), "{action_ref}: {log}");
        assert!(log.contains("SHA-256") && log.contains("verified"), "{log}");
    }
    // The `version` input wins over the ref; `latest` is the newest published release.
    let (ok, log, ran) = f.install(&[("ACTION_REF", "v1"), ("VERSION", "v0.9")]);
    assert!(ok, "{log}");
    assert_eq!(ran, "portalint v0.9.0");
    let (ok, log, ran) = f.install(&[("VERSION", "latest")]);
    assert!(ok, "{log}");
    assert_eq!(ran, "portalint v1.10.0", "drafts and prereleases are not the latest");
}

#[test]
fn a_commit_sha_ref_uses_the_version_of_the_actions_own_cargo_toml() {
    let f = fake();
    let action = tempfile::tempdir().expect("tmp");
    std::fs::write(
        action.path().join("Cargo.toml"),
        "[package]\nname = \"portalint\"\nversion = \"1.9.7\"\n",
    )
    .expect("write");
    let path = action.path().to_str().expect("utf8");
    let (ok, log, ran) = f.install(&[
        ("ACTION_REF", "0123456789abcdef0123456789abcdef01234567"),
        ("ACTION_PATH", path),
    ]);
    assert!(ok, "{log}");
    assert_eq!(ran, "portalint v1.9.7");
    // The repository's real Cargo.toml is read the same way.
    let text = std::fs::read_to_string(common::root().join("Cargo.toml")).expect("Cargo.toml");
    assert!(text.contains(&format!("\nversion = \"{}\"\n", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn no_match_a_bad_checksum_or_an_unknown_runner_fail_without_building() {
    let f = fake();
    let fails = |env: &[(&str, &str)], why: &str| {
        let (ok, log, ran) = f.install(env);
        assert!(!ok, "{env:?} succeeded: {log}");
        assert!(log.contains("::error title=portalint::"), "{log}");
        assert!(log.contains(why), "{env:?}: {log}");
        assert!(ran.is_empty(), "a binary was installed: {ran}");
        assert!(!log.contains("Compiling"), "{log}");
    };
    fails(
        &[("ACTION_REF", "v3")],
        "no release of open-service-portal/portalint matches v3",
    );
    fails(&[("ACTION_REF", "v1.3")], "matches v1.3");
    fails(&[("ACTION_REF", "v2")], "matches v2");
    fails(&[("VERSION", "main")], "is not vX, vX.Y, vX.Y.Z or latest");
    fails(&[("ACTION_REF", "main")], "set the `version` input");
    fails(&[("ACTION_REF", "v4.0.0")], "cannot download");
    fails(
        &[("ACTION_REF", "v1"), ("RUNNER_OS", "FreeBSD")],
        "build-from-source: true",
    );
    // A tampered archive: the checksum no longer matches, nothing is unpacked.
    let archive = f.dir.path().join(format!(
        "dl/{REPO}/releases/download/v1.2.3/portalint-v1.2.3-{TARGET}.tar.gz"
    ));
    let mut bytes = std::fs::read(&archive).expect("archive");
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, bytes).expect("write");
    fails(&[("ACTION_REF", "v1.2.3")], "checksum mismatch");
}

/// action.yml runs the script for the download, and builds only with `build-from-source`, from
/// the action's own path.
#[test]
fn action_yml_downloads_and_builds_only_when_asked() {
    let text = std::fs::read_to_string(common::root().join("action.yml")).expect("action.yml");
    let doc = portalint::yaml::parse(&text).docs[0].root.to_json();
    let steps = doc["runs"]["steps"].as_array().expect("steps");
    let install = steps.iter().find(|s| s["id"] == "install").expect("install step");
    assert!(install["run"]
        .as_str()
        .expect("run")
        .contains("/.github/action/install.sh"));
    assert_eq!(install["if"], "inputs.build-from-source != 'true'");
    for s in steps {
        let run = s["run"].as_str().unwrap_or("");
        if run.contains("cargo ") {
            assert_eq!(s["if"], "inputs.build-from-source == 'true'", "{s}");
            assert!(run.contains("--path \"$ACTION_PATH\""), "{run}");
        }
        if let Some(uses) = s["uses"].as_str() {
            let (_, pin) = uses.split_once('@').expect("a pinned action");
            assert!(
                pin.len() == 40 && pin.chars().all(|c| c.is_ascii_hexdigit()),
                "{uses} is not pinned by commit SHA"
            );
        }
    }
    assert_eq!(doc["inputs"]["build-from-source"]["default"], "false");
}

/// The check step, run as a runner would, on a path that does not exist: exit 2, and still a
/// valid SARIF file carrying the error as a tool execution notification (for the upload step).
#[test]
fn the_check_step_leaves_a_valid_sarif_file_on_exit_2() {
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
    let (output, summary) = (tmp.path().join("out"), tmp.path().join("summary.md"));
    let mut c = Command::new("bash");
    c.args(["-c", step["run"].as_str().expect("script")])
        .current_dir(common::root());
    for k in [
        "FORMAT",
        "CONFIG",
        "BASE",
        "HEAD",
        "SARIF_FILE",
        "XRDS",
        "ORDERS",
        "SELECT",
        "IGNORE",
        "PROFILE",
        "BASELINE",
        "ARGS",
    ] {
        c.env(k, "");
    }
    let out = c
        .env("FORMAT", "github")
        .env("FAIL_ON", "error")
        .env("PATHS", "no/such \"quoted\\path")
        .env("RUNNER_TEMP", tmp.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("bash");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let outputs = std::fs::read_to_string(&output).expect("outputs");
    let sarif_path = tmp.path().join("portalint.sarif");
    assert_eq!(
        outputs.trim(),
        format!("exit-code=2\nsarif-file={}", sarif_path.display())
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).expect("sarif")).expect("valid JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    let note = notes[0]["message"]["text"].as_str().expect("a notification");
    assert!(note.contains("no/such"), "{note}");
}

/// `git` in `dir`, its stdout; panics with stderr on failure.
fn git_in(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The release workflow's `move-tags` script on real repositories (a bare origin and a
/// clone): `vX.Y` and `vX` follow the newest release of their line, a patch of an older line
/// moves only its `vX.Y`, a tag that is not `vX.Y.Z` is refused.
#[test]
fn release_moves_the_major_and_minor_tags_to_the_newest_release_of_their_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let origin = tmp.path().join("origin.git");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&origin).expect("mkdir");
    git_in(&origin, &["init", "-q", "--bare"]);
    git_in(tmp.path(), &["clone", "-q", origin.to_str().expect("utf-8"), "work"]);
    let script = common::root().join(".github/scripts/move-tags.sh");
    let release = |tag: &str| -> (bool, String) {
        git_in(&work, &["commit", "-q", "--allow-empty", "-m", tag]);
        git_in(&work, &["tag", "-a", tag, "-m", tag]);
        git_in(&work, &["push", "-q", "origin", &format!("refs/tags/{tag}")]);
        let out = Command::new("bash")
            .arg(&script)
            .env("TAG", tag)
            .current_dir(&work)
            .output()
            .expect("bash");
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    // What a moving tag points at, read from the origin (what `uses:` resolves).
    let at = |name: &str| git_in(&origin, &["rev-parse", &format!("{name}^{{commit}}")]);
    for tag in ["v0.1.0", "v0.2.0"] {
        let (ok, log) = release(tag);
        assert!(ok, "{tag}: {log}");
    }
    assert_eq!(at("v0"), at("v0.2.0"));
    assert_eq!(at("v0.2"), at("v0.2.0"));
    assert_eq!(at("v0.1"), at("v0.1.0"));
    // A patch of the older line: v0.1 moves, v0 stays on v0.2.0.
    git_in(&work, &["checkout", "-q", "v0.1.0"]);
    let (ok, log) = release("v0.1.1");
    assert!(ok, "{log}");
    assert!(log.contains("v0 stays: v0.2.0 is newer than v0.1.1"), "{log}");
    assert_eq!(at("v0.1"), at("v0.1.1"));
    assert_eq!(at("v0"), at("v0.2.0"));
    // Sorted as versions, not as text: v0.10.0 is newer than v0.9.0.
    for tag in ["v0.9.0", "v0.10.0"] {
        assert!(release(tag).0, "{tag}");
    }
    assert_eq!(at("v0"), at("v0.10.0"));
    // Not a release tag: refused, nothing moved.
    let out = Command::new("bash")
        .arg(&script)
        .env("TAG", "v1")
        .current_dir(&work)
        .output()
        .expect("bash");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a vX.Y.Z tag"));
}

/// `mode: pr` passes every relevant input to the bot: the step's script, run as a runner would
/// with a stand-in binary that records its arguments.
#[test]
fn mode_pr_passes_every_input_to_the_bot() {
    let text = std::fs::read_to_string(common::root().join("action.yml")).expect("action.yml");
    let doc = portalint::yaml::parse(&text).docs[0].root.to_json();
    let steps = doc["runs"]["steps"].as_array().expect("steps");
    let step = steps.iter().find(|s| s["id"] == "pr").expect("the pr step");
    assert_eq!(step["if"], "inputs.mode == 'pr'");
    let env = step["env"].as_object().expect("env");
    for (var, input) in [
        ("XRDS", "xrds"),
        ("CONFIG", "config"),
        ("PORTALINT_TOKEN", "token"),
        ("MERGE_METHOD", "merge-method"),
        ("DRY_RUN", "dry-run"),
        ("CHECK_NAME", "check-name"),
        ("AUDIT_FILE", "audit-file"),
        ("BASELINE", "baseline"),
    ] {
        assert_eq!(env[var], format!("${{{{ inputs.{input} }}}}"), "{var}");
        assert!(doc["inputs"][input].is_object(), "input {input} is declared");
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let bin = tmp.path().join("portalint/bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let args_file = tmp.path().join("args");
    let stub = bin.join("portalint");
    std::fs::write(
        &stub,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nexit 1\n", args_file.display()),
    )
    .expect("stub");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let output = tmp.path().join("output");
    let run = |dry: &str, config: &str, baseline: &str| {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(step["run"].as_str().expect("run"))
            .env("RUNNER_TEMP", tmp.path())
            .env("GITHUB_OUTPUT", &output)
            .env("XRDS", "xrds/a.yaml xrds/b")
            .env("CONFIG", config)
            .env("PORTALINT_TOKEN", "t")
            .env("MERGE_METHOD", "rebase")
            .env("DRY_RUN", dry)
            .env("CHECK_NAME", "orders-gate")
            .env("AUDIT_FILE", "audit.jsonl")
            .env("BASELINE", baseline)
            .output()
            .expect("bash");
        assert_eq!(out.status.code(), Some(1), "the bot's exit code is the step's");
        std::fs::read_to_string(&args_file).expect("args")
    };
    let args = run("true", "/etc/portalint/policy.yaml", "portalint-baseline.json");
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "pr",
            "--token-env",
            "PORTALINT_TOKEN",
            "--audit-file",
            "audit.jsonl",
            "--merge-method",
            "rebase",
            "--check-name",
            "orders-gate",
            "--xrds",
            "xrds/a.yaml",
            "--xrds",
            "xrds/b",
            "--config",
            "/etc/portalint/policy.yaml",
            "--dry-run",
            "--baseline",
            "portalint-baseline.json",
        ]
    );
    let args = run("false", "", "");
    assert!(
        !args.contains("--dry-run") && !args.contains("--config") && !args.contains("--baseline"),
        "{args}"
    );
    let out = std::fs::read_to_string(&output).expect("GITHUB_OUTPUT");
    assert!(
        out.contains("exit-code=1") && out.contains("audit-file=audit.jsonl"),
        "{out}"
    );
}
