//! Helpers shared by the integration tests.
#![allow(dead_code)]

use portalint::app::{self, Outcome};
use portalint::cli::{CheckArgs, ProfileArg};
use portalint::report::{self, Format};
use std::path::{Path, PathBuf};

/// Check arguments for `paths` with only `rules` selected (all when empty).
pub fn args(paths: &[PathBuf], rules: &[&str]) -> CheckArgs {
    CheckArgs {
        select: rules.iter().map(|s| s.to_string()).collect(),
        isolated: true,
        ..CheckArgs::new(paths.to_vec())
    }
}

/// Runs a check of one case with only `rule`, the case's config if any, and the profile the
/// rule's pack needs.
pub fn run_rule(case: &Path, rule: &str, config: Option<PathBuf>) -> Outcome {
    let mut a = args(&[case.to_path_buf()], &[rule]);
    if let Some(c) = config {
        a.isolated = false;
        a.config = Some(c);
    }
    let pack = portalint::rules::RuleId::from_id(rule).expect("known rule").meta().pack;
    if pack == portalint::rules::Pack::OpenPortal {
        a.profile = Some(ProfileArg::Openportal);
    }
    app::check(&a).unwrap_or_else(|e| panic!("check of {} failed: {e:?}", case.display()))
}

/// Renders an outcome as text.
pub fn text(o: &Outcome) -> String {
    let mut buf = Vec::new();
    report::render(Format::Text, &o.diagnostics, &o.summary, false, &mut buf).expect("render");
    String::from_utf8(buf).expect("utf8")
}

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `git` in `dir` with a throwaway identity and signing off; panics with git's stderr
/// when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes `text` to `root/rel`, creating the folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// Runs the binary in `cwd`: (exit code, stdout, stderr).
pub fn run_bin(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portalint"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// (rule, path) of every diagnostic of a JSON report.
pub fn rule_paths(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("json");
    v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or("").to_string(),
                d["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A conformance suite's `THRESHOLD` (`agree/total`, or `NN%` / `NN.N%`): how many of its
/// `total` cases must agree.
pub fn threshold(text: &str, total: usize) -> usize {
    let t = text.trim();
    if let Some(p) = t.strip_suffix('%') {
        let p: f64 = p.trim().parse().expect("THRESHOLD percentage");
        return (p / 100.0 * total as f64).ceil() as usize;
    }
    let (a, b) = t.split_once('/').expect("THRESHOLD is agree/total or a percentage");
    let (a, b): (usize, usize) = (a.trim().parse().expect("agree"), b.trim().parse().expect("total"));
    assert_eq!(b, total, "THRESHOLD counts {b} cases, the suite has {total}");
    a
}

/// The case ids a conformance suite's `DIFFERENCES.md` lists (lines `` - `ID`: why ``), each
/// with why.
pub fn listed(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split_once('`'))
        .map(|(id, why)| (id.to_string(), why.trim_start_matches(':').trim().to_string()))
        .collect()
}

/// The tally of a conformance suite: each case agrees with upstream, differs on purpose
/// (listed in the suite's `DIFFERENCES.md`, counted as agreed), or disagrees.
/// [`Tally::finish`] prints `agree/total` and every disagreement, and fails below the
/// threshold, on a listed case the suite does not have, and on a listed case that agrees
/// again (the list must stay true).
pub struct Tally<'a> {
    suite: &'a str,
    listed: &'a std::collections::BTreeMap<String, String>,
    seen: std::collections::BTreeSet<String>,
    total: usize,
    agree: usize,
    listed_agree: usize,
    disagreements: Vec<String>,
    stale: Vec<String>,
}

impl<'a> Tally<'a> {
    /// An empty tally of `suite`, whose `DIFFERENCES.md` lists `listed` ([`listed`]).
    pub fn new(suite: &'a str, listed: &'a std::collections::BTreeMap<String, String>) -> Self {
        Tally {
            suite,
            listed,
            seen: Default::default(),
            total: 0,
            agree: 0,
            listed_agree: 0,
            disagreements: Vec::new(),
            stale: Vec::new(),
        }
    }

    /// One case: whether it agrees, and (asked only when it disagrees and is not listed)
    /// what to print for it.
    pub fn case(&mut self, id: &str, agrees: bool, disagreement: impl FnOnce() -> String) {
        self.seen.insert(id.to_string());
        self.total += 1;
        match (agrees, self.listed.contains_key(id)) {
            (true, false) => self.agree += 1,
            (true, true) => self.stale.push(id.to_string()),
            (false, true) => self.listed_agree += 1,
            (false, false) => self.disagreements.push(disagreement()),
        }
    }

    /// Prints the result (with how long the check took, when given) and fails as described
    /// on [`Tally`].
    pub fn finish(self, need: usize, took: Option<std::time::Duration>) {
        let total = self.total;
        let agreed = self.agree + self.listed_agree;
        println!(
            "{}: {agreed}/{total} agree ({:.1} %; {} of them deliberate differences listed in DIFFERENCES.md), threshold {need}{}",
            self.suite,
            agreed as f64 * 100.0 / total.max(1) as f64,
            self.listed_agree,
            took.map(|t| format!(", checked in {:.2} s", t.as_secs_f64()))
                .unwrap_or_default()
        );
        for d in &self.disagreements {
            println!("{d}");
        }
        let unknown: Vec<&String> = self.listed.keys().filter(|id| !self.seen.contains(*id)).collect();
        assert!(
            unknown.is_empty(),
            "DIFFERENCES.md lists cases the suite does not have: {unknown:?}"
        );
        assert!(
            self.stale.is_empty(),
            "DIFFERENCES.md lists cases that agree now (remove them): {:?}",
            self.stale
        );
        assert!(
            agreed >= need,
            "{}: {agreed}/{total} agree, below the threshold of {need}",
            self.suite
        );
    }
}
