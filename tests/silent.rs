//! No silent passes (issue 18): a run that selects no rule, a folder the walk cannot list, an
//! XR checked without its XRD and an empty tree each say so.

mod common;

use common::{git, run_bin, write};
use std::path::Path;

const GOOD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n";

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tmp");
    for (p, c) in files {
        write(d.path(), p, c);
    }
    d
}

#[test]
fn selecting_no_rule_is_a_usage_error_naming_its_source() {
    let t = tree(&[("a.yaml", GOOD)]);
    for args in [&["check", "--select", ""][..], &["check", "--select", ","]] {
        let (code, out, err) = run_bin(args, t.path());
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("`--select` names no rule"), "{err}");
        assert!(!out.contains("All checks passed"), "{out}");
    }
    let (code, _, err) = run_bin(
        &[
            "check",
            "--select",
            "yaml-duplicate-key",
            "--ignore",
            "yaml-duplicate-key",
        ],
        t.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("every rule `--select` selects is ignored"), "{err}");

    write(t.path(), ".portalint.yaml", "fail-on: error\nselect: []\n");
    let (code, out, err) = run_bin(&["check"], t.path());
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("`select` selects no rule"), "{err}");
    assert!(
        err.contains(".portalint.yaml:2:9"),
        "the error points at the key's value: {err}"
    );
    write(t.path(), ".portalint.yaml", "select:\n");
    assert_eq!(
        run_bin(&["check"], t.path()).0,
        2,
        "a null `select` selects nothing too"
    );
    write(
        t.path(),
        ".portalint.yaml",
        "select: [yaml-duplicate-key]\nrules: {yaml-duplicate-key: off}\n",
    );
    let (code, _, err) = run_bin(&["check"], t.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the config's `select`"), "{err}");
}

/// The sample config of docs/configuration.md is a valid config (it once had `select: []`,
/// which now is an error).
#[test]
fn the_documented_sample_config_is_valid() {
    let doc = std::fs::read_to_string(common::root().join("docs/configuration.md")).expect("docs");
    let start = doc.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + doc[start..].find("```").expect("closed");
    let sample = &doc[start..end];
    assert!(
        sample.contains("per-path-ignores"),
        "the sample is the full config: {sample}"
    );
    portalint::config::parse(Path::new("sample.yaml"), sample, &portalint::config::Trust::User)
        .unwrap_or_else(|e| panic!("the documented sample is invalid: {}", e.message));
}

/// Whether this process runs as root (whom file modes do not stop).
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs the binary so that a folder with mode 000 really cannot be read: as root (whom modes do
/// not stop) it runs as `nobody` through `setpriv`, otherwise as the current user.
fn run_unprivileged(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let bin = env!("CARGO_BIN_EXE_portalint");
    let mut cmd = if is_root() {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        c
    } else {
        std::process::Command::new(bin)
    };
    let out = cmd
        .args(args)
        .current_dir(cwd)
        .env("HOME", cwd)
        .output()
        .expect("setpriv (util-linux) runs the binary as nobody");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_folder_the_walk_cannot_list_is_a_finding_in_every_mode() {
    use std::os::unix::fs::PermissionsExt;
    let t = tree(&[("a.yaml", GOOD), ("locked/b.yaml", GOOD)]);
    let dir = t.path();
    git(dir, &["init", "-q"]);
    git(dir, &["config", "safe.directory", "*"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);
    write(dir, "a.yaml", &GOOD.replace("good", "changed"));
    // Readable (and listable) by `nobody`, except the locked folder.
    for p in ["", "a.yaml", ".git"] {
        std::fs::set_permissions(dir.join(p), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    }
    std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // The folder really is unreadable to the walk (not a simulated error).
    let probe = run_unprivileged(&["check", "--isolated", "locked/b.yaml"], dir);
    for args in [
        &["check", "--isolated", "."][..],
        &["check", "--isolated", ".", "--base", "HEAD"],
    ] {
        let (code, out, err) = run_unprivileged(args, dir);
        std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o755)).ok();
        assert_eq!(code, 1, "{args:?}: {out}{err} (probe: {probe:?})");
        assert!(
            out.contains("error[yaml-unreadable]: cannot check this folder: folder cannot be listed"),
            "{args:?}: {out}{err}"
        );
        assert!(out.contains("--> locked:1:1"), "{out}");
        assert!(out.contains("nothing below it was checked"), "{out}");
        std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn part_of_a_template_repository_says_once_how_to_give_its_xrds() {
    let template = common::root().join("fixtures/_repos/template-webapp");
    let notes = |err: &str| err.lines().filter(|l| l.starts_with("note:")).count();
    for args in [
        &["check", "--isolated", "examples"][..],
        &["check", "--isolated", "examples/basic-webapp.yaml"],
        &[
            "check",
            "--isolated",
            "examples",
            "examples/basic-webapp.yaml",
            "kustomization.yaml",
        ],
    ] {
        let (code, out, err) = run_bin(args, &template);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert_eq!(notes(&err), 1, "{args:?}: once per run: {err}");
        assert!(err.contains("`WebApp.openportal.dev`"), "{err}");
        assert!(err.contains("`portalint check .`"), "{err}");
        assert!(err.contains("`--xrds configuration`"), "{err}");
    }
    // From elsewhere, the paths are the ones to type from there.
    let (_, _, err) = run_bin(
        &["check", "--isolated", "fixtures/_repos/template-webapp/examples"],
        &common::root(),
    );
    assert!(
        err.contains("`--xrds fixtures/_repos/template-webapp/configuration`"),
        "{err}"
    );
    // Given the XRDs, or checked whole, there is nothing to say.
    let (code, _, err) = run_bin(
        &["check", "--isolated", "--xrds", "configuration", "examples"],
        &template,
    );
    assert_eq!((code, notes(&err)), (1, 0), "{err}");
    let (_, _, err) = run_bin(&["check", "--isolated", "."], &template);
    assert_eq!(notes(&err), 0, "{err}");
    // A subfolder without XRs has nothing to say either.
    let (_, _, err) = run_bin(&["check", "--isolated", "configuration"], &template);
    assert_eq!(notes(&err), 0, "{err}");
}

#[test]
fn an_empty_tree_is_an_error_and_allowed_it_still_warns() {
    let t = tree(&[("README.md", "# nothing\n")]);
    let (code, out, err) = run_bin(&["check", "--isolated"], t.path());
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("error: no file was checked"), "{err}");
    assert!(!out.contains("All checks passed"), "{out}");
    let (code, out, err) = run_bin(&["check", "--isolated", "--allow-empty"], t.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("warning: no file was checked"), "{err}");
    assert!(out.contains("Nothing checked: 0 files"), "{out}");
}

#[test]
fn explain_prints_no_generator_comment_and_every_rule_of_an_alias() {
    let cwd = common::root();
    let (code, out, _) = run_bin(&["explain", "yaml-duplicate-key"], &cwd);
    assert_eq!(code, 0);
    assert!(out.starts_with("# yaml-duplicate-key"), "{out}");
    assert!(!out.contains("<!--"), "{out}");
    let (alias, ids) = portalint::rules::ALIASES
        .iter()
        .find(|(_, ids)| ids.len() > 1)
        .expect("an alias of several rules");
    let (code, out, _) = run_bin(&["explain", alias], &cwd);
    assert_eq!(code, 0);
    assert!(out.contains("is an alias of"), "{out}");
    for id in ids.iter() {
        assert!(
            out.contains(&format!("# {}\n", id.as_str())),
            "{alias}: {id} missing in {out}"
        );
    }
}

/// A template repository whose `rbac.yaml`, `mise.toml` and `README.md` exist but are left
/// out (by `exclude` and by `.gitignore`): no rule calls them missing, the kustomization that
/// lists `rbac.yaml` is not broken, and every report counts what was left out.
#[test]
fn what_exclude_and_gitignore_leave_out_is_counted_and_never_called_missing() {
    let template = common::root().join("fixtures/_repos/template-webapp");
    let t = tempfile::tempdir().expect("tmp");
    let dir = t.path().join("template-webapp");
    copy_tree(&template, &dir);
    write(
        &dir,
        "rbac.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n",
    );
    write(&dir, "mise.toml", "[tools]\n");
    write(&dir, "README.md", "# webapp\n");
    write(&dir, ".gitignore", "*.xpkg\nREADME.md\n");
    write(&dir, ".portalint.yaml", "exclude: [rbac.yaml, mise.toml]\n");
    let (code, out, err) = run_bin(&["check", "."], &dir);
    assert!(code == 0 || code == 1, "{out}{err}");
    for f in ["rbac.yaml", "mise.toml", "README.md", "configuration/README.md"] {
        assert!(
            !out.contains(&format!("the template repository has no `{f}`")),
            "{f} exists: {out}"
        );
    }
    assert!(!out.contains("`rbac.yaml` does not exist"), "{out}");
    assert!(
        out.contains("Not checked: 2 files excluded by config (`exclude`), 2 files or folders ignored by .gitignore."),
        "{out}"
    );
    let (_, json, _) = run_bin(&["check", ".", "--format", "json"], &dir);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(doc["summary"]["excluded"], 2, "{json}");
    assert_eq!(doc["summary"]["ignored"], 2, "{json}");
    assert_eq!(doc["summary"]["per_path_ignored"], 0, "{json}");
    let (_, md, _) = run_bin(&["check", ".", "--format", "markdown"], &dir);
    assert!(md.contains("Not checked: 2 files excluded by config"), "{md}");
    // A run that excludes everything says what it left out, and exits 2.
    write(&dir, ".portalint.yaml", "exclude: ['**']\n");
    let (code, out, err) = run_bin(&["check", "."], &dir);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("no file was checked"), "{err}");
    assert!(err.contains("files excluded by config (`exclude`)"), "{err}");
}

/// `exclude` and `per-path-ignores` are both relative to the config file's folder, whichever
/// folder is checked and from where.
#[test]
fn exclude_and_per_path_ignores_share_the_config_folder() {
    let dup = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n";
    let t = tree(&[
        (
            ".portalint.yaml",
            "exclude: ['apps/vendor/**']\nper-path-ignores:\n  'apps/legacy/**': [yaml-duplicate-key]\n",
        ),
        ("apps/vendor/v.yaml", dup),
        ("apps/legacy/l.yaml", dup),
        ("apps/own.yaml", GOOD),
    ]);
    let root = t.path();
    for (args, cwd) in [
        (&["check", "apps"][..], root.to_path_buf()),
        (&["check", "."][..], root.join("apps")),
        (&["check", "."][..], root.to_path_buf()),
    ] {
        let (code, out, err) = run_bin(args, &cwd);
        assert_eq!(code, 0, "{args:?} in {}: {out}{err}", cwd.display());
        assert!(!out.contains("yaml-duplicate-key"), "{args:?}: {out}");
        assert!(
            out.contains(
                "Not checked: 1 file excluded by config (`exclude`), 1 finding left out by `per-path-ignores`."
            ),
            "{args:?} in {}: {out}",
            cwd.display()
        );
    }
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let (p, q) = (e.path(), to.join(e.file_name()));
        if p.is_dir() {
            copy_tree(&p, &q);
        } else {
            std::fs::create_dir_all(to).expect("mkdir");
            std::fs::copy(&p, &q).expect("copy");
        }
    }
}

/// A file named on the command line that is not a manifest is skipped and the run says so; a
/// `.json` manifest (a Kubernetes object, a Backstage entity) is walked, checked and counted,
/// other JSON (`package.json`) is not checked.
#[test]
fn non_yaml_files_are_skipped_aloud_and_json_manifests_are_checked() {
    let t = tree(&[
        ("notes.txt", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n"),
        (
            "cm.json",
            "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"Bad_Name\"}}\n",
        ),
        ("package.json", "{\"name\": \"x\", \"version\": \"1.0.0\"}\n"),
        (
            "catalog-info.json",
            "{\n\t\"apiVersion\": \"backstage.io/v1alpha1\",\n\t\"kind\": \"Component\",\n\t\"metadata\": {\"name\": \"svc\"},\n\t\"spec\": {\"type\": \"service\", \"lifecycle\": \"production\", \"owner\": \"team-a\"}\n}\n",
        ),
    ]);
    let dir = t.path();
    let (code, out, err) = run_bin(&["check", "--isolated", "notes.txt"], dir);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("note: `notes.txt` was skipped: not a `.yaml`, `.yml` or `.json` file"),
        "{err}"
    );
    assert!(!out.contains("Bad_Name"), "not read as YAML: {out}");
    let (code, out, err) = run_bin(&["check", "--isolated", "notes.txt", "cm.json"], dir);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("`notes.txt` was skipped"), "{err}");
    assert!(out.contains("--> cm.json:1:64"), "{out}");
    assert!(out.contains("in 1 file (1 document)"), "counted: {out}");
    let (code, out, err) = run_bin(&["check", "--isolated", "package.json"], dir);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("`package.json` was skipped: a JSON file is checked when"),
        "{err}"
    );
    // Walked: the two JSON manifests, not package.json nor notes.txt.
    let (code, out, err) = run_bin(&["check", "--isolated", "."], dir);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("--> cm.json:1:64"), "{out}");
    assert!(out.contains("in 2 files (2 documents)"), "{out}");
    assert!(!out.contains("package.json"), "{out}");
}
