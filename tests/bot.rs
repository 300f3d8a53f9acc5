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
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portalint"))
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
    assert!(record["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')), "{record}");
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
    eprintln!("a typical auto-merge run made {} API requests:\n{}", calls.len(), calls.join("\n"));
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
