//! The pre-commit hook (`.pre-commit-hooks.yaml`, language: rust) as users run it: pre-commit
//! from PyPI installs portalint from this repository at HEAD and blocks a commit with a defect.
//! `.ci/run` installs pre-commit; the test fails, not skips, when it is missing.

mod common;

use common::{git, root, write};
use std::process::Command;

fn head() -> String {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root())
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_hook_blocks_a_commit_with_a_defect() {
    let version = Command::new("pre-commit").arg("--version").output();
    assert!(
        version.as_ref().is_ok_and(|o| o.status.success()),
        "pre-commit is not installed: `pip install pre-commit` (.ci/run does)"
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    git(&repo, &["init", "-q", "-b", "main"]);
    write(
        &repo,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: portalint\n",
            root().display(),
            head()
        ),
    );
    write(
        &repo,
        "app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    );
    let env = |c: &mut Command| {
        c.current_dir(&repo)
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            // Share the build with the test run's own target folder.
            .env("CARGO_TARGET_DIR", root().join("target/pre-commit"))
            // The hook's `cargo install` builds in release; what is tested is that the hook
            // installs and blocks, not the optimiser: build it as fast as a debug build.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.org",
                "-c",
                "commit.gpgsign=false",
            ]);
    };
    let mut install = Command::new("pre-commit");
    install
        .current_dir(&repo)
        .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
        .arg("install");
    assert!(install.status().expect("pre-commit install").success());
    git(&repo, &["add", "-A"]);
    let mut commit = Command::new("git");
    env(&mut commit);
    let out = commit.args(["commit", "-qm", "defect"]).output().expect("git commit");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "the commit went through:\n{text}");
    assert!(text.contains("yaml-duplicate-key"), "{text}");
    // Fixed, the commit goes through.
    write(
        &repo,
        "app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    git(&repo, &["add", "-A"]);
    let mut commit = Command::new("git");
    env(&mut commit);
    let out = commit.args(["commit", "-qm", "fixed"]).output().expect("git commit");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
}
