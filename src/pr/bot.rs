//! `portalint pr`: the PR bot. Reads the event and the PR, runs the check and the verdict on
//! the post-merge tree (policy from the base), then acts through the GitHub API: line
//! comments on changed lines inside the PR's diff, REQUEST_CHANGES on reject, CODEOWNERS
//! reviewers (once) and `portalint/*` labels on review-required, and on auto-merge — after
//! every other check and status on the head SHA succeeded — an approval and a merge pinned
//! to the evaluated SHA; last, one summary comment saying what was done or waited for. The
//! bot's own comments are those its login wrote *and* that carry its marker. A fork PR is
//! read-only. Every run appends one audit record and writes the job summary
//! ([`crate::pr::audit`]), on every exit path.

use crate::cli::PrArgs;
use crate::error::{AppError, EXIT_ERROR};
use crate::gate::Decision;
use crate::pr::audit::{self, Record};
use crate::pr::github::{ApiError, Client};
use crate::pr::summary::{self, shorten, MAX_BODY};
use crate::report::{self, Format, Located};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Marks the bot's summary comment.
pub const SUMMARY_MARKER: &str = "<!-- portalint:summary -->";
/// Marks the bot's reviews.
pub const REVIEW_MARKER: &str = "<!-- portalint:review -->";
/// Starts the marker of a line comment (followed by the finding's fingerprint).
pub const FINDING_MARKER: &str = "<!-- portalint:finding ";
/// Starts the marker, in the summary, of the reviewers the bot has requested.
const REQUESTED_MARKER: &str = "<!-- portalint:requested ";
/// Labels that stop an auto-merge (set by people; the bot never removes them).
const HOLD_LABELS: &[&str] = &["do-not-merge", "hold", "portalint/hold"];
/// The label of an auto-merge PR the bot did not merge yet, for a transient reason.
pub const WAITING_LABEL: &str = "portalint/waiting";
/// The identity of the workflow's own token (`GITHUB_TOKEN`).
const ACTIONS_LOGIN: &str = "github-actions[bot]";
/// The most line comments one run posts (the rest are in the summary).
const MAX_LINE_COMMENTS: usize = 50;
/// The most names an action or status line lists.
const MAX_NAMES: usize = 10;

/// The PR as the bot needs it.
#[derive(Debug, Clone, Default)]
pub struct PullRequest {
    /// Its number.
    pub number: u64,
    /// The head commit.
    pub head_sha: String,
    /// The head branch name.
    pub head_ref: String,
    /// `owner/name` of the head repository (empty when it is gone: `head.repo: null`).
    pub head_repo: String,
    /// The base branch name.
    pub base_ref: String,
    /// The base commit GitHub knows.
    pub base_sha: String,
    /// `owner/name` of the base repository.
    pub base_repo: String,
    /// The author's login.
    pub author: String,
    /// Draft?
    pub draft: bool,
    /// Label names.
    pub labels: Vec<String>,
    /// Already merged?
    pub merged: bool,
    /// Open?
    pub open: bool,
}

impl PullRequest {
    /// From a REST `pull-request` object (or the event's `pull_request`).
    pub fn from_json(v: &Value) -> PullRequest {
        let s = |p: &[&str]| {
            p.iter()
                .try_fold(v, |v, k| v.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        PullRequest {
            number: v.get("number").and_then(Value::as_u64).unwrap_or(0),
            head_sha: s(&["head", "sha"]),
            head_ref: s(&["head", "ref"]),
            head_repo: s(&["head", "repo", "full_name"]),
            base_ref: s(&["base", "ref"]),
            base_sha: s(&["base", "sha"]),
            base_repo: s(&["base", "repo", "full_name"]),
            author: s(&["user", "login"]),
            draft: v.get("draft").and_then(Value::as_bool).unwrap_or(false),
            labels: v
                .get("labels")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|l| l.get("name").and_then(Value::as_str).map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
            merged: v.get("merged").and_then(Value::as_bool).unwrap_or(false),
            open: s(&["state"]) != "closed",
        }
    }

    /// True when the head does not live in the base repository: another repository, or
    /// one that is gone (`head.repo: null`). Such a PR gets read-only behaviour.
    pub fn is_fork(&self) -> bool {
        self.head_repo.is_empty() || !self.head_repo.eq_ignore_ascii_case(&self.base_repo)
    }
}

/// What one run of the bot did, for the tests.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Run {
    /// The decision.
    pub decision: Option<Decision>,
    /// The evaluated head SHA.
    pub head_sha: String,
    /// Actions taken or skipped, in order (`summary comment created`, `merged …`).
    pub actions: Vec<String>,
    /// Why an auto-merge PR was not merged this time (transient), if it was not.
    pub waiting: Option<String>,
    /// Steps that failed; the run went on with the safe ones and exits 2.
    pub failures: Vec<String>,
}

/// Runs the bot; returns the exit code (0 auto-merge or review-required, 1 reject, 2 error
/// or a failed step).
pub fn run(args: &PrArgs, out: &mut dyn Write) -> u8 {
    match pr(args, out) {
        Ok(o) if !o.failures.is_empty() => {
            for f in &o.failures {
                eprintln!("error: {}", report::escape::line(f));
            }
            EXIT_ERROR
        }
        Ok(o) => match o.decision {
            Some(Decision::Reject) => 1,
            _ => 0,
        },
        Err(e) => {
            crate::error::print_error(&e);
            EXIT_ERROR
        }
    }
}

/// True for a portable environment variable name (`[A-Za-z_][A-Za-z0-9_]*`) that does not
/// look like a token: no credential shape ([`crate::pr::github::redact`] leaves it alone), and
/// not a long mixed-case run such as a pasted secret (variable names are short or upper case).
fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    let portable = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    let mixed_case = name.chars().any(|c| c.is_ascii_lowercase()) && name.chars().any(|c| c.is_ascii_uppercase());
    portable && crate::pr::github::redact(name, None) == name && !(mixed_case && name.len() >= 20)
}

fn usage(m: impl Into<String>) -> AppError {
    AppError::Usage(m.into())
}

fn api_err(e: ApiError) -> AppError {
    AppError::Usage(e.to_string())
}

fn error_text(e: &AppError) -> String {
    match e {
        AppError::Usage(m) => m.clone(),
        AppError::Internal(m) => format!("internal error: {m}"),
        AppError::Config(c) => format!(
            "invalid config {code0}: {}",
            c.message,
            code0 = crate::parse::text::code(&c.path.display())
        ),
    }
}

/// The state of one run, kept outside the fallible part so the record survives an error.
#[derive(Default)]
struct Session {
    client: Option<Client>,
    record: Record,
    run: Run,
}

impl Session {
    fn act(&mut self, action: impl Into<String>) {
        self.run.actions.push(action.into());
    }

    fn fail(&mut self, step: &str, e: impl std::fmt::Display) {
        self.run.failures.push(format!("{step}: {e}"));
    }

    fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("the client is made before any call")
    }
}

/// The bot (library entry point for tests). The audit record and the job summary are
/// written whatever happens.
pub fn pr(args: &PrArgs, out: &mut dyn Write) -> Result<Run, AppError> {
    let mut session = Session::default();
    let result = drive(args, &mut session, out);
    session.record.actions = session.run.actions.clone();
    session.record.waiting = session.run.waiting.clone();
    session.record.failures = session.run.failures.clone();
    session
        .record
        .head_sha
        .get_or_insert_with(|| session.run.head_sha.clone());
    if let Err(e) = &result {
        session.record.error = Some(error_text(e));
    }
    let written = finish(args, &session, out);
    result?;
    written?;
    Ok(session.run)
}

fn read_event(args: &PrArgs) -> Result<Option<Value>, AppError> {
    let Some(p) = args
        .event
        .clone()
        .or_else(|| std::env::var_os("GITHUB_EVENT_PATH").map(PathBuf::from))
    else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&p).map_err(|e| {
        usage(format!(
            "cannot read the event {code0}: {e}",
            code0 = crate::parse::text::code(&p.display())
        ))
    })?;
    serde_json::from_str(&text).map(Some).map_err(|e| {
        usage(format!(
            "the event {code0} is not JSON: {e}",
            code0 = crate::parse::text::code(&p.display())
        ))
    })
}

/// The PR an event is about: a `pull_request`/`pull_request_target` payload, or the first
/// PR of a `check_suite`, `check_run` or `workflow_run` (the events that end a wait).
fn event_pr_number(event: &Value) -> Option<u64> {
    if let Some(n) = event.pointer("/pull_request/number").and_then(Value::as_u64) {
        return Some(n);
    }
    ["check_suite", "check_run", "workflow_run"].iter().find_map(|k| {
        event
            .get(*k)?
            .get("pull_requests")?
            .as_array()?
            .first()?
            .get("number")?
            .as_u64()
    })
}

fn drive(args: &PrArgs, s: &mut Session, out: &mut dyn Write) -> Result<(), AppError> {
    if !is_env_name(&args.token_env) {
        // Most likely a token pasted where its variable's name belongs: never echo it.
        return Err(usage(
            "`--token-env` takes the name of an environment variable (such as GITHUB_TOKEN), \
             not a token; the value given is not shown",
        ));
    }
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let event = read_event(args)?;
    let event_pr = event.as_ref().and_then(|e| e.get("pull_request"));
    let repo = args
        .repo
        .clone()
        .or_else(|| {
            event
                .as_ref()
                .and_then(|e| e.pointer("/repository/full_name")?.as_str().map(String::from))
        })
        .or_else(|| std::env::var("GITHUB_REPOSITORY").ok())
        .ok_or_else(|| usage("which repository? pass --repo owner/name (or run on a pull_request event)"))?;
    s.record.repository = Some(repo.clone());
    let number = args
        .pr
        .or_else(|| event.as_ref().and_then(event_pr_number))
        .ok_or_else(|| {
            usage(
                "which pull request? pass --pr N (or $PORTALINT_PR), or run on a pull_request(_target), \
                 check_suite, check_run or workflow_run event of a pull request",
            )
        })?;
    s.record.pr = Some(number);
    let api = args
        .api_url
        .clone()
        .or_else(|| std::env::var("GITHUB_API_URL").ok())
        .unwrap_or_else(|| "https://api.github.com".to_string());
    crate::pr::github::check_api_url(&api).map_err(usage)?;
    let token = std::env::var(&args.token_env).ok().filter(|t| !t.is_empty());
    let timeout = std::time::Duration::from_millis(args.timeout_ms.unwrap_or(60_000));
    let mut client = Client::with_timeout(&api, token.clone(), timeout);
    if let Some(ms) = args.retry_base_ms {
        client.backoff = std::time::Duration::from_millis(ms);
    }
    if let Some(secs) = args.max_wait_s {
        client.max_wait = std::time::Duration::from_secs(secs);
    }
    s.client = Some(client);
    let base_path = format!("/repos/{repo}/pulls/{number}");

    // 1. The PR: from the API when there is a token, else from the event.
    let pull = match (&token, event_pr) {
        (Some(_), _) => PullRequest::from_json(&s.client().request("GET", &base_path, None).map_err(api_err)?),
        (None, Some(p)) => PullRequest::from_json(p),
        (None, None) => {
            return Err(usage(format!(
                "no token in ${} and no event to read the PR from",
                args.token_env
            )))
        }
    };
    if pull.head_sha.is_empty() {
        return Err(usage("the pull request has no head SHA"));
    }
    s.run.head_sha = pull.head_sha.clone();
    s.record.head_sha = Some(pull.head_sha.clone());
    s.record.base_sha = Some(pull.base_sha.clone());
    if !pull.open || pull.merged {
        s.act("nothing to do: the pull request is closed");
        return Ok(());
    }
    let fork = pull.is_fork();
    let can_write = token.is_some() && !args.dry_run && !fork;

    // 2. The local clone must hold the head; a push after the event is a re-run state.
    let git = crate::git::Repository::open(&root).map_err(AppError::Usage)?;
    let base = [
        format!("origin/{}", pull.base_ref),
        pull.base_ref.clone(),
        pull.base_sha.clone(),
    ]
    .into_iter()
    .find(|r| !r.is_empty() && git.commit(r).is_ok())
    .ok_or_else(|| {
        usage(format!(
            "the base {code0} is not in the local clone (fetch it: actions/checkout with fetch-depth: 0)",
            code0 = crate::parse::text::code(&pull.base_ref)
        ))
    })?;
    if git.commit(&pull.head_sha).is_err() {
        let event_head = event_pr.and_then(|p| p.pointer("/head/sha")?.as_str()).unwrap_or("");
        if !event_head.is_empty() && event_head != pull.head_sha {
            return rerun(s, &pull.head_sha);
        }
        return Err(usage(format!(
            "the head {} is not in the local clone (fetch it first)",
            pull.head_sha
        )));
    }

    // 3. Check and verdict on the post-merge tree (policy and CODEOWNERS from the base).
    let verdict_args = crate::cli::VerdictArgs {
        path: Some(root.clone()),
        base: base.clone(),
        head: Some(pull.head_sha.clone()),
        author: Some(pull.author.clone()),
        branch: Some(pull.head_ref.clone()),
        target_branch: Some(pull.base_ref.clone()),
        config: args.config.clone(),
        format: crate::cli::OutputFormat::Json,
        xrds: args.xrds.clone(),
        cache_dir: None,
        offline: false,
        baseline: args.baseline.clone(),
    };
    let report = crate::pr::verdict::verdict(&verdict_args)?;
    let decision = report.decision;
    s.run.decision = Some(decision);
    s.record.decision = Some(decision.as_str());
    s.record.base_sha = Some(report.base_commit.clone());
    s.record.policy_commit = Some(report.base_commit.clone());
    s.record.reasons = report
        .verdict
        .reasons
        .iter()
        .take(100)
        .map(|r| json!({"code": r.code.as_str(), "decision": r.decision.as_str(), "message": summary::clip(&r.message, 300)}))
        .collect();
    s.record.summary = Some(summary::markdown(&report, &[]));

    // 4. The PR's files must be the local diff: else the clone is stale. A push between
    // reading the PR and its files is a re-run state, not an error.
    let mut diff_lines = HashMap::new();
    if token.is_some() {
        let files = s.client().get_all(&format!("{base_path}/files")).map_err(api_err)?;
        let mut ours: BTreeSet<&str> = report.verdict.changes.iter().map(|(_, p)| p.as_str()).collect();
        ours.extend(report.special.iter().map(String::as_str));
        if let Err(m) = same_files(&files, &ours) {
            let now = PullRequest::from_json(&s.client().request("GET", &base_path, None).map_err(api_err)?);
            if now.head_sha != pull.head_sha {
                return rerun(s, &now.head_sha);
            }
            return Err(usage(format!(
                "the local diff is not the PR's ({m}): fetch the PR's head and base"
            )));
        }
        diff_lines = right_lines(&files);
    }
    let findings = &report.changed_line_findings;
    if !can_write {
        // Annotations and the job summary only.
        report::render(Format::Github, findings, &report.changed_line_summary, false, out)
            .map_err(|e| usage(e.to_string()))?;
        s.act(if args.dry_run {
            "dry run: no API writes"
        } else if fork {
            "fork pull request (its head is another repository, or gone): read-only, annotations and job summary only"
        } else {
            "no token: annotations and job summary only"
        });
        return Ok(());
    }

    // 5. Who the bot is: its comments and reviews are those this login wrote.
    let login = identity(s, args)?;
    s.record.login = Some(login.clone());
    let ctx = Ctx {
        repo: &repo,
        base_path: &base_path,
        issue_path: format!("/repos/{repo}/issues/{number}"),
        pull: &pull,
        login: &login,
    };
    let own_summary = match s.client().get_all(&format!("{}/comments", ctx.issue_path)) {
        Ok(comments) => Ok(find_summary(&comments, &login)),
        Err(e) => Err(e),
    };
    let reviews = s.client().get_all(&format!("{base_path}/reviews"));

    // 6. Line comments for new findings inside the diff; REQUEST_CHANGES on reject.
    match &reviews {
        Ok(reviews) => {
            if let Err(e) = review_findings(s, &ctx, reviews, decision, findings, &diff_lines) {
                s.fail("line comments", e);
            }
        }
        Err(e) => s.fail("reading the reviews", e.clone()),
    }

    // 7. Act on the decision.
    let mut labels: Vec<String> = Vec::new();
    let mut status: Vec<String> = Vec::new();
    let mut requested_line = None;
    match decision {
        Decision::AutoMerge => {
            let reviews = reviews.as_ref().map(Vec::as_slice).unwrap_or_default();
            match auto_merge(s, &ctx, args, reviews) {
                Ok(Merge::Merged(m)) => status.push(m),
                Ok(Merge::Waiting(w)) => {
                    status.push(format!("waiting: {w}"));
                    s.run.waiting = Some(w);
                    labels.push(WAITING_LABEL.into());
                }
                Err(e) => {
                    s.fail("merge", e);
                    status.push("not merged: a step failed (see the job summary)".into());
                }
            }
        }
        Decision::ReviewRequired => {
            labels.push("portalint/review-required".into());
            labels.extend(
                report
                    .verdict
                    .reasons
                    .iter()
                    .map(|r| format!("portalint/{}", r.code.as_str().to_lowercase())),
            );
            let before = own_summary
                .as_ref()
                .ok()
                .and_then(|o| o.as_ref())
                .map(|(_, b)| requested_before(b))
                .unwrap_or_default();
            match request_reviewers(s, &ctx, &report, reviews.as_ref().ok(), before) {
                Ok(line) => requested_line = line,
                Err(e) => s.fail("requesting reviewers", e),
            }
        }
        Decision::Reject => {}
    }

    // 8. Labels: the ones that apply are added, stale `portalint/*` ones removed.
    if let Err(e) = sync_labels(s, &ctx, labels) {
        s.fail("labels", e);
    }

    // 9. The summary comment, last: it says what this run did or waits for.
    let markdown = summary::markdown(&report, &status);
    let body = summary_body(&markdown, requested_line.as_deref());
    s.record.summary = Some(markdown);
    match own_summary {
        Ok(existing) => {
            if let Err(e) = upsert_summary(s, &ctx, existing, &body) {
                s.fail("summary comment", e);
            }
        }
        Err(e) => s.fail("reading the comments", e),
    }
    Ok(())
}

/// The head moved during the run: say so (job summary, audit, output) and leave the
/// decision to the run of the new head.
fn rerun(s: &mut Session, new_head: &str) -> Result<(), AppError> {
    let w = format!(
        "the head moved to {new_head} during the run; the run for that push decides (re-run this job if none starts)"
    );
    s.act(format!("re-run: {w}"));
    s.run.waiting = Some(w);
    Ok(())
}

/// The PR's files (and the old names of renamed ones) against the local diff.
fn same_files(files: &[Value], ours: &BTreeSet<&str>) -> Result<(), String> {
    let theirs: BTreeSet<&str> = files.iter().filter_map(|f| f.get("filename")?.as_str()).collect();
    let old: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.get("previous_filename")?.as_str())
        .collect();
    let missing: Vec<&str> = theirs.iter().filter(|f| !ours.contains(*f)).copied().collect();
    let extra: Vec<&str> = ours
        .iter()
        .filter(|f| !theirs.contains(*f) && !old.contains(*f))
        .copied()
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return Ok(());
    }
    let names = |v: &[&str]| {
        shorten(
            &v.iter().map(|s| crate::parse::text::code(&s)).collect::<Vec<_>>(),
            MAX_NAMES,
        )
    };
    Err(format!(
        "{} file(s) of the PR not in the local diff{}{}, {} local change(s) not in the PR{}{}",
        missing.len(),
        if missing.is_empty() { "" } else { ": " },
        names(&missing),
        extra.len(),
        if extra.is_empty() { "" } else { ": " },
        names(&extra)
    ))
}

/// The head-side lines of each file's diff (`patch` hunks): GitHub takes a line comment only
/// on one of them.
fn right_lines(files: &[Value]) -> HashMap<String, Vec<(u64, u64)>> {
    let mut out = HashMap::new();
    for f in files {
        let (Some(name), Some(patch)) = (
            f.get("filename").and_then(Value::as_str),
            f.get("patch").and_then(Value::as_str),
        ) else {
            continue;
        };
        out.insert(name.to_string(), hunks(patch));
    }
    out
}

/// `@@ -a,b +c,d @@` → `(c, c + d - 1)` for every hunk of a unified diff.
pub fn hunks(patch: &str) -> Vec<(u64, u64)> {
    patch
        .lines()
        .filter_map(|l| {
            let plus = l.strip_prefix("@@ ")?.split(' ').nth(1)?.strip_prefix('+')?;
            let (start, len) = match plus.split_once(',') {
                Some((s, n)) => (s.parse::<u64>().ok()?, n.parse::<u64>().ok()?),
                None => (plus.parse::<u64>().ok()?, 1),
            };
            (len > 0).then(|| (start, start + len - 1))
        })
        .collect()
}

/// The login the bot writes as: `--bot-login`, else the token's user, else (the workflow's
/// token, which `GET /user` refuses) `github-actions[bot]`.
fn identity(s: &mut Session, args: &PrArgs) -> Result<String, AppError> {
    if let Some(l) = args.bot_login.as_ref().filter(|l| !l.is_empty()) {
        return Ok(l.clone());
    }
    match s.client().request("GET", "/user", None) {
        Ok(v) => v
            .get("login")
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or_else(|| usage("GET /user answered without a login")),
        Err(ApiError::Status { status: 401 | 403, .. }) => {
            s.act(format!(
                "identity: {ACTIONS_LOGIN} (the token cannot read /user: an installation token; an app's token needs --bot-login)"
            ));
            Ok(ACTIONS_LOGIN.into())
        }
        Err(e) => Err(api_err(e)),
    }
}

/// Written by `login`?
fn by(v: &Value, login: &str) -> bool {
    v.pointer("/user/login")
        .and_then(Value::as_str)
        .is_some_and(|l| l.eq_ignore_ascii_case(login))
}

/// What the bot's steps share.
struct Ctx<'a> {
    repo: &'a str,
    base_path: &'a str,
    issue_path: String,
    pull: &'a PullRequest,
    login: &'a str,
}

/// The bot's own summary comment: written by its login and carrying the marker.
fn find_summary(comments: &[Value], login: &str) -> Option<(u64, String)> {
    comments.iter().find_map(|c| {
        let b = c.get("body")?.as_str()?;
        let id = c.get("id")?.as_u64()?;
        (by(c, login) && b.contains(SUMMARY_MARKER)).then(|| (id, b.to_string()))
    })
}

fn upsert_summary(s: &mut Session, ctx: &Ctx, existing: Option<(u64, String)>, body: &str) -> Result<(), ApiError> {
    let comments_path = format!("{}/comments", ctx.issue_path);
    match existing {
        Some((_, old)) if old == body => s.act("summary comment up to date"),
        Some((id, _)) => {
            // A PATCH is idempotent: the client retries it after a 5xx.
            s.client().request(
                "PATCH",
                &format!("/repos/{}/issues/comments/{id}", ctx.repo),
                Some(&json!({"body": body})),
            )?;
            s.act("summary comment updated");
        }
        None => match s.client().request("POST", &comments_path, Some(&json!({"body": body}))) {
            Ok(_) => s.act("summary comment created"),
            Err(ApiError::Uncertain(m)) => {
                // The comment may exist: look before writing again.
                let comments = s.client().get_all(&comments_path)?;
                if find_summary(&comments, ctx.login).is_some() {
                    s.act(format!("summary comment created (the answer was lost: {m})"));
                } else {
                    s.client()
                        .request("POST", &comments_path, Some(&json!({"body": body})))?;
                    s.act("summary comment created (second attempt)");
                }
            }
            Err(e) => return Err(e),
        },
    }
    Ok(())
}

/// The bot's own review of `state` on the head: by its login, with its marker.
fn own_review(reviews: &[Value], login: &str, state: &str, sha: &str) -> bool {
    reviews.iter().any(|r| {
        r.get("state").and_then(Value::as_str) == Some(state)
            && r.get("commit_id").and_then(Value::as_str) == Some(sha)
            && by(r, login)
            && r.get("body")
                .and_then(Value::as_str)
                .is_some_and(|b| b.contains(REVIEW_MARKER))
    })
}

fn review_findings(
    s: &mut Session,
    ctx: &Ctx,
    reviews: &[Value],
    decision: Decision,
    findings: &[Located],
    diff_lines: &HashMap<String, Vec<(u64, u64)>>,
) -> Result<(), ApiError> {
    let existing = s.client().get_all(&format!("{}/comments", ctx.base_path))?;
    // Only the bot's own line comments count: a marker pasted by someone else suppresses nothing.
    let seen: HashSet<String> = existing
        .iter()
        .filter(|c| by(c, ctx.login))
        .filter_map(|c| c.get("body")?.as_str())
        .filter_map(|b| Some(b.split(FINDING_MARKER).nth(1)?.split(' ').next()?.to_string()))
        .collect();
    let mut comments = Vec::new();
    let mut keys = HashSet::new();
    let mut outside = 0;
    // The one fingerprint SARIF and the baseline use: a finding whose lines moved keeps it.
    let keys_of = report::fingerprint::fingerprints(findings);
    for (d, key) in findings.iter().zip(keys_of) {
        if seen.contains(&key) || !keys.insert(key.clone()) {
            continue;
        }
        let line = d.primary.line as u64;
        let in_diff = diff_lines
            .get(&d.primary.path)
            .is_some_and(|h| h.iter().any(|(a, b)| (*a..=*b).contains(&line)));
        if !in_diff || comments.len() >= MAX_LINE_COMMENTS {
            // GitHub refuses a comment outside the diff; the summary lists every finding.
            outside += 1;
            continue;
        }
        // The message and help quote the PR's files: inert Markdown (`report::markdown`).
        let help = d
            .help
            .as_ref()
            .map(|h| format!("\n\nhelp: {}", report::markdown::text(&summary::clip(h, 2000))))
            .unwrap_or_default();
        comments.push(json!({
            "path": d.primary.path,
            "line": line,
            "side": "RIGHT",
            "body": format!(
                "{FINDING_MARKER}{key} -->\n**{}** {}: {}{help}",
                d.severity.as_str(),
                report::markdown::code(d.rule.as_str()),
                report::markdown::text(&summary::clip(&d.message, 4000))
            ),
        }));
    }
    if outside > 0 {
        s.act(format!(
            "{outside} finding(s) outside the diff or past {MAX_LINE_COMMENTS} comments: in the summary only"
        ));
    }
    let request_changes =
        decision == Decision::Reject && !own_review(reviews, ctx.login, "CHANGES_REQUESTED", &ctx.pull.head_sha);
    if comments.is_empty() && !request_changes {
        return Ok(());
    }
    let event = if request_changes { "REQUEST_CHANGES" } else { "COMMENT" };
    let body = format!(
        "{REVIEW_MARKER}\nportalint: {} ({} new finding(s) on changed lines).",
        decision.as_str(),
        comments.len()
    );
    let n = comments.len();
    let payload = json!({"commit_id": ctx.pull.head_sha, "body": body, "event": event, "comments": comments});
    match s
        .client()
        .request("POST", &format!("{}/reviews", ctx.base_path), Some(&payload))
    {
        Ok(_) => s.act(format!("review {event} with {n} line comment(s)")),
        Err(ApiError::Uncertain(_)) => {
            // Posted or not? Its marker says; never post it twice.
            let now = s.client().get_all(&format!("{}/reviews", ctx.base_path))?;
            let posted = now.iter().any(|r| {
                by(r, ctx.login)
                    && r.get("commit_id").and_then(Value::as_str) == Some(ctx.pull.head_sha.as_str())
                    && r.get("body").and_then(Value::as_str) == Some(body.as_str())
            });
            s.act(if posted {
                format!("review {event} with {n} line comment(s) (the answer was lost)")
            } else {
                "review outcome unknown and not found; the next run posts it".into()
            });
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// What came of an auto-merge.
enum Merge {
    /// Merged (the status line).
    Merged(String),
    /// Not merged for a transient reason; the documented workflow re-runs the bot when it ends.
    Waiting(String),
}

/// The other checks on `sha`: (still running, failed).
fn checks(s: &mut Session, repo: &str, sha: &str, own: &str) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let (mut running, mut failed) = (Vec::new(), Vec::new());
    for r in s.client().get_all(&format!("/repos/{repo}/commits/{sha}/check-runs"))? {
        let name = r.get("name").and_then(Value::as_str).unwrap_or("?").to_string();
        if name == own {
            continue;
        }
        match (
            r.get("status").and_then(Value::as_str),
            r.get("conclusion").and_then(Value::as_str),
        ) {
            (Some("completed"), Some("success" | "neutral" | "skipped")) => {}
            (Some("completed"), _) => failed.push(name),
            _ => running.push(name),
        }
    }
    // The combined status is paged too: a failing status past the first page still counts.
    for st in s.client().get_all(&format!("/repos/{repo}/commits/{sha}/status"))? {
        let name = st.get("context").and_then(Value::as_str).unwrap_or("?").to_string();
        if name == own {
            continue;
        }
        match st.get("state").and_then(Value::as_str) {
            Some("success") => {}
            Some("pending") => running.push(name),
            _ => failed.push(name),
        }
    }
    Ok((running, failed))
}

fn auto_merge(s: &mut Session, ctx: &Ctx, args: &PrArgs, reviews: &[Value]) -> Result<Merge, ApiError> {
    let pull = ctx.pull;
    if pull.draft {
        return Ok(Merge::Waiting(
            "the pull request is a draft (marking it ready re-runs the bot)".into(),
        ));
    }
    if let Some(l) = pull.labels.iter().find(|l| HOLD_LABELS.contains(&l.as_str())) {
        return Ok(Merge::Waiting(format!(
            "label {code0} holds the merge (removing it re-runs the bot)",
            code0 = crate::parse::text::code(&l)
        )));
    }
    let (running, failed) = checks(s, ctx.repo, &pull.head_sha, &args.check_name)?;
    if !running.is_empty() || !failed.is_empty() {
        let mut parts = Vec::new();
        if !running.is_empty() {
            parts.push(format!("checks still running: {}", shorten(&running, MAX_NAMES)));
        }
        if !failed.is_empty() {
            parts.push(format!("checks failed: {}", shorten(&failed, MAX_NAMES)));
        }
        return Ok(Merge::Waiting(parts.join("; ")));
    }
    // The head may have moved while the checks were read: never approve another commit.
    let now = PullRequest::from_json(&s.client().request("GET", ctx.base_path, None)?);
    if now.head_sha != pull.head_sha {
        return Ok(Merge::Waiting(format!(
            "the head moved to {} after the evaluation (the push re-runs the bot)",
            now.head_sha
        )));
    }
    if !own_review(reviews, ctx.login, "APPROVED", &pull.head_sha) {
        let payload = json!({"commit_id": pull.head_sha, "event": "APPROVE",
            "body": format!("{REVIEW_MARKER}\nportalint: auto-merge (evaluated {}).", pull.head_sha)});
        match s
            .client()
            .request("POST", &format!("{}/reviews", ctx.base_path), Some(&payload))
        {
            Ok(_) => s.act("approved"),
            Err(ApiError::Uncertain(m)) => {
                let now = s.client().get_all(&format!("{}/reviews", ctx.base_path))?;
                if !own_review(&now, ctx.login, "APPROVED", &pull.head_sha) {
                    return Ok(Merge::Waiting(format!(
                        "the approval's outcome is unknown ({m}) and it is not there; the next event retries"
                    )));
                }
                s.act("approved (the answer was lost)");
            }
            Err(e) => return Err(e),
        }
    }
    // Merge pinned to the evaluated head: a moved head is refused by GitHub (409).
    let method = args.merge_method.as_str();
    let payload = json!({"sha": pull.head_sha, "merge_method": method});
    match s
        .client()
        .request("PUT", &format!("{}/merge", ctx.base_path), Some(&payload))
    {
        Ok(_) => {
            s.act(format!("merged {} ({method})", pull.head_sha));
            Ok(Merge::Merged(format!("merged {} ({method})", pull.head_sha)))
        }
        Err(ApiError::Status { status: 409, .. }) => Ok(Merge::Waiting(
            "the head moved since it was evaluated (GitHub refused the merge: 409); the push re-runs the bot".into(),
        )),
        Err(ApiError::Status { status: 405, message })
            if message.to_lowercase().contains("merge method")
                || message.to_lowercase().contains("not allowed on this repository") =>
        {
            Ok(Merge::Waiting(format!(
                "the merge method {} is not allowed in this repository ({message}); set `merge-method` to one \
                 it allows",
                crate::parse::text::code(&method)
            )))
        }
        Err(ApiError::Status { status: 405, message }) => Ok(Merge::Waiting(format!(
            "not mergeable yet ({message}); a push, a review or a check re-runs the bot"
        ))),
        Err(ApiError::Uncertain(m)) => {
            let now = PullRequest::from_json(&s.client().request("GET", ctx.base_path, None)?);
            if now.merged {
                s.act(format!("merged {} (the answer was lost)", pull.head_sha));
                Ok(Merge::Merged(format!("merged {} ({method})", pull.head_sha)))
            } else {
                Ok(Merge::Waiting(format!(
                    "the merge's outcome was unknown ({m}) and the pull request is not merged; the next event retries"
                )))
            }
        }
        Err(e) => Err(e),
    }
}

/// The summary comment's body: the marker, the summary fitted to GitHub's limit, then the
/// record of requested reviewers, which a cut must never drop (the next run would request
/// them again).
fn summary_body(markdown: &str, requested: Option<&str>) -> String {
    let tail = requested
        .map(|r| format!("\n{REQUESTED_MARKER}{r} -->\n"))
        .unwrap_or_default();
    let mut body = summary::fit(&format!("{SUMMARY_MARKER}\n{markdown}"), MAX_BODY - tail.len());
    body.push_str(&tail);
    body
}

/// The reviewers a previous run recorded in the summary (`users=a,b teams=c`).
fn requested_before(summary: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut users = BTreeSet::new();
    let mut teams = BTreeSet::new();
    if let Some(rest) = summary.split(REQUESTED_MARKER).nth(1) {
        for part in rest.split(" -->").next().unwrap_or("").split(' ') {
            let (set, list) = match part.split_once('=') {
                Some(("users", l)) => (&mut users, l),
                Some(("teams", l)) => (&mut teams, l),
                _ => continue,
            };
            set.extend(list.split(',').filter(|n| !n.is_empty()).map(String::from));
        }
    }
    (users, teams)
}

/// A login or team slug as CODEOWNERS may name one (anything else is not requested).
fn is_name(n: &str) -> bool {
    !n.is_empty() && n.len() <= 100 && n.chars().all(|c| c.is_ascii_alphanumeric() || "-_.[]".contains(c))
}

/// Requests the base's CODEOWNERS of the changed paths, each once: not those already
/// requested, those who reviewed, or those an earlier run requested. Returns the record
/// line for the summary.
fn request_reviewers(
    s: &mut Session,
    ctx: &Ctx,
    report: &crate::pr::verdict::Report,
    reviews: Option<&Vec<Value>>,
    (mut users_before, mut teams_before): (BTreeSet<String>, BTreeSet<String>),
) -> Result<Option<String>, ApiError> {
    let Some(owners) = &report.codeowners else {
        return Ok(None);
    };
    let mut users = BTreeSet::new();
    let mut teams = BTreeSet::new();
    for (_, path) in &report.verdict.changes {
        for o in owners.owners_of(path) {
            match (crate::gate::codeowners::team_of(o), o.strip_prefix('@')) {
                (Some(team), _) if is_name(team) => {
                    teams.insert(team.to_string());
                }
                (None, Some(user)) if user != ctx.pull.author && is_name(user) => {
                    users.insert(user.to_string());
                }
                _ => {}
            }
        }
    }
    if users.is_empty() && teams.is_empty() {
        return Ok(None);
    }
    let now = s
        .client()
        .request("GET", &format!("{}/requested_reviewers", ctx.base_path), None)?;
    let list = |key: &str, field: &str| -> Vec<String> {
        now.get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|u| u.get(field)?.as_str().map(String::from))
            .collect()
    };
    users_before.extend(list("users", "login"));
    teams_before.extend(list("teams", "slug"));
    users_before.extend(
        reviews
            .into_iter()
            .flatten()
            .filter_map(|r| r.pointer("/user/login")?.as_str().map(String::from)),
    );
    let new_users: Vec<&String> = users.iter().filter(|u| !users_before.contains(*u)).collect();
    let new_teams: Vec<&String> = teams.iter().filter(|t| !teams_before.contains(*t)).collect();
    // Every wanted reviewer is now requested (before, or by this run).
    let record = format!(
        "users={} teams={}",
        users.iter().map(String::as_str).collect::<Vec<_>>().join(","),
        teams.iter().map(String::as_str).collect::<Vec<_>>().join(",")
    );
    if new_users.is_empty() && new_teams.is_empty() {
        s.act("reviewers already requested");
        return Ok(Some(record));
    }
    let names: Vec<String> = new_users.iter().chain(&new_teams).map(|s| s.to_string()).collect();
    match s.client().request(
        "POST",
        &format!("{}/requested_reviewers", ctx.base_path),
        Some(&json!({"reviewers": new_users, "team_reviewers": new_teams})),
    ) {
        Ok(_) => {
            s.act(format!("requested reviews from {}", shorten(&names, MAX_NAMES)));
            Ok(Some(record))
        }
        Err(e) => {
            // The record keeps what was asked; the error is the step's failure.
            s.act(format!("review request refused for {}", shorten(&names, MAX_NAMES)));
            Err(e)
        }
    }
}

/// Percent-encodes a path segment (a label name such as `portalint/waiting`).
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Adds `wanted` labels the PR lacks; removes `portalint/*` labels that no longer apply
/// (never a hold label, which people set).
fn sync_labels(s: &mut Session, ctx: &Ctx, mut wanted: Vec<String>) -> Result<(), ApiError> {
    wanted.sort();
    wanted.dedup();
    let have = &ctx.pull.labels;
    let missing: Vec<&String> = wanted.iter().filter(|l| !have.contains(l)).collect();
    let stale: Vec<&String> = have
        .iter()
        .filter(|l| l.starts_with("portalint/") && !HOLD_LABELS.contains(&l.as_str()) && !wanted.contains(l))
        .collect();
    if !missing.is_empty() {
        s.client().request(
            "POST",
            &format!("{}/labels", ctx.issue_path),
            Some(&json!({"labels": missing})),
        )?;
        let names: Vec<String> = missing.iter().map(|l| l.to_string()).collect();
        s.act(format!("labelled {}", shorten(&names, MAX_NAMES)));
    }
    for l in stale {
        match s
            .client()
            .request("DELETE", &format!("{}/labels/{}", ctx.issue_path, segment(l)), None)
        {
            // Already gone: the state wanted.
            Ok(_) | Err(ApiError::Status { status: 404, .. }) => s.act(format!("removed label {l}")),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes the audit record and the job summary, and prints what was done.
fn finish(args: &PrArgs, s: &Session, out: &mut dyn Write) -> Result<(), AppError> {
    let calls = s.client.as_ref().map(|c| c.calls.as_slice()).unwrap_or_default();
    let r = &s.record;
    let mut failed = None;
    if let Some(p) = &args.audit {
        let line = format!("{}\n", audit::line(r, calls));
        if let Err(e) = audit::append(p, &line) {
            failed = Some(usage(format!(
                "cannot write the audit record {code0}: {e}",
                code0 = crate::parse::text::code(&p.display())
            )));
        }
    }
    if let Some(p) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        if let Err(e) = audit::append(Path::new(&p), &audit::job_summary(r)) {
            failed = Some(usage(format!("cannot write the job summary: {e}")));
        }
    }
    let decision = r.decision.unwrap_or("none");
    let _ = writeln!(out, "portalint pr: {decision} ({})", s.run.head_sha);
    for a in &s.run.actions {
        let _ = writeln!(out, "  {}", report::escape::line(a));
    }
    if let Some(w) = &s.run.waiting {
        let _ = writeln!(out, "  waiting: {}", report::escape::line(w));
    }
    failed.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_summary_keeps_the_record_of_requested_reviewers() {
        let long: String = (0..10_000).map(|i| format!("| row {i} |\n")).collect();
        let body = summary_body(&long, Some("users=alice teams=team-b"));
        assert!(body.len() <= MAX_BODY && body.contains("truncated"), "{}", body.len());
        assert!(body.starts_with(SUMMARY_MARKER));
        let (users, teams) = requested_before(&body);
        assert_eq!((users.len(), teams.len()), (1, 1), "{}", &body[body.len() - 200..]);
        assert_eq!(summary_body("ok", None), format!("{SUMMARY_MARKER}\nok"));
    }

    #[test]
    fn hunks_give_the_head_side_lines() {
        let patch = "@@ -1,3 +1,4 @@\n a\n+b\n c\n d\n@@ -10 +11,0 @@\n-x\n@@ -20,2 +21 @@\n-y\n z\n";
        assert_eq!(hunks(patch), [(1, 4), (21, 21)]);
    }

    #[test]
    fn a_head_repository_gone_or_elsewhere_is_a_fork() {
        let mut p = PullRequest {
            head_repo: "acme/x".into(),
            base_repo: "acme/x".into(),
            ..PullRequest::default()
        };
        assert!(!p.is_fork());
        p.head_repo = String::new();
        assert!(p.is_fork());
        p.head_repo = "mallory/x".into();
        assert!(p.is_fork());
    }

    #[test]
    fn the_requested_record_reads_back() {
        let (u, t) = requested_before("x\n<!-- portalint:requested users=a,b teams=team-b -->\n");
        assert_eq!(u.into_iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(t.into_iter().collect::<Vec<_>>(), ["team-b"]);
    }
}
