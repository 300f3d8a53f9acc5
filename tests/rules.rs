//! Fixture harness (a libtest-mimic harness: `harness = false` in Cargo.toml): every
//! `fixtures/<rule-id>/{pass,fail}/<case>` (a file or a mini repo folder) is its own trial,
//! `<rule-id>::pass::<case>` or `<rule-id>::fail::<case>` (`<case>` without its extension),
//! and runs with only that rule; `cargo test --test rules <rule-id>::` runs one rule's cases.
//! Pass cases must be silent. Fail cases must fire exactly on the lines marked
//! `# expect: <rule-id>`, and their text output is an insta snapshot
//! (`tests/snapshots/<rule-id>@<case>.snap`; review with `cargo insta review`). A rule without
//! pass or fail cases is a failing trial `<rule-id>::pass` / `<rule-id>::fail`, and
//! `snapshots_belong_to_tests` fails on a snapshot that no test makes (its case was deleted or
//! renamed) and on a leftover `.snap.new` / `.pending-snap`.

mod common;

use libtest_mimic::{Arguments, Failed, Trial};
use portalint::rules::{RuleId, ALL_RULES};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

fn main() {
    let args = Arguments::from_args();
    // Fixture paths are relative to the crate root, as the snapshots show them.
    std::env::set_current_dir(common::root()).expect("cd");
    // Taken before any trial runs, so a `.snap.new` that a failing trial writes in this run
    // counts against that trial only.
    let snapshot_files = files_under(&common::root().join("tests"));
    let mut trials = fixture_trials();
    trials.push(Trial::test(
        "every_rule_has_pass_and_fail_fixtures",
        every_rule_has_pass_and_fail_fixtures,
    ));
    trials.push(Trial::test("snapshots_belong_to_tests", move || {
        snapshots_belong_to_tests(&snapshot_files)
    }));
    libtest_mimic::run(&args, trials).exit();
}

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

/// A case's name in its trial and snapshot: the file or folder name without its extension.
fn case_name(case: &Path) -> String {
    case.file_stem().unwrap_or_default().to_string_lossy().into_owned()
}

/// The working directory is process-wide. Trials that name fixtures relative to the crate root
/// hold it shared; a git case holds it alone while it runs inside its repository.
static CWD: RwLock<()> = RwLock::new(());

fn cwd_shared() -> RwLockReadGuard<'static, ()> {
    CWD.read().unwrap_or_else(|e| e.into_inner())
}

/// Inside `dir` while it lives; back in the crate root when dropped, even by a panic.
struct InDir {
    _lock: RwLockWriteGuard<'static, ()>,
}

impl InDir {
    fn enter(dir: &Path) -> InDir {
        let lock = CWD.write().unwrap_or_else(|e| e.into_inner());
        std::env::set_current_dir(dir).expect("cd");
        InDir { _lock: lock }
    }
}

impl Drop for InDir {
    fn drop(&mut self) {
        // Runs before the lock field is released.
        let _ = std::env::set_current_dir(common::root());
    }
}

/// Runs one case: plainly, or as a git repository compared with its base.
fn run_case(case: &Path, rule: &str, config: Option<PathBuf>, tmp: &Path) -> portalint::app::Outcome {
    let (repo, a) = {
        let _cwd = cwd_shared();
        let Some((repo, base)) = git_case(case, tmp) else {
            return common::run_rule(case, rule, config);
        };
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
        if portalint::rules::RuleId::from_id(rule).expect("rule").meta().pack == portalint::rules::Pack::OpenPortal {
            a.profile = Some(portalint::cli::ProfileArg::Openportal);
        }
        (repo, a)
    };
    let _in = InDir::enter(&repo);
    portalint::app::check(&a).unwrap_or_else(|e| panic!("check of {} failed: {e:?}", case.display()))
}

/// One trial per case of every rule, and a failing one for a rule without pass or fail cases.
fn fixture_trials() -> Vec<Trial> {
    let mut trials = Vec::new();
    for rule in ALL_RULES {
        let id = rule.as_str();
        let dir = PathBuf::from("fixtures").join(id);
        let config = dir.join("config.yaml");
        let config = config.is_file().then_some(config);
        for kind in ["pass", "fail"] {
            let found = cases(&dir.join(kind));
            if found.is_empty() {
                let folder = dir.join(kind);
                trials.push(Trial::test(format!("{id}::{kind}"), move || {
                    Err(format!("{}: the rule has no {kind} case", folder.display()).into())
                }));
            }
            for case in found {
                let name = format!("{id}::{kind}::{}", case_name(&case));
                let config = config.clone();
                trials.push(if kind == "pass" {
                    Trial::test(name, move || pass_case(&case, id, config))
                } else {
                    Trial::test(name, move || fail_case(&case, id, config))
                });
            }
        }
    }
    if trials.is_empty() {
        trials.push(Trial::test("fixtures", || Err("no rule and no fixture case".into())));
    }
    trials
}

/// A pass case: no diagnostics.
fn pass_case(case: &Path, id: &str, config: Option<PathBuf>) -> Result<(), Failed> {
    let tmp = tempfile::tempdir()?;
    let o = run_case(case, id, config, tmp.path());
    let _cwd = cwd_shared();
    if o.diagnostics.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: expected no diagnostics, got:\n{}",
            case.display(),
            common::text(&o)
        )
        .into())
    }
}

/// A fail case: diagnostics exactly on the `# expect:` lines, and the text output matches the
/// snapshot `tests/snapshots/<rule-id>@<case>.snap`.
fn fail_case(case: &Path, id: &str, config: Option<PathBuf>) -> Result<(), Failed> {
    let tmp = tempfile::tempdir()?;
    let o = run_case(case, id, config, tmp.path());
    let _cwd = cwd_shared();
    let mut failures = Vec::new();
    let got: BTreeSet<(String, usize)> = o
        .diagnostics
        .iter()
        .map(|d| (d.primary.path.clone(), d.primary.line))
        .collect();
    let marked = if case.join("head").is_dir() {
        case.join("head")
    } else {
        case.to_path_buf()
    };
    let want = expected(&marked, id);
    let text = common::text(&o);
    if want.is_empty() {
        failures.push(format!(
            "{}: a fail case needs `# expect: {id}` markers",
            case.display()
        ));
    } else if got != want {
        failures.push(format!(
            "{}: fired on {got:?}, expected {want:?}\n{text}",
            case.display()
        ));
    }
    let name = format!("{id}@{}", case_name(case));
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_snapshot_path("snapshots");
    // insta panics on a mismatch (after printing the diff); report it with the markers' result.
    let snapshot = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name.as_str(), text.as_str()));
    }));
    if let Err(e) = snapshot {
        let why = e
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| e.downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        failures.push(format!("snapshot tests/snapshots/{name}.snap: {why}"));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n").into())
    }
}

fn every_rule_has_pass_and_fail_fixtures() -> Result<(), Failed> {
    let root = common::root();
    let missing: Vec<&str> = ALL_RULES
        .iter()
        .map(|r| r.as_str())
        .filter(|id| {
            let d = root.join("fixtures").join(id);
            cases(&d.join("pass")).is_empty() || cases(&d.join("fail")).is_empty()
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!("rules without pass/ and fail/ fixtures: {missing:?}").into());
    }
    // Every fixture folder names a rule.
    for e in fs::read_dir(root.join("fixtures"))?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with('_') && e.path().is_dir() && RuleId::from_id(&name).is_none() {
            return Err(format!("fixtures/{name} names no rule").into());
        }
    }
    // Trial and snapshot names drop the extension, so two cases must not share a name.
    for id in ALL_RULES.iter().map(|r| r.as_str()) {
        for kind in ["pass", "fail"] {
            let mut seen = BTreeSet::new();
            for case in cases(&root.join("fixtures").join(id).join(kind)) {
                if !seen.insert(case_name(&case)) {
                    return Err(format!("fixtures/{id}/{kind}: two cases named `{}`", case_name(&case)).into());
                }
            }
        }
    }
    Ok(())
}

/// Every file under `dir`, recursively, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every `tests/snapshots/*.snap` is made by a test: `<rule-id>@<case>` by an existing fail
/// case of that rule (this harness), any other name by a string literal in an
/// `assert_*snapshot!` of a test file (as written, or with the file's module prefix
/// `<file>__`). `files` is everything under tests/ from before the trials ran; a leftover
/// `.snap.new` or `.pending-snap` (a snapshot left unreviewed) fails too.
fn snapshots_belong_to_tests(files: &[PathBuf]) -> Result<(), Failed> {
    let root = common::root();
    let snapshot_dir = root.join("tests").join("snapshots");
    let literal = regex::Regex::new(r#"assert_(?:\w+_)?snapshot!\s*\(\s*"([^"]+)""#)?;
    let mut named = BTreeSet::new();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "rs")) {
        let source = fs::read_to_string(f)?;
        let module = f.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        for c in literal.captures_iter(&source) {
            named.insert(c[1].to_string());
            named.insert(format!("{module}__{}", &c[1]));
        }
    }
    let mut orphans = Vec::new();
    let mut unreviewed = Vec::new();
    let mut snapshots = 0;
    for f in files {
        let rel = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        let file = f.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if file.ends_with(".snap.new") || file.ends_with(".pending-snap") {
            unreviewed.push(rel);
            continue;
        }
        let Some(name) = file.strip_suffix(".snap") else {
            continue;
        };
        if f.parent() != Some(snapshot_dir.as_path()) {
            continue;
        }
        snapshots += 1;
        let made = match name.split_once('@') {
            Some((id, case)) => {
                RuleId::from_id(id).is_some()
                    && cases(&root.join("fixtures").join(id).join("fail"))
                        .iter()
                        .any(|c| case_name(c) == case)
            }
            None => named.contains(name),
        };
        if !made {
            orphans.push(rel);
        }
    }
    let mut failures = Vec::new();
    if snapshots == 0 {
        failures.push("tests/snapshots holds no snapshot".to_string());
    }
    if !orphans.is_empty() {
        failures.push(format!(
            "snapshots that no test makes (their fixture case or test is gone; delete them, or \
             name the snapshot with a string literal in its assert_snapshot!):\n  {}",
            orphans.join("\n  ")
        ));
    }
    if !unreviewed.is_empty() {
        failures.push(format!(
            "unreviewed snapshots (accept or reject them with `cargo insta review`):\n  {}",
            unreviewed.join("\n  ")
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n").into())
    }
}
