//! `portalint pr`: the PR bot. Reads the event and the PR, runs the check and the verdict on
//! the post-merge tree (policy from the base), then acts through the GitHub API: one summary
//! comment (found again by a hidden marker), line comments only on changed lines and only
//! for findings not already commented, REQUEST_CHANGES on reject, labels and CODEOWNERS
//! reviewers on review-required, and on auto-merge — after every other check on the head
//! SHA succeeded — an approval and a merge pinned to the evaluated SHA. Every decision and
//! every API call goes to an audit record (JSON lines); a human summary goes to the job
//! summary. Without a write token (fork PRs) it degrades to annotations and the job summary.

use crate::cli::PrArgs;
use crate::error::{AppError, EXIT_ERROR};
use crate::gate::Decision;
use crate::pr::github::{ApiError, Client};
use crate::report::{self, Format, Located};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Marks the bot's summary comment.
pub const SUMMARY_MARKER: &str = "<!-- portalint:summary -->";
/// Marks the bot's reviews.
pub const REVIEW_MARKER: &str = "<!-- portalint:review -->";
/// Starts the marker of a line comment (followed by the finding's fingerprint).
pub const FINDING_MARKER: &str = "<!-- portalint:finding ";
/// Labels that stop an auto-merge.
const HOLD_LABELS: &[&str] = &["do-not-merge", "hold", "portalint/hold"];

/// The PR as the bot needs it.
#[derive(Debug, Clone, Default)]
pub struct PullRequest {
    /// Its number.
    pub number: u64,
    /// The head commit.
    pub head_sha: String,
    /// The head branch name.
    pub head_ref: String,
    /// `owner/name` of the head repository.
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

    /// True when the head lives in another repository.
    pub fn is_fork(&self) -> bool {
        !self.head_repo.is_empty() && !self.base_repo.is_empty() && self.head_repo != self.base_repo
    }
}

/// What one run of the bot did, for the audit record and the tests.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Run {
    /// The decision.
    pub decision: Option<Decision>,
    /// The evaluated head SHA.
    pub head_sha: String,
    /// Actions taken or skipped, in order (`commented`, `merged`, `merge skipped: …`).
    pub actions: Vec<String>,
}

/// Runs the bot; returns the exit code (0 auto-merge or review-required, 1 reject, 2 error).
pub fn run(args: &PrArgs, out: &mut dyn Write) -> u8 {
    match pr(args, out) {
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

/// The bot (library entry point for tests).
pub fn pr(args: &PrArgs, out: &mut dyn Write) -> Result<Run, AppError> {
    if !is_env_name(&args.token_env) {
        // Most likely a token pasted where its variable's name belongs: never echo it.
        return Err(usage(
            "`--token-env` takes the name of an environment variable (such as GITHUB_TOKEN), \
             not a token; the value given is not shown",
        ));
    }
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let event: Option<Value> = match args
        .event
        .clone()
        .or_else(|| std::env::var_os("GITHUB_EVENT_PATH").map(PathBuf::from))
    {
        Some(p) => Some(
            std::fs::read_to_string(&p)
                .map_err(|e| usage(format!("cannot read the event `{}`: {e}", p.display())))
                .and_then(|t| {
                    serde_json::from_str(&t).map_err(|e| usage(format!("the event `{}` is not JSON: {e}", p.display())))
                })?,
        ),
        None => None,
    };
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
    let number = args
        .pr
        .or_else(|| event_pr.and_then(|p| p.get("number")?.as_u64()))
        .ok_or_else(|| usage("which pull request? pass --pr N (or run on a pull_request event)"))?;
    let api = args
        .api_url
        .clone()
        .or_else(|| std::env::var("GITHUB_API_URL").ok())
        .unwrap_or_else(|| "https://api.github.com".to_string());
    crate::pr::github::check_api_url(&api).map_err(usage)?;
    let token = std::env::var(&args.token_env).ok().filter(|t| !t.is_empty());
    let mut client = Client::new(&api, token.clone());
    if let Some(ms) = args.retry_base_ms {
        client.backoff = std::time::Duration::from_millis(ms);
    }
    let base_path = format!("/repos/{repo}/pulls/{number}");
    let issue_path = format!("/repos/{repo}/issues/{number}");

    // 1. The PR: from the API when there is a token, else from the event.
    let pull = match (&token, event_pr) {
        (Some(_), _) => PullRequest::from_json(&client.request("GET", &base_path, None).map_err(api_err)?),
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
    let can_write = token.is_some() && !args.dry_run && !(pull.is_fork() && args.fork_read_only);
    let mut outcome = Run {
        head_sha: pull.head_sha.clone(),
        ..Run::default()
    };
    if !pull.open || pull.merged {
        outcome.actions.push("nothing to do: the pull request is closed".into());
        finish(args, &client, &outcome, None, out)?;
        return Ok(outcome);
    }

    // 2. Check and verdict on the post-merge tree (policy and CODEOWNERS from the base).
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
            "the base `{}` is not in the local clone (fetch it: actions/checkout with fetch-depth: 0)",
            pull.base_ref
        ))
    })?;
    git.commit(&pull.head_sha).map_err(|_| {
        usage(format!(
            "the head {} is not in the local clone (fetch it first)",
            pull.head_sha
        ))
    })?;
    let verdict_args = crate::cli::VerdictArgs {
        path: Some(root.clone()),
        base: base.clone(),
        head: Some(pull.head_sha.clone()),
        author: Some(pull.author.clone()),
        branch: Some(pull.head_ref.clone()),
        target_branch: Some(pull.base_ref.clone()),
        format: crate::cli::OutputFormat::Json,
        xrds: args.xrds.clone(),
        cache_dir: None,
        offline: false,
        baseline: args.baseline.clone(),
    };
    let report = crate::pr::verdict::verdict(&verdict_args)?;
    let decision = report.decision;
    outcome.decision = Some(decision);
    // The PR's files must be the local diff: else the clone is stale and the verdict is not
    // about this PR.
    if token.is_some() {
        let files = client.get_all(&format!("{base_path}/files")).map_err(api_err)?;
        let mut theirs: Vec<&str> = files.iter().filter_map(|f| f.get("filename")?.as_str()).collect();
        let mut ours: Vec<&str> = report.verdict.changes.iter().map(|(_, p)| p.as_str()).collect();
        theirs.sort_unstable();
        ours.sort_unstable();
        if theirs != ours {
            return Err(usage(format!(
                "the local diff ({} file(s)) is not the PR's ({} file(s)): fetch the PR's head and base",
                ours.len(),
                theirs.len()
            )));
        }
    }
    let findings = &report.changed_line_findings;
    let summary = summary_markdown(&report);
    if !can_write {
        // Annotations and the job summary only.
        report::render(Format::Github, findings, &report.changed_line_summary, false, out)
            .map_err(|e| usage(e.to_string()))?;
        outcome.actions.push(if args.dry_run {
            "dry run: no API writes".into()
        } else {
            "no write access (fork or no token): annotations and job summary only".into()
        });
        finish(args, &client, &outcome, Some(&summary), out)?;
        return Ok(outcome);
    }

    // 3. One summary comment, edited in place.
    let body = format!("{SUMMARY_MARKER}\n{summary}");
    upsert_comment(&mut client, &issue_path, &body, &mut outcome)?;

    // 3b. Line comments for new findings on changed lines; REQUEST_CHANGES on reject.
    review_findings(&mut client, &base_path, &pull, decision, findings, &mut outcome)?;

    // 4. Act on the decision.
    match decision {
        Decision::AutoMerge => auto_merge(&mut client, &repo, &base_path, &pull, args, &mut outcome)?,
        Decision::ReviewRequired => {
            let mut labels = vec!["portalint/review-required".to_string()];
            labels.extend(
                report
                    .verdict
                    .reasons
                    .iter()
                    .map(|r| format!("portalint/{}", r.code.as_str().to_lowercase())),
            );
            labels.sort();
            labels.dedup();
            let missing: Vec<&String> = labels.iter().filter(|l| !pull.labels.contains(l)).collect();
            if !missing.is_empty() {
                client
                    .request(
                        "POST",
                        &format!("{issue_path}/labels"),
                        Some(&json!({"labels": missing})),
                    )
                    .map_err(api_err)?;
                outcome.actions.push(format!("labelled {}", labels.join(", ")));
            }
            request_reviewers(&mut client, &base_path, &pull, &report, &mut outcome)?;
        }
        Decision::Reject => {}
    }
    finish(args, &client, &outcome, Some(&summary), out)?;
    Ok(outcome)
}

/// The summary comment. Everything taken from the PR's files or the policy (paths, messages,
/// rule names, quotas) is escaped by [`report::markdown`]: code spans, inert prose.
fn summary_markdown(r: &crate::pr::verdict::Report) -> String {
    use crate::report::markdown::{cell, code, code_cell};
    let v = &r.verdict;
    let icon = match r.decision {
        Decision::AutoMerge => "✅",
        Decision::ReviewRequired => "👀",
        Decision::Reject => "⛔",
    };
    let mut s = format!(
        "## {icon} portalint verdict: `{}`\n\nEvaluated head {} merged into {} ({}).\n",
        r.decision.as_str(),
        code(&r.head_commit),
        code(&r.base),
        code(&r.base_commit[..r.base_commit.len().min(12)])
    );
    if !v.reasons.is_empty() {
        s.push_str("\n| Reason | Decides | Where | Why |\n|---|---|---|---|\n");
        for reason in &v.reasons {
            let at = match (&reason.file, reason.line) {
                (Some(f), Some(l)) => code_cell(&format!("{f}:{l}")),
                (Some(f), None) => code_cell(f),
                _ => String::new(),
            };
            let rule = reason
                .rule
                .as_ref()
                .map(|r| format!(" ({})", cell(r)))
                .unwrap_or_default();
            s.push_str(&format!(
                "| `{}` | {} | {at} | {}{rule} |\n",
                reason.code,
                reason.decision.as_str(),
                cell(&reason.message)
            ));
        }
    }
    if !v.quotas.is_empty() {
        s.push_str("\n| Quota | Before | After | Soft | Hard |\n|---|---|---|---|---|\n");
        for q in &v.quotas {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&q.quota),
                cell(&q.before),
                cell(&q.after),
                q.soft.as_deref().map_or_else(|| "–".to_string(), cell),
                q.hard.as_deref().map_or_else(|| "–".to_string(), cell)
            ));
        }
    }
    let mut md = Vec::new();
    let _ = report::markdown::render(&r.changed_line_findings, &r.changed_line_summary, &mut md);
    s.push('\n');
    // The heading is the first line; nothing from the input can hold `### ` (`#` is quoted).
    s.push_str(&String::from_utf8_lossy(&md).replacen("### ", "#### Findings on changed lines: ", 1));
    s
}

fn upsert_comment(client: &mut Client, issue_path: &str, body: &str, outcome: &mut Run) -> Result<(), AppError> {
    let find = |client: &mut Client| -> Result<Option<(u64, String)>, AppError> {
        let comments = client.get_all(&format!("{issue_path}/comments")).map_err(api_err)?;
        Ok(comments.iter().find_map(|c| {
            let b = c.get("body")?.as_str()?;
            let id = c.get("id")?.as_u64()?;
            b.contains(SUMMARY_MARKER).then(|| (id, b.to_string()))
        }))
    };
    let repo_path = issue_path
        .rsplit_once("/issues/")
        .map_or(issue_path, |(r, _)| r)
        .to_string();
    match find(client)? {
        Some((_, existing)) if existing == body => outcome.actions.push("summary comment up to date".into()),
        Some((id, _)) => {
            client
                .request(
                    "PATCH",
                    &format!("{repo_path}/issues/comments/{id}"),
                    Some(&json!({"body": body})),
                )
                .map_err(api_err)?;
            outcome.actions.push("summary comment updated".into());
        }
        None => match client.request("POST", &format!("{issue_path}/comments"), Some(&json!({"body": body}))) {
            Ok(_) => outcome.actions.push("summary comment created".into()),
            Err(ApiError::Uncertain(_)) => {
                // The comment may exist: look before writing again.
                if find(client)?.is_none() {
                    client
                        .request("POST", &format!("{issue_path}/comments"), Some(&json!({"body": body})))
                        .map_err(api_err)?;
                }
                outcome.actions.push("summary comment created".into());
            }
            Err(e) => return Err(api_err(e)),
        },
    }
    Ok(())
}

fn review_findings(
    client: &mut Client,
    base_path: &str,
    pull: &PullRequest,
    decision: Decision,
    findings: &[Located],
    outcome: &mut Run,
) -> Result<(), AppError> {
    let existing = client.get_all(&format!("{base_path}/comments")).map_err(api_err)?;
    let seen: std::collections::HashSet<String> = existing
        .iter()
        .filter_map(|c| c.get("body")?.as_str())
        .filter_map(|b| Some(b.split(FINDING_MARKER).nth(1)?.split(' ').next()?.to_string()))
        .collect();
    let mut comments = Vec::new();
    let mut keys = std::collections::HashSet::new();
    // The findings' fingerprints (`report::fingerprint`, as SARIF's): a rerun, or a push that
    // moves the lines, does not comment a finding twice.
    for (d, key) in findings.iter().zip(report::fingerprint::fingerprints(findings)) {
        if seen.contains(&key) || !keys.insert(key.clone()) {
            continue;
        }
        // The message and help quote the PR's files: inert Markdown (`report::markdown`).
        let help = d
            .help
            .as_ref()
            .map(|h| format!("\n\nhelp: {}", report::markdown::text(h)))
            .unwrap_or_default();
        comments.push(json!({
            "path": d.primary.path,
            "line": d.primary.line,
            "side": "RIGHT",
            "body": format!(
                "{FINDING_MARKER}{key} -->\n**{}** `{}`: {}{help}",
                d.severity.as_str(),
                d.rule,
                report::markdown::text(&d.message)
            ),
        }));
    }
    let reviews = client.get_all(&format!("{base_path}/reviews")).map_err(api_err)?;
    let already_requested = reviews.iter().any(|r| {
        r.get("state").and_then(Value::as_str) == Some("CHANGES_REQUESTED")
            && r.get("commit_id").and_then(Value::as_str) == Some(pull.head_sha.as_str())
            && r.get("body")
                .and_then(Value::as_str)
                .is_some_and(|b| b.contains(REVIEW_MARKER))
    });
    let request_changes = decision == Decision::Reject && !already_requested;
    if comments.is_empty() && !request_changes {
        return Ok(());
    }
    let event = if request_changes { "REQUEST_CHANGES" } else { "COMMENT" };
    let body = format!(
        "{REVIEW_MARKER}\nportalint: {} ({} new finding(s) on changed lines).",
        decision.as_str(),
        comments.len()
    );
    let payload = json!({"commit_id": pull.head_sha, "body": body, "event": event, "comments": comments});
    match client.request("POST", &format!("{base_path}/reviews"), Some(&payload)) {
        Ok(_) => {}
        Err(ApiError::Uncertain(_)) => {
            // Posted or not? The next run sees the markers and does not repeat them.
            outcome
                .actions
                .push("review outcome unknown; the next run resolves it".into());
            return Ok(());
        }
        Err(e) => return Err(api_err(e)),
    }
    outcome
        .actions
        .push(format!("review {event} with {} line comment(s)", comments.len()));
    Ok(())
}

fn auto_merge(
    client: &mut Client,
    repo: &str,
    base_path: &str,
    pull: &PullRequest,
    args: &PrArgs,
    outcome: &mut Run,
) -> Result<(), AppError> {
    if pull.draft {
        outcome
            .actions
            .push("merge skipped: the pull request is a draft".into());
        return Ok(());
    }
    if let Some(l) = pull.labels.iter().find(|l| HOLD_LABELS.contains(&l.as_str())) {
        outcome.actions.push(format!("merge skipped: label `{l}`"));
        return Ok(());
    }
    // Every other check and status on the evaluated head must have succeeded.
    let runs = client
        .get_all(&format!("/repos/{repo}/commits/{}/check-runs", pull.head_sha))
        .map_err(api_err)?;
    let pending: Vec<String> = runs
        .iter()
        .filter(|r| r.get("name").and_then(Value::as_str) != Some(args.check_name.as_str()))
        .filter(|r| {
            !matches!(
                r.get("conclusion").and_then(Value::as_str),
                Some("success") | Some("neutral") | Some("skipped")
            )
        })
        .map(|r| r.get("name").and_then(Value::as_str).unwrap_or("?").to_string())
        .collect();
    let status = client
        .request("GET", &format!("/repos/{repo}/commits/{}/status", pull.head_sha), None)
        .map_err(api_err)?;
    let failing_status: Vec<String> = status
        .get("statuses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|s| s.get("state").and_then(Value::as_str) != Some("success"))
                .filter(|s| s.get("context").and_then(Value::as_str) != Some(args.check_name.as_str()))
                .filter_map(|s| s.get("context").and_then(Value::as_str).map(String::from))
                .collect()
        })
        .unwrap_or_default();
    if !pending.is_empty() || !failing_status.is_empty() {
        let all: Vec<String> = pending.into_iter().chain(failing_status).collect();
        outcome
            .actions
            .push(format!("merge skipped: checks not green yet: {}", all.join(", ")));
        return Ok(());
    }
    // Approve once per head SHA.
    let reviews = client.get_all(&format!("{base_path}/reviews")).map_err(api_err)?;
    let approved = reviews.iter().any(|r| {
        r.get("state").and_then(Value::as_str) == Some("APPROVED")
            && r.get("commit_id").and_then(Value::as_str) == Some(pull.head_sha.as_str())
            && r.get("body")
                .and_then(Value::as_str)
                .is_some_and(|b| b.contains(REVIEW_MARKER))
    });
    if !approved {
        let payload = json!({"commit_id": pull.head_sha, "event": "APPROVE",
            "body": format!("{REVIEW_MARKER}\nportalint: auto-merge (evaluated {}).", pull.head_sha)});
        match client.request("POST", &format!("{base_path}/reviews"), Some(&payload)) {
            Ok(_) => outcome.actions.push("approved".into()),
            Err(ApiError::Uncertain(_)) => {
                outcome
                    .actions
                    .push("approval outcome unknown; the next run resolves it".into());
                return Ok(());
            }
            Err(e) => return Err(api_err(e)),
        }
    }
    // Merge pinned to the evaluated head: a moved head is refused by GitHub (409).
    let payload = json!({"sha": pull.head_sha, "merge_method": args.merge_method.as_str()});
    match client.request("PUT", &format!("{base_path}/merge"), Some(&payload)) {
        Ok(_) => outcome
            .actions
            .push(format!("merged {} ({})", pull.head_sha, args.merge_method.as_str())),
        Err(ApiError::Status { status: 409, .. }) => outcome
            .actions
            .push("merge refused: the head moved since it was evaluated; the next event re-evaluates".into()),
        Err(ApiError::Status { status: 405, message }) => outcome
            .actions
            .push(format!("merge refused: not mergeable ({message})")),
        Err(ApiError::Uncertain(_)) => {
            let now = PullRequest::from_json(&client.request("GET", base_path, None).map_err(api_err)?);
            outcome.actions.push(if now.merged {
                format!("merged {}", pull.head_sha)
            } else {
                "merge outcome unknown and not merged; the next event re-evaluates".into()
            });
        }
        Err(e) => return Err(api_err(e)),
    }
    Ok(())
}

fn request_reviewers(
    client: &mut Client,
    base_path: &str,
    pull: &PullRequest,
    report: &crate::pr::verdict::Report,
    outcome: &mut Run,
) -> Result<(), AppError> {
    // The base's CODEOWNERS, for every changed path.
    let Some(owners) = &report.codeowners else {
        return Ok(());
    };
    let mut users = std::collections::BTreeSet::new();
    let mut teams = std::collections::BTreeSet::new();
    for (_, path) in &report.verdict.changes {
        for o in owners.owners_of(path) {
            match (crate::gate::codeowners::team_of(o), o.strip_prefix('@')) {
                (Some(team), _) => {
                    teams.insert(team.to_string());
                }
                (None, Some(user)) if user != pull.author => {
                    users.insert(user.to_string());
                }
                _ => {}
            }
        }
    }
    if users.is_empty() && teams.is_empty() {
        return Ok(());
    }
    client
        .request(
            "POST",
            &format!("{base_path}/requested_reviewers"),
            Some(&json!({"reviewers": users, "team_reviewers": teams})),
        )
        .map_err(api_err)?;
    outcome.actions.push(format!(
        "requested reviews from {}",
        users.iter().chain(&teams).cloned().collect::<Vec<_>>().join(", ")
    ));
    Ok(())
}

/// Writes the audit record and the job summary, and prints what was done.
fn finish(
    args: &PrArgs,
    client: &Client,
    outcome: &Run,
    summary: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    let mut lines = vec![json!({
        "record": "decision",
        "head_sha": outcome.head_sha,
        "decision": outcome.decision.map(|d| d.as_str()),
        "actions": outcome.actions,
    })];
    lines.extend(client.calls.iter().map(
        |c| json!({"record": "api", "method": c.method, "path": c.path, "status": c.status, "attempt": c.attempt}),
    ));
    let mut text = String::new();
    for l in &lines {
        text.push_str(&l.to_string());
        text.push('\n');
    }
    if let Some(p) = &args.audit {
        append(p, "the audit record", &text)?;
    }
    if let (Some(s), Some(p)) = (summary, std::env::var_os("GITHUB_STEP_SUMMARY")) {
        // Actions name labels and check runs, which the PR may set: inert Markdown.
        let actions: String = outcome
            .actions
            .iter()
            .map(|a| format!("- {}\n", report::markdown::text(a)))
            .collect();
        append(
            Path::new(&p),
            "the job summary",
            &format!("{s}\n**Actions**\n\n{actions}\n"),
        )?;
    }
    let decision = outcome.decision.map_or("none", |d| d.as_str());
    let _ = writeln!(out, "portalint pr: {decision} ({})", outcome.head_sha);
    for a in &outcome.actions {
        let _ = writeln!(out, "  {}", report::escape::line(a));
    }
    Ok(())
}

/// Appends `text` to the file at `path` (created if missing).
fn append(path: &Path, what: &str, text: &str) -> Result<(), AppError> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| usage(format!("cannot write {what} `{}`: {e}", path.display())))
}
