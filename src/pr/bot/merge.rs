//! The merge: every status and check run on the head SHA read (paged) before an approval
//! and a merge pinned to the evaluated SHA; every reason not to merge is a visible wait.

use super::*;

/// What came of an auto-merge.
pub(super) enum Merge {
    /// Merged (the status line).
    Merged(String),
    /// Not merged for a transient reason; the documented workflow re-runs the bot when it ends.
    Waiting(String),
}

/// The other checks on `sha`: (still running, failed).
pub(super) fn checks(
    s: &mut Session,
    repo: &str,
    sha: &str,
    own: &str,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
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

pub(super) fn auto_merge(s: &mut Session, ctx: &Ctx, args: &PrArgs, reviews: &[Value]) -> Result<Merge, ApiError> {
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
