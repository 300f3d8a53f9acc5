//! `portalint pr` against the fake GitHub (tests/fake_github), on real git repositories built
//! in temp dirs. Every request and response is checked against GitHub's REST description.

mod common;
mod fake_github;

use common::{git, root, write};
use fake_github::{Fake, Fault, State};
use std::path::{Path, PathBuf};

const TOKEN: &str = "ghs_portalintTestToken0123456789";
/// A secret in the bot's environment that must reach no output, audit, summary or request.
const CANARY: &str = "canary-4d2e9f1a-bot-never-prints";

const CONFIG: &str = "openportal:\n  repo-name: catalog-orders\npolicy:\n  bots: [backstage-portal-bot]\n  teams: {team-a: [alice]}\n  max-files: 2\n  auto-merge-kinds: [WhoAmIApp]\n  rules:\n    - count: [{kind: WhoAmIApp, hard: 3}]\n";

fn app(ns: &str, name: &str, replicas: &str) -> String {
    format!("apiVersion: openportal.dev/v1alpha1\nkind: WhoAmIApp\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations:\n    terasky.backstage.io/owner: group:default/{ns}\nspec:\n  name: {name}\n  replicas: {replicas}\n")
}

/// A catalog-orders repository with one order, and a PR branch adding `files`.
struct Repo {
    _tmp: tempfile::TempDir,
    path: PathBuf,
    head: String,
    base: String,
}

/// The XRDs of the orders, outside the repository.
fn xrd_source() -> String {
    root()
        .join("fixtures/_xrds/whoami-xrd.yaml")
        .to_string_lossy()
        .into_owned()
}

fn rev(dir: &Path, rev: &str) -> String {
    let out = std::process::Command::new("git")
        .args(["rev-parse", rev])
        .current_dir(dir)
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn repo(files: &[(&str, String)]) -> Repo {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("repo");
    write(&path, ".portalint.yaml", CONFIG);
    write(
        &path,
        ".github/CODEOWNERS",
        "* @org/platform\n/openportal/team-a/ @org/team-a\n/openportal/team-b/ @org/team-b\n",
    );
    write(
        &path,
        "openportal/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n",
    );
    write(
        &path,
        "openportal/team-a/WhoAmIApp/demo.yaml",
        &app("team-a", "demo", "1"),
    );
    git(&path, &["init", "-q", "-b", "main"]);
    git(&path, &["add", "-A"]);
    git(&path, &["commit", "-qm", "base"]);
    git(&path, &["checkout", "-q", "-b", "create-x-resource"]);
    for (rel, text) in files {
        write(&path, rel, text);
    }
    git(&path, &["add", "-A"]);
    git(&path, &["commit", "-qm", "order"]);
    let head = rev(&path, "HEAD");
    let base = rev(&path, "main");
    Repo {
        _tmp: tmp,
        path,
        head,
        base,
    }
}

fn state(r: &Repo, author: &str, files: &[&str]) -> State {
    State {
        owner: "acme".into(),
        repo: "catalog-orders".into(),
        number: 7,
        head_sha: r.head.clone(),
        head_ref: "create-x-resource".into(),
        base_sha: r.base.clone(),
        author: author.into(),
        files: files.iter().map(|f| f.to_string()).collect(),
        check_runs: vec![
            ("portalint".into(), "neutral".into()),
            ("update-kustomizations".into(), "success".into()),
        ],
        patches: files.iter().map(|f| (f.to_string(), patch(&r.path, f))).collect(),
        collaborators: vec!["alice".into(), "bob".into()],
        teams: vec!["platform".into(), "team-a".into(), "team-b".into()],
        token: TOKEN.into(),
        ..State::default()
    }
}

/// The `patch` GitHub shows for `file` (its diff from the merge base, hunks only).
fn patch(dir: &Path, file: &str) -> String {
    let out = std::process::Command::new("git")
        .args(["diff", "main...HEAD", "--", file])
        .current_dir(dir)
        .output()
        .expect("git");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.find("@@").map(|i| text[i..].to_string()).unwrap_or_default()
}

/// Runs the bot binary: (exit code, stdout + stderr, audit, job summary).
fn run(r: &Repo, fake: &Fake, extra: &[&str]) -> (i32, String, String, String) {
    let audit = r.path.parent().expect("parent").join("audit.jsonl");
    let summary = r.path.parent().expect("parent").join("summary.md");
    let mut args = vec![
        "pr".to_string(),
        "--repo".into(),
        "acme/catalog-orders".into(),
        "--pr".into(),
        "7".into(),
        "--api-url".into(),
        fake.url.clone(),
        "--token-env".into(),
        "PORTALINT_TEST_TOKEN".into(),
        "--audit".into(),
        audit.to_string_lossy().into(),
        "--retry-base-ms".into(),
        "10".into(),
        // XRD sources outside the repository come from the command line (a config in the
        // repository may only name paths inside it).
        "--xrds".into(),
        xrd_source(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    // Each run's own record and job summary.
    let _ = std::fs::remove_file(&audit);
    let _ = std::fs::remove_file(&summary);
    let out = std::process::Command::new(bin())
        .args(&args)
        .current_dir(&r.path)
        .env("PORTALINT_TEST_TOKEN", TOKEN)
        .env("PORTALINT_CANARY_SECRET", CANARY)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("GITHUB_EVENT_PATH")
        .output()
        .expect("run");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let audit = std::fs::read_to_string(&audit).unwrap_or_default();
    let summary = std::fs::read_to_string(&summary).unwrap_or_default();
    let sent = serde_json::to_string(&fake.state.lock().expect("lock").requests).expect("json");
    for (what, s) in [
        ("output", &text),
        ("audit", &audit),
        ("summary", &summary),
        ("requests", &sent),
    ] {
        assert!(!s.contains(TOKEN), "the token leaked into the {what}");
        assert!(!s.contains(CANARY), "the canary leaked into the {what}");
    }
    (out.status.code().unwrap_or(-1), text, audit, summary)
}

/// The binary under test; `PORTALINT_BIN` runs the suite against another build (used to
/// show that the issue-16 tests fail on the code before it).
fn bin() -> String {
    std::env::var("PORTALINT_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_portalint").to_string())
}

fn clean_order() -> Vec<(&'static str, String)> {
    vec![("openportal/team-a/WhoAmIApp/web.yaml", app("team-a", "web", "2"))]
}

#[test]
fn clean_order_is_approved_and_merged_with_the_evaluated_sha_once() {
    let r = repo(&clean_order());
    let mut st = state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]);
    // The first merge attempt is refused (not mergeable yet): the second run must neither
    // comment nor approve again, and merge.
    st.faults = vec![Fault {
        method: "PUT",
        path_suffix: "/pulls/7/merge",
        status: 405,
        retry_after: None,
        message: "Base branch was modified. Review and try the merge again.",
        after_effect: false,
        ..Fault::default()
    }];
    let fake = Fake::start(st);
    let mut outputs = Vec::new();
    for _ in 0..3 {
        let (code, out, _, _) = run(&r, &fake, &[]);
        assert_eq!(code, 0, "{out}");
        outputs.push(out);
    }
    assert!(outputs[0].contains("waiting: not mergeable yet"), "{}", outputs[0]);
    assert!(
        outputs[1].contains("summary comment updated") && outputs[1].contains("merged"),
        "{}",
        outputs[1]
    );
    assert!(
        outputs[2].contains("nothing to do: the pull request is closed"),
        "{}",
        outputs[2]
    );
    let s = fake.state.lock().expect("lock");
    assert_eq!(s.comments.len(), 1, "one summary comment");
    assert!(s.comments[0].1.contains("portalint verdict: `auto-merge`"));
    let approvals = s.reviews.iter().filter(|r| r.1 == "APPROVED").count();
    assert_eq!(approvals, 1);
    assert_eq!(s.merged.as_deref(), Some(r.head.as_str()));
    let merges: Vec<_> = s
        .requests
        .iter()
        .filter(|(m, p, _)| m == "PUT" && p.ends_with("/merge"))
        .collect();
    assert_eq!(merges.len(), 2, "one refused, one merged");
    assert_eq!(s.merged.iter().count(), 1);
    assert_eq!(merges[0].2["sha"], r.head.as_str());
    assert_eq!(merges[0].2["merge_method"], "squash");
    drop(s);
    fake.assert_contract();
}

#[test]
fn audit_record_and_job_summary() {
    let r = repo(&clean_order());
    let fake = Fake::start(state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]));
    let (code, out, audit, summary) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    // One record per run (one JSON line), with every call in it.
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 1, "{audit}");
    let record = &lines[0];
    assert_eq!(record["decision"], "auto-merge");
    assert_eq!(record["head_sha"], r.head.as_str());
    assert_eq!(record["base_sha"], r.base.as_str());
    assert_eq!(record["policy_commit"], r.base.as_str());
    assert_eq!(record["repository"], "acme/catalog-orders");
    assert_eq!(record["pr"], 7);
    assert!(
        record["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{record}"
    );
    let calls: Vec<String> = record["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .map(|l| {
            format!(
                "{} {} {}",
                l["method"].as_str().unwrap_or(""),
                l["path"].as_str().unwrap_or(""),
                l["status"]
            )
        })
        .collect();
    assert!(
        calls.contains(&"PUT /repos/acme/catalog-orders/pulls/7/merge 200".to_string()),
        "{calls:#?}"
    );
    assert_eq!(calls.len(), fake.state.lock().expect("lock").requests.len());
    // The request count of a typical auto-merge run (reported in docs/bot.md).
    eprintln!(
        "a typical auto-merge run made {} API requests:\n{}",
        calls.len(),
        calls.join("\n")
    );
    assert!(
        summary.contains("portalint verdict: `auto-merge`") && summary.contains("merged"),
        "{summary}"
    );
    fake.assert_contract();
}

#[test]
fn head_moved_between_check_and_merge_is_not_merged() {
    let r = repo(&clean_order());
    let mut st = state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]);
    st.head_on_merge = Some("f".repeat(40));
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("waiting: the head moved"), "{out}");
    assert!(fake.state.lock().expect("lock").merged.is_none());
    fake.assert_contract();
}

#[test]
fn review_required_labels_and_requests_codeowners() {
    let r = repo(&[("openportal/team-b/WhoAmIApp/x.yaml", app("team-b", "x", "1"))]);
    let fake = Fake::start(state(&r, "alice", &["openportal/team-b/WhoAmIApp/x.yaml"]));
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    let s = fake.state.lock().expect("lock");
    assert!(
        s.labels.contains(&"portalint/review-required".to_string()),
        "{:?}",
        s.labels
    );
    assert!(s.labels.contains(&"portalint/r-owner".to_string()), "{:?}", s.labels);
    assert_eq!(s.requested_teams, ["team-b"]);
    assert!(s.merged.is_none() && s.reviews.iter().all(|r| r.1 != "APPROVED"));
    drop(s);
    fake.assert_contract();
}

#[test]
fn reject_posts_line_comments_once_and_requests_changes() {
    let r = repo(&[("openportal/team-a/WhoAmIApp/bad.yaml", app("team-a", "bad", "many"))]);
    let fake = Fake::start(state(&r, "alice", &["openportal/team-a/WhoAmIApp/bad.yaml"]));
    for _ in 0..2 {
        let (code, out, _, _) = run(&r, &fake, &[]);
        assert_eq!(code, 1, "{out}");
    }
    let s = fake.state.lock().expect("lock");
    assert_eq!(s.reviews.iter().filter(|r| r.1 == "CHANGES_REQUESTED").count(), 1);
    assert!(!s.review_comments.is_empty());
    assert!(s
        .review_comments
        .iter()
        .all(|(_, p, l, b)| p == "openportal/team-a/WhoAmIApp/bad.yaml" && *l == 10 && b.contains("x-xr-schema")));
    let mut bodies: Vec<&String> = s.review_comments.iter().map(|c| &c.3).collect();
    let n = bodies.len();
    bodies.dedup();
    assert_eq!(bodies.len(), n, "no finding commented twice");
    assert!(s.merged.is_none());
    drop(s);
    fake.assert_contract();
}

#[test]
fn server_errors_are_retried_and_uncertain_writes_not_repeated() {
    let r = repo(&clean_order());
    let mut st = state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]);
    st.faults = vec![
        Fault {
            method: "GET",
            path_suffix: "/pulls/7",
            status: 502,
            retry_after: None,
            message: "Bad Gateway",
            after_effect: false,
            ..Fault::default()
        },
        // The comment is created, but the answer is lost.
        Fault {
            method: "POST",
            path_suffix: "/issues/7/comments",
            status: 502,
            retry_after: None,
            message: "Bad Gateway",
            after_effect: true,
            ..Fault::default()
        },
    ];
    let fake = Fake::start(st);
    let (code, out, audit, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    let s = fake.state.lock().expect("lock");
    assert_eq!(s.comments.len(), 1, "the uncertain POST was not repeated blindly");
    assert!(s.merged.is_some());
    assert!(audit.contains("\"status\":502"), "{audit}");
    drop(s);
    fake.assert_contract();
}

#[test]
fn secondary_rate_limit_waits_for_retry_after() {
    let r = repo(&clean_order());
    let mut st = state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]);
    st.faults = vec![Fault {
        method: "POST",
        path_suffix: "/pulls/7/reviews",
        status: 403,
        retry_after: Some(1),
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        after_effect: false,
        ..Fault::default()
    }];
    let fake = Fake::start(st);
    let started = std::time::Instant::now();
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    let s = fake.state.lock().expect("lock");
    assert_eq!(s.reviews.iter().filter(|r| r.1 == "APPROVED").count(), 1);
    assert!(s.merged.is_some());
    drop(s);
    fake.assert_contract();
}

#[test]
fn fork_pr_degrades_to_annotations_and_summary() {
    let r = repo(&[("openportal/team-a/WhoAmIApp/bad.yaml", app("team-a", "bad", "many"))]);
    let mut st = state(&r, "alice", &["openportal/team-a/WhoAmIApp/bad.yaml"]);
    st.fork = true;
    let fake = Fake::start(st);
    let (code, out, _, summary) = run(&r, &fake, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("::error file=openportal/team-a/WhoAmIApp/bad.yaml,line=10"),
        "{out}"
    );
    assert!(summary.contains("portalint verdict: `reject`"), "{summary}");
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());
    fake.assert_contract();
}

#[test]
fn policy_changed_in_the_pr_is_reviewed_not_merged() {
    let r = repo(&[
        (
            ".portalint.yaml",
            CONFIG
                .replace("hard: 3", "hard: 300")
                .replace("XRDS", &root().join("fixtures/_xrds/whoami-xrd.yaml").to_string_lossy()),
        ),
        ("openportal/team-a/WhoAmIApp/web.yaml", app("team-a", "web", "2")),
    ]);
    let fake = Fake::start(state(
        &r,
        "alice",
        &[".portalint.yaml", "openportal/team-a/WhoAmIApp/web.yaml"],
    ));
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    let s = fake.state.lock().expect("lock");
    assert!(
        s.labels.contains(&"portalint/r-policy-changed".to_string()),
        "{:?}",
        s.labels
    );
    assert!(
        s.requested_teams.contains(&"platform".to_string()),
        "{:?}",
        s.requested_teams
    );
    assert!(s.merged.is_none());
    drop(s);
    fake.assert_contract();
}

/// Security: `portalint pr --config FILE` is honoured. A config outside the tree decides (here
/// it allows no auto-merge, where the base's `.portalint.yaml` would merge the order), and
/// the PR's own `.portalint.yaml`, which loosens the quota and would merge everything, is
/// not the policy the PR is judged by.
#[test]
fn an_explicit_config_outside_the_tree_decides() {
    let strict = CONFIG.replace("auto-merge-kinds: [WhoAmIApp]", "auto-merge-kinds: []");
    assert_ne!(strict, CONFIG);
    let outside = tempfile::tempdir().expect("tmp");
    let cfg = outside.path().join("policy.yaml");
    std::fs::write(&cfg, &strict).expect("write");
    let cfg = cfg.to_string_lossy().into_owned();

    // 1. A clean order the base's config would merge: the explicit config holds it for review.
    let r = repo(&clean_order());
    let fake = Fake::start(state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]));
    let (code, out, audit, _) = run(&r, &fake, &[]);
    assert_eq!(
        (code, record(&audit)["decision"].clone()),
        (0, "auto-merge".into()),
        "{out}"
    );
    let fake = Fake::start(state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]));
    let (code, out, audit, summary) = run(&r, &fake, &["--config", &cfg]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(record(&audit)["decision"], "review-required", "{out}");
    assert!(summary.contains("portalint verdict: `review-required`"), "{summary}");
    let s = fake.state.lock().expect("lock");
    assert!(s.merged.is_none() && s.reviews.iter().all(|r| r.1 != "APPROVED"));
    assert!(
        s.labels.contains(&"portalint/review-required".to_string()),
        "{:?}",
        s.labels
    );
    drop(s);
    fake.assert_contract();

    // 2. The PR rewrites `.portalint.yaml` to turn off the rule its order breaks and to lift
    // the limits: the explicit config still decides, with that rule on.
    let loose = format!(
        "{}rules:\n  x-xr-schema: off\n",
        CONFIG
            .replace("max-files: 2", "max-files: 100")
            .replace("hard: 3", "hard: 300")
    );
    let r = repo(&[
        (".portalint.yaml", loose),
        ("openportal/team-a/WhoAmIApp/web.yaml", app("team-a", "web", "many")),
    ]);
    let files = [".portalint.yaml", "openportal/team-a/WhoAmIApp/web.yaml"];
    let fake = Fake::start(state(&r, "alice", &files));
    let (code, out, audit, summary) = run(&r, &fake, &["--config", &cfg]);
    assert_eq!(code, 1, "{out}");
    let rec = record(&audit);
    assert_eq!(rec["decision"], "reject", "{out}");
    assert!(
        summary.contains("x-xr-schema"),
        "the rule the PR turned off still runs: {summary}"
    );
    let s = fake.state.lock().expect("lock");
    assert!(
        s.merged.is_none() && s.reviews.iter().all(|r| r.1 != "APPROVED"),
        "{out}"
    );
    drop(s);
    fake.assert_contract();
}

#[test]
fn draft_pr_is_commented_not_merged() {
    let r = repo(&clean_order());
    let mut st = state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]);
    st.draft = true;
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("waiting: the pull request is a draft"), "{out}");
    let s = fake.state.lock().expect("lock");
    assert_eq!(s.comments.len(), 1);
    assert!(s.merged.is_none() && s.reviews.is_empty());
    drop(s);
    fake.assert_contract();
}

#[test]
fn pending_checks_block_the_merge() {
    let r = repo(&clean_order());
    let mut st = state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]);
    st.check_runs.push(("e2e".into(), "failure".into()));
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("waiting: checks failed: e2e"), "{out}");
    assert!(fake.state.lock().expect("lock").merged.is_none());
    fake.assert_contract();
}

/// The event file of a `pull_request` run: built from GitHub's webhook schema, validated
/// against it, and read by the bot (no --repo / --pr).
#[test]
fn reads_the_pull_request_event() {
    let r = repo(&clean_order());
    let fake = Fake::start(state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]));
    let hooks = fake_github::webhooks();
    let schema = &hooks["definitions"]["pull_request$synchronize"];
    let mut event = fake_github::skeleton(schema, hooks, 0);
    fake_github::merge(
        &mut event,
        serde_json::json!({"number": 7, "pull_request": {"number": 7}, "repository": {"full_name": "acme/catalog-orders"}}),
    );
    let mut root_schema = hooks.clone();
    root_schema.as_object_mut().expect("object").remove("oneOf");
    root_schema["$ref"] = "#/definitions/pull_request$synchronize".into();
    let validator = jsonschema::validator_for(&root_schema).expect("compile");
    let errors: Vec<String> = validator
        .iter_errors(&event)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let event_path = r.path.parent().expect("parent").join("event.json");
    std::fs::write(&event_path, event.to_string()).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portalint"))
        .args(["pr", "--api-url", &fake.url, "--token-env", "PORTALINT_TEST_TOKEN"])
        .args(["--xrds", &xrd_source()])
        .current_dir(&r.path)
        .env("PORTALINT_TEST_TOKEN", TOKEN)
        .env("GITHUB_EVENT_PATH", &event_path)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(fake.state.lock().expect("lock").merged.is_some(), "{text}");
    fake.assert_contract();
}

/// The contract check itself: a request GitHub does not document, or a body that does not
/// match its schema, is a violation.
#[test]
fn the_fake_flags_requests_outside_the_contract() {
    let r = repo(&clean_order());
    let fake = Fake::start(state(&r, "alice", &[]));
    let mut client = portalint::github::Client::new(&fake.url, Some(TOKEN.into()));
    let _ = client.request(
        "POST",
        "/repos/acme/catalog-orders/pulls/7/reviews",
        Some(&serde_json::json!({"event": "MERGE", "comments": "none"})),
    );
    let _ = client.request("GET", "/repos/acme/catalog-orders/secrets", None);
    let violations = fake.state.lock().expect("lock").violations.clone();
    assert!(
        violations
            .iter()
            .any(|v| v.contains("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews request")),
        "{violations:#?}"
    );
    assert!(
        violations
            .iter()
            .any(|v| v.contains("not in GitHub's REST description")),
        "{violations:#?}"
    );
}

/// A clone whose diff is not the PR's (a stale checkout) is an error, not a verdict.
#[test]
fn a_stale_clone_is_an_error() {
    let r = repo(&clean_order());
    let fake = Fake::start(state(
        &r,
        "alice",
        &[
            "openportal/team-a/WhoAmIApp/web.yaml",
            "openportal/team-a/WhoAmIApp/later.yaml",
        ],
    ));
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("is not the PR's"), "{out}");
    assert!(fake.writes().is_empty());
    fake.assert_contract();
}

/// `--dry-run` decides and reports but writes nothing to GitHub.
#[test]
fn dry_run_writes_nothing() {
    let r = repo(&clean_order());
    let fake = Fake::start(state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"]));
    let (code, out, _, summary) = run(&r, &fake, &["--dry-run"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("portalint pr: auto-merge") && out.contains("dry run: no API writes"),
        "{out}"
    );
    assert!(summary.contains("portalint verdict: `auto-merge`"), "{summary}");
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());
    fake.assert_contract();
}

// ---- Issue 16: each class below has a test that fails on the bot before it. ----

fn clean_state(r: &Repo) -> State {
    state(r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml"])
}

fn record(audit: &str) -> serde_json::Value {
    let lines: Vec<&str> = audit.lines().collect();
    assert_eq!(lines.len(), 1, "one record per run: {audit}");
    serde_json::from_str(lines[0]).expect("json")
}

/// The fake applies GitHub's rules the description leaves out.
#[test]
fn the_fake_applies_githubs_documented_rules() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.not_mergeable = true;
    let fake = Fake::start(st);
    let mut c = portalint::github::Client::new(&fake.url, Some(TOKEN.into()));
    c.max_attempts = 1;
    let status = |e: Result<serde_json::Value, portalint::github::ApiError>| match e {
        Err(portalint::github::ApiError::Status { status, .. }) => status,
        Err(portalint::github::ApiError::Uncertain(_)) => 500,
        Err(_) => 0,
        Ok(_) => 200,
    };
    let pulls = "/repos/acme/catalog-orders/pulls/7";
    let outside = serde_json::json!({"commit_id": r.head, "event": "COMMENT", "body": "x",
        "comments": [{"path": "openportal/team-a/WhoAmIApp/web.yaml", "line": 99, "side": "RIGHT", "body": "x"}]});
    assert_eq!(
        status(c.request("POST", &format!("{pulls}/reviews"), Some(&outside))),
        422
    );
    let inside = serde_json::json!({"commit_id": r.head, "event": "COMMENT", "body": "x",
        "comments": [{"path": "openportal/team-a/WhoAmIApp/web.yaml", "line": 2, "side": "RIGHT", "body": "x"}]});
    assert_eq!(
        status(c.request("POST", &format!("{pulls}/reviews"), Some(&inside))),
        200
    );
    let long = "x".repeat(65_537);
    let comments = "/repos/acme/catalog-orders/issues/7/comments";
    assert_eq!(
        status(c.request("POST", comments, Some(&serde_json::json!({"body": long})))),
        422
    );
    assert_eq!(
        status(c.request("POST", comments, Some(&serde_json::json!({"body": "x".repeat(65_536)})))),
        200
    );
    let who = serde_json::json!({"reviewers": ["mallory"]});
    assert_eq!(
        status(c.request("POST", &format!("{pulls}/requested_reviewers"), Some(&who))),
        422
    );
    let merge = serde_json::json!({"sha": r.head, "merge_method": "squash"});
    assert_eq!(status(c.request("PUT", &format!("{pulls}/merge"), Some(&merge))), 405);
    fake.state.lock().expect("lock").not_mergeable = false;
    let wrong = serde_json::json!({"sha": "0".repeat(40), "merge_method": "squash"});
    assert_eq!(status(c.request("PUT", &format!("{pulls}/merge"), Some(&wrong))), 409);
    fake.assert_contract();
    // Undocumented query parameters and page sizes over 100 are violations.
    let _ = c.request("GET", &format!("{pulls}/files?per_page=500"), None);
    let _ = c.request("GET", &format!("{pulls}/files?state=all"), None);
    let v = fake.state.lock().expect("lock").violations.clone();
    assert!(v.iter().any(|v| v.contains("?per_page")), "{v:#?}");
    assert!(v.iter().any(|v| v.contains("`state` is not documented")), "{v:#?}");
}

/// Identity: a marker in someone else's comment or review is ignored.
#[test]
fn a_marker_in_someone_elses_comment_or_review_is_ignored() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.comments
        .push((900, "<!-- portalint:summary -->\nall good, merge me".into()));
    st.reviews.push((
        901,
        "APPROVED".into(),
        r.head.clone(),
        "<!-- portalint:review -->\nlooks fine".into(),
    ));
    st.authors.insert(900, "mallory".into());
    st.authors.insert(901, "mallory".into());
    st.next_id = 1000;
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    let s = fake.state.lock().expect("lock");
    assert_eq!(
        s.comments[0].1, "<!-- portalint:summary -->\nall good, merge me",
        "not edited"
    );
    assert_eq!(s.comments.len(), 2, "the bot wrote its own summary");
    let own_approval = s
        .reviews
        .iter()
        .any(|(id, st, c, _)| st == "APPROVED" && c == &r.head && !s.authors.contains_key(id));
    assert!(own_approval, "the bot approved itself: {:?}", s.reviews);
    assert!(s.merged.is_some());
    drop(s);
    fake.assert_contract();
}

/// Identity: someone else's line comment carrying the bot's finding marker suppresses nothing.
#[test]
fn a_finding_marker_in_someone_elses_line_comment_suppresses_nothing() {
    let files = [("openportal/team-a/WhoAmIApp/bad.yaml", app("team-a", "bad", "many"))];
    // First learn the bot's own line comment, on a separate fake.
    let r = repo(&files);
    let mut first_state = state(&r, "alice", &["openportal/team-a/WhoAmIApp/bad.yaml"]);
    first_state.login = "portalint-bot".into();
    let first = Fake::start(first_state);
    let _ = run(&r, &first, &[]);
    let copied = first.state.lock().expect("lock").review_comments.clone();
    assert!(!copied.is_empty());
    let mut st = state(&r, "alice", &["openportal/team-a/WhoAmIApp/bad.yaml"]);
    st.login = "portalint-bot".into();
    for (i, (_, p, l, b)) in copied.iter().enumerate() {
        let id = 500 + i as u64;
        st.review_comments.push((id, p.clone(), *l, b.clone()));
        st.authors.insert(id, "mallory".into());
    }
    st.next_id = 1000;
    let fake = Fake::start(st);
    let (code, out, audit, _) = run(&r, &fake, &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(record(&audit)["login"], "portalint-bot", "identity from GET /user");
    let s = fake.state.lock().expect("lock");
    let own = s
        .review_comments
        .iter()
        .filter(|(id, ..)| !s.authors.contains_key(id))
        .count();
    assert_eq!(own, copied.len(), "the bot posted its own line comments");
    drop(s);
    fake.assert_contract();
}

/// Forks: a PR whose head repository is gone is read-only.
#[test]
fn a_pr_whose_head_repository_is_gone_is_read_only() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.head_repo_gone = true;
    let fake = Fake::start(st);
    let (code, out, _, summary) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("fork pull request"), "{out}");
    assert!(summary.contains("portalint verdict: `auto-merge`"), "{summary}");
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());
    fake.assert_contract();
}

/// Required checks: a failing status past the first page of the combined status blocks.
#[test]
fn a_failing_status_past_the_first_page_blocks_the_merge() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.statuses = (0..150).map(|i| (format!("ci/{i}"), "success".to_string())).collect();
    st.statuses.push(("ci/e2e".into(), "failure".into()));
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("waiting: checks failed: ci/e2e"), "{out}");
    assert!(fake.state.lock().expect("lock").merged.is_none());
    fake.assert_contract();
}

/// Required checks: every page of check runs is read; the bot's own check (named by
/// `--check-name`) is never waited on.
#[test]
fn check_runs_are_paged_and_the_own_check_is_not_waited_on() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.check_runs = (0..130).map(|i| (format!("job-{i}"), "success".to_string())).collect();
    st.check_runs.push(("orders-gate".into(), String::new()));
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &["--check-name", "orders-gate"]);
    assert_eq!(code, 0, "{out}");
    assert!(fake.state.lock().expect("lock").merged.is_some(), "{out}");
    fake.state.lock().expect("lock").merged = None;
    fake.state
        .lock()
        .expect("lock")
        .check_runs
        .push(("job-late".into(), "failure".into()));
    let (_, out, _, _) = run(&r, &fake, &["--check-name", "orders-gate"]);
    assert!(out.contains("checks failed: job-late"), "{out}");
    fake.assert_contract();
}

/// Robustness: a POST whose answer timed out is re-read, not repeated.
#[test]
fn a_slow_post_yields_one_summary() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.faults = vec![Fault {
        method: "POST",
        path_suffix: "/issues/7/comments",
        status: 0,
        after_effect: true,
        delay_ms: 3000,
        ..Fault::default()
    }];
    let fake = Fake::start(st);
    let (code, out, audit, _) = run(&r, &fake, &["--timeout-ms", "800"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(fake.state.lock().expect("lock").comments.len(), 1, "{out}");
    assert!(
        audit.contains("\"status\":0"),
        "the lost answer is in the record: {audit}"
    );
    fake.assert_contract();
}

/// Robustness: an idempotent PATCH answered by a 5xx is retried.
#[test]
fn a_patch_answered_by_a_5xx_is_retried() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.comments
        .push((900, "<!-- portalint:summary -->\nold verdict".into()));
    st.next_id = 1000;
    st.faults = vec![Fault {
        method: "PATCH",
        path_suffix: "/issues/comments/900",
        status: 502,
        message: "Bad Gateway",
        ..Fault::default()
    }];
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    let s = fake.state.lock().expect("lock");
    assert_eq!(s.comments.len(), 1);
    assert!(s.comments[0].1.contains("portalint verdict: `auto-merge`"), "{out}");
    drop(s);
    assert_eq!(fake.count("PATCH", "/issues/comments/900"), 2);
    fake.assert_contract();
}

fn primary_limit(reset_in: u64) -> Fault {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    Fault {
        method: "GET",
        path_suffix: "/check-runs",
        status: 403,
        message: "API rate limit exceeded for installation ID 1.",
        headers: vec![
            ("X-RateLimit-Remaining".into(), "0".into()),
            ("X-RateLimit-Reset".into(), (now + reset_in).to_string()),
        ],
        ..Fault::default()
    }
}

/// Robustness: a primary rate limit that resets soon is waited for.
#[test]
fn a_primary_rate_limit_that_resets_soon_is_waited_for() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.faults = vec![primary_limit(1)];
    let fake = Fake::start(st);
    let started = std::time::Instant::now();
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "waited for the reset"
    );
    assert!(fake.state.lock().expect("lock").merged.is_some());
    fake.assert_contract();
}

/// Robustness: a primary rate limit far away stops the run with a clear message, at once,
/// and the record is still written.
#[test]
fn a_primary_rate_limit_far_away_stops_with_a_message() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.faults = vec![primary_limit(3600)];
    let fake = Fake::start(st);
    let started = std::time::Instant::now();
    let (code, out, audit, summary) = run(&r, &fake, &[]);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("primary rate limit") && out.contains("re-run"), "{out}");
    let rec = record(&audit);
    assert!(rec["failures"].to_string().contains("primary rate limit"), "{rec}");
    assert!(summary.contains("primary rate limit"), "{summary}");
    assert!(fake.state.lock().expect("lock").merged.is_none());
    fake.assert_contract();
}

/// Robustness: a summary over GitHub's limit is truncated with a pointer, not refused.
#[test]
fn the_summary_fits_githubs_limit() {
    // Each finding quotes the order's long name: 250 of them pass GitHub's limit.
    let docs: String = (0..250)
        .map(|i| {
            format!(
                "---\n{}",
                app("team-a", &format!("bad-{i}-{}", "n".repeat(200)), "many")
            )
        })
        .collect();
    let r = repo(&[("openportal/team-a/WhoAmIApp/bad.yaml", docs)]);
    let fake = Fake::start(state(&r, "alice", &["openportal/team-a/WhoAmIApp/bad.yaml"]));
    let (code, out, _, summary) = run(&r, &fake, &[]);
    assert_eq!(code, 1, "{out}");
    let s = fake.state.lock().expect("lock");
    assert_eq!(s.comments.len(), 1, "{out}");
    let body = &s.comments[0].1;
    assert!(body.chars().count() <= 65_536);
    assert!(
        body.contains("truncated") && body.contains("job summary"),
        "{}",
        &body[body.len() - 300..]
    );
    assert!(summary.chars().count() > 65_536, "the job summary keeps everything");
    assert!(s.review_comments.len() <= 50, "line comments are capped");
    drop(s);
    fake.assert_contract();
}

/// Robustness: on a PR with thousands of findings whose messages are long and not ASCII, the
/// summary is cut by size in bytes (not only by rows), so it fits however GitHub counts its
/// 65 536 (a byte count is never below a character or UTF-16 count); the review and every
/// line comment fit too, and the job summary stays under GitHub's 1 MiB a step.
#[test]
fn five_thousand_long_findings_fit_in_bytes() {
    // Each document: a name of 400 bytes (not a DNS name, quoted by two rules) and a replica
    // count that is not a number.
    let docs: String = (0..1700)
        .map(|i| {
            format!(
                "---\n{}",
                app("team-a", &format!("bäd-{i}-{}", "ü".repeat(200)), "many")
            )
        })
        .collect();
    let r = repo(&[("openportal/team-a/WhoAmIApp/bad.yaml", docs)]);
    let fake = Fake::start(state(&r, "alice", &["openportal/team-a/WhoAmIApp/bad.yaml"]));
    let (code, out, audit, summary) = run(&r, &fake, &[]);
    assert_eq!(code, 1, "{out}");
    let _ = record(&audit);
    // `#### Findings on changed lines: ❌ portalint: N errors, …` (the record keeps the first
    // 100 reasons).
    let findings: usize = summary
        .split("Findings on changed lines: ")
        .nth(1)
        .and_then(|r| r.split("portalint: ").nth(1))
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(findings >= 5000, "{findings} findings");
    let s = fake.state.lock().expect("lock");
    assert_eq!(s.comments.len(), 1, "{out}");
    let body = &s.comments[0].1;
    assert!(body.len() <= 65_536, "the summary is {} bytes", body.len());
    assert!(body.contains("truncated") && body.contains("job summary"));
    for (_, _, _, b) in &s.reviews {
        assert!(b.len() <= 65_536, "a review body of {} bytes", b.len());
    }
    assert!(!s.review_comments.is_empty() && s.review_comments.len() <= 50);
    for (_, _, _, b) in &s.review_comments {
        assert!(b.len() <= 65_536, "a line comment of {} bytes", b.len());
    }
    assert!(summary.len() <= 1024 * 1024, "a job summary of {} bytes", summary.len());
    assert!(summary.contains("more"), "the job summary counts what it leaves out");
    drop(s);
    fake.assert_contract();
}

/// Robustness: reviewers are requested once, stale `portalint/*` labels removed.
#[test]
fn reviewers_are_requested_once_and_stale_labels_removed() {
    let r = repo(&[("openportal/team-b/WhoAmIApp/x.yaml", app("team-b", "x", "1"))]);
    let mut st = state(&r, "alice", &["openportal/team-b/WhoAmIApp/x.yaml"]);
    st.labels = vec!["portalint/waiting".into(), "portalint/hold".into(), "bug".into()];
    let fake = Fake::start(st);
    for _ in 0..2 {
        let (code, out, _, _) = run(&r, &fake, &[]);
        assert_eq!(code, 0, "{out}");
    }
    // A reviewer who reviewed (and so left the requested list) is not asked again either.
    fake.state.lock().expect("lock").requested_teams.clear();
    let (_, out, _, _) = run(&r, &fake, &[]);
    assert!(out.contains("reviewers already requested"), "{out}");
    assert_eq!(fake.count("POST", "/requested_reviewers"), 1);
    let s = fake.state.lock().expect("lock");
    assert!(!s.labels.contains(&"portalint/waiting".to_string()), "{:?}", s.labels);
    assert!(s.labels.contains(&"portalint/hold".to_string()), "a hold label stays");
    assert!(s.labels.contains(&"bug".to_string()));
    assert!(s.labels.contains(&"portalint/review-required".to_string()));
    drop(s);
    fake.assert_contract();
}

/// Robustness: an approval is never given on a commit that is no longer the head.
#[test]
fn no_approval_when_the_head_moved_during_the_run() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.push_after = Some(("/check-runs".into(), "e".repeat(40)));
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("waiting: the head moved"), "{out}");
    let s = fake.state.lock().expect("lock");
    assert!(s.reviews.iter().all(|r| r.1 != "APPROVED"), "{:?}", s.reviews);
    assert!(s.labels.contains(&"portalint/waiting".to_string()));
    drop(s);
    fake.assert_contract();
}

/// Robustness and audit: a 422 on the reviewer request does not stop the other safe
/// steps, and the record keeps it.
#[test]
fn a_refused_reviewer_request_keeps_the_rest_and_the_record() {
    let r = repo(&[("openportal/team-b/WhoAmIApp/x.yaml", app("team-b", "x", "1"))]);
    let mut st = state(&r, "alice", &["openportal/team-b/WhoAmIApp/x.yaml"]);
    st.teams.clear();
    let fake = Fake::start(st);
    let (code, out, audit, summary) = run(&r, &fake, &[]);
    assert_eq!(code, 2, "{out}");
    let s = fake.state.lock().expect("lock");
    assert!(s.labels.contains(&"portalint/review-required".to_string()), "{out}");
    assert_eq!(s.comments.len(), 1, "the summary is still posted: {out}");
    drop(s);
    let rec = record(&audit);
    assert_eq!(rec["decision"], "review-required");
    assert!(
        rec["calls"]
            .to_string()
            .contains("requested_reviewers\",\"status\":422"),
        "{rec}"
    );
    assert!(rec["failures"].to_string().contains("requesting reviewers"), "{rec}");
    assert!(summary.contains("Failed step"), "{summary}");
    fake.assert_contract();
}

/// Liveness: a check still running is said (summary line, label); the re-run after it
/// completes merges and clears the label.
#[test]
fn waiting_for_a_running_check_is_visible_and_ends() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.check_runs.push(("e2e".into(), String::new()));
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    {
        let s = fake.state.lock().expect("lock");
        assert!(
            s.comments[0].1.contains("waiting: checks still running: e2e"),
            "{}",
            s.comments[0].1
        );
        assert!(s.labels.contains(&"portalint/waiting".to_string()), "{:?}", s.labels);
        assert!(s.merged.is_none());
    }
    fake.state.lock().expect("lock").check_runs.last_mut().expect("e2e").1 = "success".into();
    // The bot's own label change is not a PR edit GitHub tracks here: the fake's PR
    // carries the label, as GitHub's would.
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    let s = fake.state.lock().expect("lock");
    assert!(s.merged.is_some(), "{out}");
    assert!(!s.labels.contains(&"portalint/waiting".to_string()), "{:?}", s.labels);
    assert!(s.comments[0].1.contains("merged"), "{}", s.comments[0].1);
    drop(s);
    fake.assert_contract();
}

/// Liveness: a merge method the repository does not allow is said, with what to do.
#[test]
fn a_merge_method_not_allowed_is_said() {
    let r = repo(&clean_order());
    let mut st = clean_state(&r);
    st.merge_methods = vec!["merge".into()];
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("merge method `squash` is not allowed"), "{out}");
    let s = fake.state.lock().expect("lock");
    assert!(s.labels.contains(&"portalint/waiting".to_string()));
    assert!(s.comments[0].1.contains("merge-method"), "{}", s.comments[0].1);
    drop(s);
    fake.assert_contract();
}

/// Liveness: an ordinary rename gets a verdict, not a "stale clone" error.
#[test]
fn a_renamed_order_gets_a_verdict() {
    let r = repo(&clean_order());
    git(&r.path, &["checkout", "-q", "-b", "rename"]);
    git(
        &r.path,
        &[
            "mv",
            "openportal/team-a/WhoAmIApp/demo.yaml",
            "openportal/team-a/WhoAmIApp/demo-app.yaml",
        ],
    );
    git(&r.path, &["commit", "-qm", "rename"]);
    let head = rev(&r.path, "HEAD");
    let new = "openportal/team-a/WhoAmIApp/demo-app.yaml";
    let mut st = state(&r, "alice", &["openportal/team-a/WhoAmIApp/web.yaml", new]);
    st.head_sha = head;
    st.renamed
        .insert(new.into(), "openportal/team-a/WhoAmIApp/demo.yaml".into());
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_ne!(code, 2, "{out}");
    assert!(!out.contains("is not the PR's"), "{out}");
    assert_eq!(fake.state.lock().expect("lock").comments.len(), 1, "{out}");
    fake.assert_contract();
}

/// Liveness: a symlink in the PR gets a verdict, not a "stale clone" error.
#[test]
fn a_symlink_in_the_pr_gets_a_verdict() {
    let r = repo(&clean_order());
    git(&r.path, &["checkout", "-q", "-b", "link"]);
    std::os::unix::fs::symlink("demo.yaml", r.path.join("openportal/team-a/WhoAmIApp/alias.yaml")).expect("symlink");
    git(&r.path, &["add", "-A"]);
    git(&r.path, &["commit", "-qm", "link"]);
    let mut st = state(
        &r,
        "alice",
        &[
            "openportal/team-a/WhoAmIApp/web.yaml",
            "openportal/team-a/WhoAmIApp/alias.yaml",
        ],
    );
    st.head_sha = rev(&r.path, "HEAD");
    let fake = Fake::start(st);
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_ne!(code, 2, "{out}");
    assert!(!out.contains("is not the PR's"), "{out}");
    fake.assert_contract();
}

/// Liveness: a push while the bot runs (the PR's files change with it) is a visible re-run
/// state, not a "stale clone" error.
#[test]
fn a_push_during_the_run_is_a_rerun_state() {
    let r = repo(&clean_order());
    let mut st = state(
        &r,
        "alice",
        &[
            "openportal/team-a/WhoAmIApp/web.yaml",
            "openportal/team-a/WhoAmIApp/later.yaml",
        ],
    );
    st.push_after = Some(("/pulls/7".into(), "d".repeat(40)));
    let fake = Fake::start(st);
    let (code, out, audit, summary) = run(&r, &fake, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("re-run") && out.contains(&"d".repeat(40)), "{out}");
    assert!(summary.contains("Waiting"), "{summary}");
    assert!(record(&audit)["waiting"].as_str().is_some(), "{audit}");
    assert!(fake.writes().is_empty());
    fake.assert_contract();
}

/// Audit: an error before any API call still leaves a record and a job summary.
#[test]
fn an_early_error_still_writes_the_record_and_the_job_summary() {
    let r = repo(&clean_order());
    let dir = r.path.parent().expect("parent");
    let (audit, summary) = (dir.join("early.jsonl"), dir.join("early.md"));
    let out = std::process::Command::new(bin())
        .args(["pr", "--repo", "acme/catalog-orders", "--pr", "7"])
        .args(["--token-env", "ghp_0123456789abcdefghij0123", "--audit-file"])
        .arg(&audit)
        .current_dir(&r.path)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("GITHUB_EVENT_PATH")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let audit = std::fs::read_to_string(&audit).unwrap_or_default();
    let summary = std::fs::read_to_string(&summary).unwrap_or_default();
    assert!(!audit.contains("ghp_") && !summary.contains("ghp_"));
    let rec = record(&audit);
    assert!(
        rec["error"].as_str().is_some_and(|e| e.contains("--token-env")),
        "{rec}"
    );
    assert_eq!(rec["calls"], serde_json::json!([]));
    assert!(summary.contains("no verdict") && summary.contains("Error"), "{summary}");
}

/// The example workflows (docs/workflows) are safe by construction: a job holding a write
/// token runs only on events that take the workflow from the default branch, checks out no
/// head, builds and runs nothing; the PR-triggered ones hold no write permission; every
/// third-party action is pinned by commit SHA; the bot re-runs on the events that end a
/// wait and its concurrency never cancels an evaluation.
#[test]
fn example_workflows_are_safe_by_construction() {
    let dir = root().join("docs/workflows");
    let mut seen = 0;
    let pinned = regex::Regex::new(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$").expect("regex");
    let expr = regex::Regex::new(r"\$\{\{[^}]*\}\}").expect("regex");
    for entry in std::fs::read_dir(&dir).expect("docs/workflows") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let parsed = portalint::yaml::parse(&text);
        assert!(parsed.problems.is_empty(), "{}: {:?}", path.display(), parsed.problems);
        let doc = parsed.docs[0].root.to_json();
        let name = path.display().to_string();
        seen += 1;
        let on = doc.get("on").expect("on:");
        let events: Vec<String> = match on {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
            serde_json::Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        };
        let runs_pr_file = events.iter().any(|e| {
            matches!(
                e.as_str(),
                "pull_request" | "pull_request_review" | "pull_request_review_comment"
            )
        });
        let writes = |perms: &serde_json::Value| {
            perms.as_object().is_some_and(|m| m.values().any(|v| v == "write")) || perms.as_str() == Some("write-all")
        };
        for (job_id, job) in doc["jobs"].as_object().expect("jobs") {
            let write = writes(&job["permissions"]) || writes(&doc["permissions"]);
            if runs_pr_file {
                // security-events: write only uploads SARIF; nothing else may be writable.
                let ok = job["permissions"].is_null()
                    && doc["permissions"]
                        .as_object()
                        .is_some_and(|m| m.iter().all(|(k, v)| v != "write" || k == "security-events"));
                assert!(ok, "{name} `{job_id}`: a workflow the PR controls holds a write token");
            }
            for step in job["steps"].as_array().expect("steps") {
                if let Some(uses) = step["uses"].as_str() {
                    assert!(
                        pinned.is_match(uses) || uses == "open-service-portal/portalint@<commit-sha>",
                        "{name}: `{uses}` is not pinned by commit SHA"
                    );
                    if uses.starts_with("actions/checkout@") && write {
                        let r = step["with"]["ref"].as_str().unwrap_or("");
                        assert!(
                            !r.contains("head") && !r.contains("refs/pull"),
                            "{name}: the write job checks out the head"
                        );
                    }
                }
                if let Some(script) = step["run"].as_str() {
                    if write {
                        for word in ["cargo", "make ", "npm", "source ", ". ./", "./", "bash -c", "rustup"] {
                            assert!(!script.contains(word), "{name}: the write job runs `{word}`");
                        }
                    }
                    assert!(
                        !script.contains("${{"),
                        "{name}: an expression inside a script (use env)"
                    );
                    let script = expr.replace_all(script, "x");
                    let out = std::process::Command::new("bash")
                        .args(["-n", "-c", &script])
                        .output()
                        .expect("bash");
                    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
                }
            }
        }
        if name.ends_with("portalint-bot.yml") {
            for e in [
                "pull_request_target",
                "workflow_run",
                "check_suite",
                "check_run",
                "status",
            ] {
                assert!(events.iter().any(|x| x == e), "{name}: no `{e}` trigger");
            }
            let types = on["pull_request_target"]["types"].to_string();
            for t in ["synchronize", "unlabeled", "labeled", "ready_for_review", "reopened"] {
                assert!(types.contains(t), "{name}: pull_request_target lacks `{t}`");
            }
            assert_eq!(doc["concurrency"]["cancel-in-progress"], false, "{name}");
            let group = doc["concurrency"]["group"].as_str().expect("group");
            assert!(group.contains("pull_request.number") && group.contains("workflow_run.pull_requests"));
            let steps = doc["jobs"]["bot"]["steps"].to_string();
            assert!(
                steps.contains("check-name") && steps.contains("portalint-bot"),
                "{name}"
            );
        }
    }
    assert!(seen >= 3, "the example workflows are missing");
}

/// A `workflow_run` event (how the review relay and other workflows end a wait) names the PR.
#[test]
fn reads_the_pr_number_from_a_workflow_run_event() {
    let r = repo(&clean_order());
    let fake = Fake::start(clean_state(&r));
    let event_path = r.path.parent().expect("parent").join("workflow_run.json");
    let event = serde_json::json!({
        "action": "completed",
        "workflow_run": {"pull_requests": [{"number": 7, "head": {"sha": r.head}}]},
        "repository": {"full_name": "acme/catalog-orders"},
    });
    std::fs::write(&event_path, event.to_string()).expect("write");
    let out = std::process::Command::new(bin())
        .args(["pr", "--api-url", &fake.url, "--token-env", "PORTALINT_TEST_TOKEN"])
        .args(["--xrds", &xrd_source()])
        .current_dir(&r.path)
        .env("PORTALINT_TEST_TOKEN", TOKEN)
        .env("GITHUB_EVENT_PATH", &event_path)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("PORTALINT_PR")
        .output()
        .expect("run");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(fake.state.lock().expect("lock").merged.is_some(), "{text}");
    fake.assert_contract();
}

/// The fingerprint in a line comment's marker (`<!-- portalint:finding FP -->`).
fn marker_key(body: &str) -> String {
    body.split("<!-- portalint:finding ")
        .nth(1)
        .and_then(|b| b.split(' ').next())
        .expect("a finding marker")
        .to_string()
}

/// Line comments carry the one fingerprint (SARIF's `partialFingerprints`, the baseline), and
/// a finding whose lines moved keeps its comment: the rerun posts no second one.
#[test]
fn a_moved_finding_keeps_its_line_comment_under_the_sarif_fingerprint() {
    let file = "openportal/team-a/WhoAmIApp/bad.yaml";
    let r = repo(&[(file, app("team-a", "bad", "many"))]);
    let fake = Fake::start(state(&r, "alice", &[file]));
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 1, "{out}");
    let first = fake.state.lock().expect("lock").review_comments.clone();
    assert_eq!(first.len(), 1, "{first:?}");
    let key = marker_key(&first[0].3);
    let sarif = std::process::Command::new(bin())
        .args(["check", "--xrds", &xrd_source(), "--format", "sarif", file])
        .current_dir(&r.path)
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let fp: Vec<&str> = results
        .iter()
        .filter(|x| x["ruleId"] == "x-xr-schema")
        .filter_map(|x| x["partialFingerprints"]["portalint/v1"].as_str())
        .collect();
    assert_eq!(fp, [key.as_str()], "the line comment's key is the SARIF fingerprint");

    // Lines added above the finding: it moves from line 10 to line 13.
    write(
        &r.path,
        file,
        &format!("# moved\n# down\n# three lines\n{}", app("team-a", "bad", "many")),
    );
    git(&r.path, &["commit", "-qam", "comments above"]);
    let head = rev(&r.path, "HEAD");
    {
        let mut s = fake.state.lock().expect("lock");
        s.head_sha = head;
        s.patches.insert(file.to_string(), patch(&r.path, file));
    }
    let (code, out, _, _) = run(&r, &fake, &[]);
    assert_eq!(code, 1, "{out}");
    let s = fake.state.lock().expect("lock");
    assert_eq!(
        s.review_comments.len(),
        1,
        "no second comment for the moved finding: {:?}",
        s.review_comments
    );
    drop(s);
    fake.assert_contract();
}
