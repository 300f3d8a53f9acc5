//! Fixture harness: every `fixtures/<rule-id>/{pass,fail}/<case>` (a file or a mini repo
//! folder) runs with only that rule. Pass cases must be silent. Fail cases must fire exactly
//! on the lines marked `# expect: <rule-id>`, and their text output is an insta snapshot
//! (`tests/snapshots/<rule-id>@<case>.snap`; review with `cargo insta review`).

mod common;

use portalint::rules::{RuleId, ALL_RULES};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn yaml_files(case: &Path) -> Vec<PathBuf> {
    if case.is_file() {
        return vec![case.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![case.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if portalint::discover::is_yaml(&p) || p.ends_with("CODEOWNERS") {
                out.push(p);
            }
        }
    }
    out
}

/// (path as portalint prints it, line) for every `# expect: <rule>` marker (and `expect.txt`).
fn expected(case: &Path, rule: &str) -> BTreeSet<(String, usize)> {
    let mut out = BTreeSet::new();
    // Files that cannot hold a comment (binary, invalid UTF-8) list expectations in
    // `<case>/expect.txt` as `path:line` lines.
    if let Ok(list) = fs::read_to_string(case.join("expect.txt")) {
        for l in list.lines().filter(|l| !l.trim().is_empty()) {
            let (p, n) = l.rsplit_once(':').expect("path:line");
            out.insert((p.to_string(), n.trim().parse().expect("line number")));
        }
    }
    for f in yaml_files(case) {
        let text = fs::read_to_string(&f).unwrap_or_default();
        let shown = if case.is_file() {
            f.to_string_lossy().replace('\\', "/")
        } else {
            f.strip_prefix(case)
                .expect("under case")
                .to_string_lossy()
                .replace('\\', "/")
        };
        for (i, line) in text.lines().enumerate() {
            if let Some(at) = line.find("# expect:") {
                if line[at + 9..].split(',').any(|r| r.trim() == rule) {
                    out.insert((shown.clone(), i + 1));
                }
            }
        }
    }
    out
}

/// Replaces the work tree of `repo` with the contents of `from`.
fn replace_tree(repo: &Path, from: &Path) {
    for e in fs::read_dir(repo).expect("read").flatten() {
        if e.file_name() != ".git" {
            let p = e.path();
            if p.is_dir() {
                fs::remove_dir_all(p).expect("rm")
            } else {
                fs::remove_file(p).expect("rm")
            }
        }
    }
    let mut stack = vec![from.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read").flatten() {
            let p = e.path();
            let rel = p.strip_prefix(from).expect("under");
            if p.is_dir() {
                fs::create_dir_all(repo.join(rel)).expect("mkdir");
                stack.push(p);
            } else {
                fs::copy(&p, repo.join(rel)).expect("copy");
            }
        }
    }
}

/// A case's `template/<tag>/` folders as a git repository, one commit and tag per folder in
/// order. Returns its path.
fn template_repo(case: &Path, tmp: &Path) -> Option<PathBuf> {
    let dir = case.join("template");
    if !dir.is_dir() {
        return None;
    }
    let repo = tmp.join(format!(
        "{}-template",
        case.file_name().expect("name").to_string_lossy()
    ));
    fs::create_dir_all(&repo).expect("mkdir");
    common::git(&repo, &["init", "-q", "-b", "main"]);
    let mut tags: Vec<PathBuf> = fs::read_dir(&dir).expect("read").flatten().map(|e| e.path()).collect();
    tags.sort();
    for t in tags {
        replace_tree(&repo, &t);
        common::git(&repo, &["add", "-A"]);
        common::git(&repo, &["commit", "-q", "--allow-empty", "-m", "release"]);
        common::git(&repo, &["tag", &t.file_name().expect("tag").to_string_lossy()]);
    }
    Some(repo)
}

/// A case with `base/` and `head/` folders is a real git repository: `base/` committed and
/// tagged (`tags.txt`: `base=<tag>`, default `base`), then `head/` committed on top (and tagged
/// `head=<tag>` when given). Returns the repository folder and the base tag.
fn git_case(case: &Path, tmp: &Path) -> Option<(PathBuf, String)> {
    if !case.join("base").is_dir() || !case.join("head").is_dir() {
        return None;
    }
    let tags = fs::read_to_string(case.join("tags.txt")).unwrap_or_default();
    let tag = |k: &str| {
        tags.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(str::to_string)
    };
    let repo = tmp.join(case.file_name().expect("name"));
    let git = |args: &[&str]| common::git(&repo, args);
    let copy = |from: &Path| replace_tree(&repo, from);
    fs::create_dir_all(&repo).expect("mkdir");
    git(&["init", "-q", "-b", "main"]);
    copy(&case.join("base"));
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "base"]);
    let base = tag("base").unwrap_or_else(|| "base".into());
    git(&["tag", &base]);
    copy(&case.join("head"));
    git(&["add", "-A"]);
    git(&["commit", "-q", "--allow-empty", "-m", "head"]);
    if let Some(h) = tag("head") {
        git(&["tag", &h]);
    }
    Some((repo, base))
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Runs one case: plainly, or as a git repository compared with its base.
fn run_case(case: &Path, rule: &str, config: Option<PathBuf>, tmp: &Path) -> portalint::app::Outcome {
    match git_case(case, tmp) {
        None => common::run_rule(case, rule, config),
        Some((repo, base)) => {
            let mut a = common::args(&[PathBuf::from(".")], &[rule]);
            a.base = Some(base);
            if let Some(c) = config {
                a.isolated = false;
                a.config = Some(fs::canonicalize(c).expect("config"));
            }
            // A template repository behind a catalog package, and existing orders.
            if let Some(template) = template_repo(case, tmp) {
                let package = fs::read_to_string(case.join("package.txt")).expect("package.txt");
                let cfg = tmp.join(format!(
                    "{}-config.yaml",
                    case.file_name().expect("name").to_string_lossy()
                ));
                let text = format!(
                    "catalog:\n  packages:\n    {}: \"git+file://{}\"\n",
                    package.trim(),
                    template.display()
                );
                fs::write(&cfg, text).expect("config");
                a.isolated = false;
                a.config = Some(cfg);
            }
            if case.join("orders").is_dir() {
                // Next to the repository, named relatively, as a user would.
                let name = format!("{}-orders", case.file_name().expect("name").to_string_lossy());
                fs::create_dir_all(tmp.join(&name)).expect("mkdir");
                replace_tree(&tmp.join(&name), &case.join("orders"));
                a.orders = Some(format!("../{name}"));
            }
            if portalint::rules::RuleId::from_id(rule).expect("rule").meta().pack == portalint::rules::Pack::OpenPortal
            {
                a.profile = Some(portalint::cli::ProfileArg::Openportal);
            }
            let cwd = std::env::current_dir().expect("cwd");
            let _guard = CWD.lock().unwrap_or_else(|e| e.into_inner());
            std::env::set_current_dir(&repo).expect("cd");
            let o = portalint::app::check(&a);
            std::env::set_current_dir(cwd).expect("cd back");
            o.unwrap_or_else(|e| panic!("check of {} failed: {e:?}", case.display()))
        }
    }
}

static CWD: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn fixtures() {
    std::env::set_current_dir(common::root()).expect("cd");
    let tmp = tempfile::tempdir().expect("tmp");
    let mut failures = Vec::new();
    let mut ran = 0;
    for rule in ALL_RULES {
        let id = rule.as_str();
        let dir = PathBuf::from("fixtures").join(id);
        let config = dir.join("config.yaml");
        let config = config.is_file().then_some(config);
        for case in cases(&dir.join("pass")) {
            ran += 1;
            let o = run_case(&case, id, config.clone(), tmp.path());
            if !o.diagnostics.is_empty() {
                failures.push(format!(
                    "{}: expected no diagnostics, got:\n{}",
                    case.display(),
                    common::text(&o)
                ));
            }
        }
        for case in cases(&dir.join("fail")) {
            ran += 1;
            let o = run_case(&case, id, config.clone(), tmp.path());
            let got: BTreeSet<(String, usize)> = o
                .diagnostics
                .iter()
                .map(|d| (d.primary.path.clone(), d.primary.line))
                .collect();
            let marked = if case.join("head").is_dir() {
                case.join("head")
            } else {
                case.clone()
            };
            let want = expected(&marked, id);
            if want.is_empty() {
                failures.push(format!(
                    "{}: a fail case needs `# expect: {id}` markers",
                    case.display()
                ));
            } else if got != want {
                failures.push(format!(
                    "{}: fired on {got:?}, expected {want:?}\n{}",
                    case.display(),
                    common::text(&o)
                ));
            }
            let name = format!("{id}@{}", case.file_stem().unwrap_or_default().to_string_lossy());
            let mut settings = insta::Settings::clone_current();
            settings.set_prepend_module_to_snapshot(false);
            settings.set_omit_expression(true);
            settings.set_snapshot_path("snapshots");
            settings.bind(|| insta::assert_snapshot!(name, common::text(&o)));
        }
    }
    assert!(ran > 0);
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_rule_has_pass_and_fail_fixtures() {
    let root = common::root();
    let missing: Vec<&str> = ALL_RULES
        .iter()
        .map(|r| r.as_str())
        .filter(|id| {
            let d = root.join("fixtures").join(id);
            cases(&d.join("pass")).is_empty() || cases(&d.join("fail")).is_empty()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rules without pass/ and fail/ fixtures: {missing:?}"
    );
    // Every fixture folder names a rule.
    for e in fs::read_dir(root.join("fixtures")).expect("fixtures").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with('_') && e.path().is_dir() {
            assert!(RuleId::from_id(&name).is_some(), "fixtures/{name} names no rule");
        }
    }
}
