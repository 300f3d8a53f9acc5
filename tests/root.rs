//! `portalint check --root DIR PATH...` (what the pre-commit hook runs with the staged files):
//! the whole tree at DIR is read, so cross-file rules see every XRD and Composition, but only
//! findings on the PATHs and on what depends on them are reported.

mod common;

use common::{git, rule_paths, run_bin, write};
use std::path::{Path, PathBuf};

/// The bundled template repository (defects in the XRD, the Composition, the example XR and
/// the kustomization) plus a ConfigMap with a duplicate key, committed in a fresh git repo.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    let src = common::root().join("fixtures/_repos/template-webapp");
    for rel in [
        "kustomization.yaml",
        "configuration/xrd.yaml",
        "configuration/composition.yaml",
        "configuration/crossplane.yaml",
        "examples/basic-webapp.yaml",
    ] {
        let text = std::fs::read_to_string(src.join(rel)).expect("fixture");
        write(tmp.path(), rel, &text);
    }
    write(
        tmp.path(),
        "apps/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    );
    write(
        tmp.path(),
        "apps/clean.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: clean\n",
    );
    write(tmp.path(), "README.md", "# demo\n");
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["add", "-A"]);
    git(tmp.path(), &["commit", "-qm", "init"]);
    tmp
}

fn check(dir: &Path, extra: &[&str]) -> (i32, Vec<(String, String)>, String) {
    let mut args = vec!["check", "--isolated", "--format", "json", "--root", "."];
    args.extend_from_slice(extra);
    let (code, out, err) = run_bin(&args, dir);
    // An exit-2 run writes the JSON error document (`{"version": 1, "error": …}`).
    let errored = serde_json::from_str::<serde_json::Value>(&out).is_ok_and(|v| v.get("error").is_some());
    let found = if out.trim().is_empty() || errored {
        Vec::new()
    } else {
        rule_paths(&out)
    };
    (code, found, err)
}

fn files(found: &[(String, String)]) -> Vec<&str> {
    let mut f: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
    f.sort();
    f.dedup();
    f
}

#[test]
fn only_the_named_files_are_reported_on() {
    let tmp = repo();
    // Without --root, the whole tree is reported on.
    let (code, out, _) = run_bin(&["check", "--isolated", "--format", "json", "."], tmp.path());
    assert_eq!(code, 1);
    let all = rule_paths(&out);
    assert!(files(&all).contains(&"configuration/xrd.yaml"), "{all:?}");
    // A clean file: nothing to report, though the tree has errors.
    let (code, found, err) = check(tmp.path(), &["apps/clean.yaml"]);
    assert_eq!((code, found.len()), (0, 0), "{found:?} {err}");
    // A file with a defect: only its findings.
    let (code, found, _) = check(tmp.path(), &["apps/cm.yaml", "apps/clean.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        vec![("yaml-duplicate-key".to_string(), "apps/cm.yaml".to_string())]
    );
}

#[test]
fn cross_file_rules_see_the_whole_tree() {
    let tmp = repo();
    // The example XR alone: it is validated against the XRD, which is not named.
    let (code, found, _) = check(tmp.path(), &["examples/basic-webapp.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(files(&found), vec!["examples/basic-webapp.yaml"], "{found:?}");
    assert!(found.iter().all(|(r, _)| r == "x-xr-schema"), "{found:?}");
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn what_depends_on_a_named_xrd_is_reported_on() {
    let tmp = repo();
    let (code, found, _) = check(tmp.path(), &["configuration/xrd.yaml"]);
    assert_eq!(code, 1);
    let f = files(&found);
    // Its XRs and its Composition depend on it; the kustomization and the ConfigMap do not.
    // A conflict of the example with the named XRD's schema is reported on the XRD (the
    // named file), labelled at the example's field.
    assert!(f.contains(&"configuration/xrd.yaml"), "{found:?}");
    assert!(f.contains(&"configuration/composition.yaml"), "{found:?}");
    let (_, out, _) = run_bin(
        &[
            "check",
            "--isolated",
            "--format",
            "json",
            "--root",
            ".",
            "configuration/xrd.yaml",
        ],
        tmp.path(),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let labelled = v["diagnostics"].as_array().expect("array").iter().any(|d| {
        d["rule"] == "x-xr-schema"
            && d["path"] == "configuration/xrd.yaml"
            && d["labels"]
                .as_array()
                .is_some_and(|l| l.iter().any(|l| l["path"] == "examples/basic-webapp.yaml"))
    });
    assert!(labelled, "{out}");
    assert!(!f.contains(&"kustomization.yaml"), "{found:?}");
    assert!(!f.contains(&"apps/cm.yaml"), "{found:?}");
    // A named folder names every file below it.
    let (_, by_dir, _) = check(tmp.path(), &["configuration"]);
    assert!(files(&by_dir).contains(&"configuration/crossplane.yaml"), "{by_dir:?}");
    assert!(!files(&by_dir).contains(&"apps/cm.yaml"), "{by_dir:?}");
}

#[test]
fn an_added_file_reports_the_kustomizations_above_it() {
    let tmp = repo();
    // Committed: the root kustomization's finding (it lists a missing rbac.yaml) is not ours.
    let (_, found, _) = check(tmp.path(), &["apps/clean.yaml"]);
    assert!(found.is_empty(), "{found:?}");
    // A file HEAD does not have: the kustomization that lists the files below it is reported.
    write(
        tmp.path(),
        "apps/new.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n",
    );
    let (code, found, _) = check(tmp.path(), &["apps/new.yaml"]);
    assert_eq!(code, 1, "{found:?}");
    assert_eq!(files(&found), vec!["kustomization.yaml"], "{found:?}");
}

#[test]
fn named_files_that_are_not_checked_or_outside_are_errors() {
    let tmp = repo();
    let (code, _, err) = check(tmp.path(), &["README.md"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("none of the named files is checked"), "{err}");
    assert!(err.contains("`README.md`"), "{err}");
    let (code, _, _) = check(tmp.path(), &["--allow-empty", "README.md"]);
    assert_eq!(code, 0);
    let outside = tempfile::NamedTempFile::new().expect("tmp");
    let outside: PathBuf = outside.path().to_path_buf();
    let (code, _, err) = check(tmp.path(), &[outside.to_str().expect("utf8")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not inside the --root folder"), "{err}");
    let (code, _, err) = check(tmp.path(), &["missing.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`missing.yaml` does not exist"), "{err}");
    let (code, _, err) = run_bin(&["check", "--root", "README.md", "apps/cm.yaml"], tmp.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a folder"), "{err}");
    let (code, _, err) = run_bin(&["check", "--root", ".", "--base", "HEAD", "apps/cm.yaml"], tmp.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
}

/// Run from a sub-folder, the named paths are relative to the working directory, and so are
/// the reported ones (as in every `check`).
#[test]
fn paths_are_relative_to_the_working_directory() {
    let tmp = repo();
    let (code, out, err) = run_bin(
        &["check", "--isolated", "--format", "json", "--root", "..", "cm.yaml"],
        &tmp.path().join("apps"),
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        rule_paths(&out),
        vec![("yaml-duplicate-key".to_string(), "../apps/cm.yaml".to_string())]
    );
}
