//! Inputs read from git rather than from the work tree: a bare repository checked between two
//! revisions (as a bot's mirror clone is), and blobs over the size limit.

mod common;

use common::{git, rule_paths, run_bin, write};

/// A repository whose second commit adds a duplicate key to `apis/a.yaml`, and its bare clone.
fn bare_pair() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let src = tmp.path().join("src");
    std::fs::create_dir(&src).expect("mkdir");
    git(&src, &["init", "-q", "-b", "main"]);
    write(
        &src,
        "apis/a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    git(&src, &["add", "."]);
    git(&src, &["commit", "-qm", "base"]);
    write(
        &src,
        "apis/a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    );
    git(&src, &["commit", "-qam", "head"]);
    git(tmp.path(), &["clone", "-q", "--bare", "src", "bare.git"]);
    let bare = tmp.path().join("bare.git");
    (tmp, bare)
}

/// `check BARE --base A --head B` reads the head revision's files from git: the bare
/// repository's own folder (objects, refs) is not the checked tree.
#[test]
fn a_bare_repository_is_checked_between_two_revisions() {
    let (tmp, bare) = bare_pair();
    let bare = bare.to_str().expect("utf8");
    let (code, out, err) = run_bin(
        &["check", bare, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"],
        tmp.path(),
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(
        rule_paths(&out),
        vec![("yaml-duplicate-key".to_string(), "apis/a.yaml".to_string())]
    );
}

/// The verdict of the same change in the bare repository sees the modified file (it used
/// to judge it "changes nothing": the tree was read under the bare folder's path).
#[test]
fn the_verdict_of_a_bare_repository_sees_the_change() {
    let (tmp, bare) = bare_pair();
    let bare = bare.to_str().expect("utf8");
    let (code, out, err) = run_bin(&["verdict", bare, "--base", "HEAD~1", "--head", "HEAD"], tmp.path());
    assert_eq!(code, 11, "{out}\n{err}");
    assert!(out.contains("R-LINT apis/a.yaml:5:3"), "{out}");
    assert!(!out.contains("R-EMPTY"), "{out}");
}

/// A head blob over `max-file-size` is reported as not checked (its size is read from the
/// object header before it is inflated), and the rest of the tree is still checked.
#[test]
fn a_blob_over_the_size_limit_is_reported_not_read() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: \"{}\"\n",
        "y".repeat(64 * 1024)
    );
    write(root, "big.yaml", &big);
    write(
        root,
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    );
    write(root, ".portalint.yaml", "max-file-size: 4096\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "head"]);
    let (code, out, err) = run_bin(
        &["check", ".", "--base", "HEAD~1", "--head", "HEAD", "--format", "json"],
        root,
    );
    assert_eq!(code, 1, "{out}\n{err}");
    let found = rule_paths(&out);
    assert!(
        found.contains(&("yaml-duplicate-key".to_string(), "a.yaml".to_string())),
        "{found:?}"
    );
    assert!(out.contains("over the limit of 4096 bytes"), "{out}");
}

/// A tracked file is checked even when a `.gitignore` names it (it is in every commit and
/// gets deployed); an untracked file that `.gitignore` names is not; a `.ignore` file, which
/// git does not read, hides nothing.
#[test]
fn gitignore_hides_only_what_git_does_not_track() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    let dup = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n";
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "tracked.yaml", dup);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    write(root, ".gitignore", "tracked.yaml\nuntracked.yaml\n");
    write(root, "untracked.yaml", dup);
    write(root, ".ignore", "plain.yaml\n");
    write(root, "plain.yaml", dup);
    let (code, out, err) = run_bin(&["check", ".", "--format", "json"], root);
    assert_eq!(code, 1, "{out}\n{err}");
    let mut found = rule_paths(&out);
    found.sort();
    assert_eq!(
        found,
        vec![
            ("yaml-duplicate-key".to_string(), "plain.yaml".to_string()),
            ("yaml-duplicate-key".to_string(), "tracked.yaml".to_string()),
        ]
    );
}

/// A `.gitignore` that is a FIFO does not block the walk: it is reported and not applied.
#[test]
fn a_fifo_gitignore_is_reported_not_read() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(
        root,
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    let status = std::process::Command::new("mkfifo")
        .arg(root.join(".gitignore"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let (code, out, err) = run_bin(&["check", ".", "--format", "json"], root);
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(
        rule_paths(&out),
        vec![("yaml-unreadable".to_string(), ".gitignore".to_string())]
    );
    assert!(out.contains("not a regular file"), "{out}");
}

/// The config's `exclude` leaves files out of `--head` as it does out of the walk: an excluded
/// file with a defect is not reported, the summary counts it, and the verdict's summary too.
/// (It used to be read from git and reported whatever `exclude` said.)
#[test]
fn exclude_applies_to_the_head_read_from_git() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, ".portalint.yaml", "exclude: ['vendor/**']\n");
    write(
        root,
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    write(
        root,
        "vendor/b.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  name: c\n",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "head"]);
    let (code, out, err) = run_bin(
        &["check", ".", "--base", "HEAD~1", "--head", "HEAD", "--format", "json"],
        root,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(rule_paths(&out).is_empty(), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["summary"]["excluded"], 1, "{out}");
    let (code, out, err) = run_bin(&["check", ".", "--base", "HEAD~1", "--head", "HEAD"], root);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("1 file excluded by config (`exclude`)"), "{out}");
    let (_, out, err) = run_bin(&["verdict", ".", "--base", "HEAD~1", "--head", "HEAD"], root);
    assert!(!out.contains("R-LINT"), "{out}\n{err}");
    assert!(
        out.contains("not checked: 1 file excluded by config (`exclude`)"),
        "{out}\n{err}"
    );
}
