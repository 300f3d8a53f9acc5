//! The pre-commit hooks (`.pre-commit-hooks.yaml`) and the Python wheel, as users get them.
//!
//! - The wheel: maturin (from PyPI) packs the binary this test run already built (the same
//!   profile and target folder, so nothing is compiled again) into a wheel; installed into a
//!   fresh venv it gives a working `portalint`.
//! - `portalint` (language: python): pre-commit from PyPI installs this repository at HEAD
//!   (the root pyproject.toml shim), which pulls that wheel from a local folder (pip's
//!   `--find-links`, no index); the install takes seconds, a commit with a defect in a staged
//!   file is blocked, one whose staged files are clean goes through although the tree has a
//!   defect elsewhere, and a staged XR is still checked against its (unstaged) XRD.
//! - `portalint-from-source` (language: rust): pre-commit builds it with cargo (ignored by
//!   default: a second compile does not fit CI's time; `-- --ignored` runs it).
//!
//! `.ci/run` installs pre-commit and maturin; the tests fail, not skip, when they are missing.

mod common;

use common::{git, root, write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn head() -> String {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root())
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn require(tool: &str) {
    let version = Command::new(tool).arg("--version").output();
    assert!(
        version.as_ref().is_ok_and(|o| o.status.success()),
        "{tool} is not installed: `python3 -m pip install {tool}` (.ci/run does)"
    );
}

/// The folder holding the wheel, built once per test binary.
fn wheel_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(build_wheel).path()
}

/// `maturin build` of python/pyproject.toml with the profile and target folder of this test
/// run's own binary: cargo finds it fresh, so this only packs it (an uncompressed zip: the
/// debug binary is large and the wheel is thrown away).
fn build_wheel() -> tempfile::TempDir {
    require("maturin");
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_portalint"));
    let profile_dir = exe.parent().expect("profile folder");
    let target_dir = profile_dir.parent().expect("target folder");
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => "dev".to_string(),
        Some(other) => other.to_string(),
        None => panic!("no profile folder in {}", exe.display()),
    };
    let out_dir = tempfile::tempdir().expect("tmp");
    let started = Instant::now();
    let mut maturin = Command::new("maturin");
    // Cargo gives a test the variables of its package (CARGO_PKG_NAME, CARGO_MANIFEST_DIR...);
    // build scripts that watch them (ring's do) would run again under other values, and every
    // crate above them would be compiled again: maturin's cargo gets the environment the
    // outer cargo had.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        let set_by_cargo = ["CARGO_PKG_", "CARGO_BIN_EXE_"].iter().any(|p| key.starts_with(p))
            || [
                "CARGO",
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_MANIFEST_LINKS",
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
            ]
            .contains(&key.as_ref());
        if set_by_cargo {
            maturin.env_remove(key.as_ref());
        }
    }
    let out = maturin
        .args([
            "build",
            "--locked",
            "--profile",
            &profile,
            "--compression-method",
            "stored",
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .arg("--out")
        .arg(out_dir.path())
        .current_dir(root().join("python"))
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("maturin runs");
    let log = text(&out);
    assert!(out.status.success(), "maturin build failed:\n{log}");
    // Reusing the build is what keeps CI within its time: a compile here is a failure.
    assert!(
        !log.contains("Compiling portalint"),
        "maturin compiled portalint again instead of packing this run's binary:\n{log}"
    );
    eprintln!("wheel build (maturin, binary reused): {:.1?}", started.elapsed());
    let wheels: Vec<_> = std::fs::read_dir(out_dir.path())
        .expect("wheels")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel expected:\n{log}");
    let name = wheels[0].file_name().to_string_lossy().into_owned();
    let version = env!("CARGO_PKG_VERSION");
    assert!(name.starts_with(&format!("portalint-{version}-py3-none-")), "{name}");
    out_dir
}

/// pip, offline: only the local wheel folder.
fn offline_pip(c: &mut Command) -> &mut Command {
    c.env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", wheel_dir())
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("VIRTUALENV_NO_PERIODIC_UPDATE", "1")
}

#[test]
fn the_wheel_installs_a_working_portalint_into_a_venv() {
    let tmp = tempfile::tempdir().expect("tmp");
    let venv = tmp.path().join("venv");
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .expect("python3 -m venv");
    assert!(status.success());
    let started = Instant::now();
    let out = offline_pip(&mut Command::new(venv.join("bin/python")))
        .args(["-m", "pip", "install", "--quiet", "portalint"])
        .output()
        .expect("pip");
    assert!(out.status.success(), "pip install portalint:\n{}", text(&out));
    eprintln!("venv install of the wheel: {:.1?}", started.elapsed());
    let bin = venv.join("bin/portalint");
    let out = Command::new(&bin)
        .arg("--version")
        .output()
        .expect("portalint on the venv's PATH");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("portalint {}", env!("CARGO_PKG_VERSION"))
    );
    // The installed binary checks: the bundled example has findings (exit 1).
    let out = Command::new(&bin)
        .args(["check", "--color", "never"])
        .arg(root().join("fixtures/_repos/template-webapp"))
        .output()
        .expect("portalint check");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("error[x-xr-schema]"), "{}", text(&out));
}

/// A git repository with `.pre-commit-config.yaml` using hook `id` of this repository at
/// HEAD, with pre-commit's hook installed; pre-commit's cache in `tmp/cache`.
fn hooked_repo(tmp: &Path, id: &str) -> PathBuf {
    require("pre-commit");
    let repo = tmp.join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    git(&repo, &["init", "-q", "-b", "main"]);
    write(
        &repo,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: {id}\n",
            root().display(),
            head()
        ),
    );
    let out = Command::new("pre-commit")
        .current_dir(&repo)
        .env("PRE_COMMIT_HOME", tmp.join("cache"))
        .arg("install")
        .output()
        .expect("pre-commit install");
    assert!(out.status.success(), "{}", text(&out));
    repo
}

/// `git commit` of everything in `repo` (pre-commit's hook runs); `env` adds variables.
fn commit(repo: &Path, tmp: &Path, message: &str, env: &dyn Fn(&mut Command)) -> (bool, String) {
    git(repo, &["add", "-A"]);
    let mut c = Command::new("git");
    c.current_dir(repo).env("PRE_COMMIT_HOME", tmp.join("cache"));
    env(&mut c);
    let out = c
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(["commit", "-qm", message])
        .output()
        .expect("git commit");
    (out.status.success(), text(&out))
}

const XRD: &str = "apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: buckets.example.org
spec:
  group: example.org
  names:
    kind: Bucket
    plural: buckets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      referenceable: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size:
                  type: integer
";

#[test]
fn the_wheel_hook_installs_in_seconds_and_checks_the_staged_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let tmp = tmp.path();
    let repo = hooked_repo(tmp, "portalint");
    let env = |c: &mut Command| {
        offline_pip(c);
    };
    // Install the hook's environment (clone, venv, pip install of the shim and the wheel).
    let started = Instant::now();
    let mut install = Command::new("pre-commit");
    install
        .current_dir(&repo)
        .env("PRE_COMMIT_HOME", tmp.join("cache"))
        .arg("install-hooks");
    env(&mut install);
    let out = install.output().expect("pre-commit install-hooks");
    let took = started.elapsed();
    assert!(out.status.success(), "{}", text(&out));
    eprintln!("pre-commit hook install (wheel from a local folder): {took:.1?}");
    assert!(
        took < Duration::from_secs(30),
        "installing the hook took {took:?}, not seconds:\n{}",
        text(&out)
    );
    // A committed defect elsewhere in the tree (committed without the hook).
    write(
        &repo,
        "legacy.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    );
    write(&repo, "xrd.yaml", XRD);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "--no-verify", "-m", "legacy"]);
    // A staged file with a defect: blocked, and only that file is reported.
    write(
        &repo,
        "app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\n",
    );
    let (ok, log) = commit(&repo, tmp, "defect", &env);
    assert!(!ok, "the commit went through:\n{log}");
    assert!(log.contains("yaml-duplicate-key"), "{log}");
    assert!(log.contains("app.yaml"), "{log}");
    assert!(!log.contains("legacy.yaml"), "an unstaged file was reported:\n{log}");
    // Fixed: the commit goes through, though legacy.yaml still has its defect.
    write(
        &repo,
        "app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    let (ok, log) = commit(&repo, tmp, "fixed", &env);
    assert!(ok, "{log}");
    // A staged XR is checked against the committed XRD (cross-file rules see the tree).
    write(
        &repo,
        "bucket.yaml",
        "apiVersion: example.org/v1\nkind: Bucket\nmetadata:\n  name: b\n  namespace: n\nspec:\n  size: big\n",
    );
    let (ok, log) = commit(&repo, tmp, "xr", &env);
    assert!(!ok, "the commit went through:\n{log}");
    assert!(log.contains("x-xr-schema") && log.contains("bucket.yaml"), "{log}");
}

/// Both hooks run the same command on the same files; only how portalint is installed differs.
#[test]
fn the_two_hooks_differ_only_in_how_portalint_is_installed() {
    let yaml = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).expect("hooks");
    let parsed = portalint::yaml::parse(&yaml);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let hooks = parsed.docs[0].root.to_json();
    let hooks = hooks.as_array().expect("a list of hooks");
    let by_id = |id: &str| {
        hooks
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("no hook `{id}`"))
            .clone()
    };
    let (wheel, source) = (by_id("portalint"), by_id("portalint-from-source"));
    assert_eq!(wheel["language"], "python");
    assert_eq!(source["language"], "rust");
    for key in ["entry", "files", "require_serial", "pass_filenames"] {
        assert_eq!(wheel[key], source[key], "{key}");
    }
    assert_eq!(wheel["entry"], "portalint check --color never --root .");
    assert_eq!(
        wheel["pass_filenames"],
        serde_json::Value::Null,
        "pre-commit passes files by default"
    );
    // The shim pre-commit installs depends on the wheel of this very version.
    let shim = std::fs::read_to_string(root().join("pyproject.toml")).expect("pyproject.toml");
    assert!(shim.contains("build-backend = \"portalint_shim\""), "{shim}");
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys; sys.path.insert(0, 'python/shim'); import portalint_shim; print(portalint_shim.version())",
        ])
        .current_dir(root())
        .output()
        .expect("python3");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        env!("CARGO_PKG_VERSION"),
        "{}",
        text(&out)
    );
}

/// Compiles portalint a second time (release profile, in `target/pre-commit`: minutes on two
/// cores), which `.ci/run` cannot afford within its time; run it with
/// `cargo test --test precommit -- --ignored`.
#[test]
#[ignore = "builds portalint from source with cargo (minutes): cargo test --test precommit -- --ignored"]
fn the_source_hook_builds_with_cargo_and_blocks_a_commit_with_a_defect() {
    let tmp = tempfile::tempdir().expect("tmp");
    let tmp = tmp.path();
    let repo = hooked_repo(tmp, "portalint-from-source");
    let env = |c: &mut Command| {
        // Share the build with the test run's own target folder.
        c.env("CARGO_TARGET_DIR", root().join("target/pre-commit"))
            // The hook's `cargo install` builds in release; what is tested is that the hook
            // installs and blocks, not the optimiser: build it as fast as a debug build.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false");
    };
    write(
        &repo,
        "app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    );
    let (ok, log) = commit(&repo, tmp, "defect", &env);
    assert!(!ok, "the commit went through:\n{log}");
    assert!(log.contains("yaml-duplicate-key"), "{log}");
    write(
        &repo,
        "app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    let (ok, log) = commit(&repo, tmp, "fixed", &env);
    assert!(ok, "{log}");
}
