//! `portalint pr`: the PR bot. Reads the event and the PR, runs the check and the verdict on
//! the post-merge tree (policy from the base), then acts through the GitHub API: line
//! comments on changed lines inside the PR's diff, REQUEST_CHANGES on reject, CODEOWNERS
//! reviewers (once) and `portalint/*` labels on review-required, and on auto-merge — after
//! every other check and status on the head SHA succeeded — an approval and a merge pinned
//! to the evaluated SHA; last, one summary comment saying what was done or waited for. The
//! bot's own comments are those its login wrote *and* that carry its marker. A fork PR is
//! read-only. Every run appends one audit record and writes the job summary
//! ([`crate::pr::audit`]), on every exit path.
//!
//! Here: the run's flow (event, identity, the clone checked against the PR, the verdict, the
//! steps in order, the record). Its steps: [`comments`] (summary and line comments),
//! [`merge`] (checks and the pinned merge), [`reviewers`] (CODEOWNERS reviewers and labels).

mod comments;
mod merge;
mod reviewers;

use comments::{find_summary, own_review, review_findings, right_lines, summary_body, upsert_summary};
use merge::{auto_merge, Merge};
use reviewers::{request_reviewers, requested_before, sync_labels};

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
}
