//! The bot's comments: its one summary comment (found by author and marker, edited in
//! place, fitted to GitHub's limit with the reviewer record kept) and its line comments on
//! changed lines inside the PR's diff (one review, each finding once, by fingerprint).

use super::*;

/// The head-side lines of each file's diff (`patch` hunks): GitHub takes a line comment only
/// on one of them.
pub(super) fn right_lines(files: &[Value]) -> HashMap<String, Vec<(u64, u64)>> {
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
pub(super) fn hunks(patch: &str) -> Vec<(u64, u64)> {
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

/// The bot's own summary comment: written by its login and carrying the marker.
pub(super) fn find_summary(comments: &[Value], login: &str) -> Option<(u64, String)> {
    comments.iter().find_map(|c| {
        let b = c.get("body")?.as_str()?;
        let id = c.get("id")?.as_u64()?;
        (by(c, login) && b.contains(SUMMARY_MARKER)).then(|| (id, b.to_string()))
    })
}

pub(super) fn upsert_summary(
    s: &mut Session,
    ctx: &Ctx,
    existing: Option<(u64, String)>,
    body: &str,
) -> Result<(), ApiError> {
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
pub(super) fn own_review(reviews: &[Value], login: &str, state: &str, sha: &str) -> bool {
    reviews.iter().any(|r| {
        r.get("state").and_then(Value::as_str) == Some(state)
            && r.get("commit_id").and_then(Value::as_str) == Some(sha)
            && by(r, login)
            && r.get("body")
                .and_then(Value::as_str)
                .is_some_and(|b| b.contains(REVIEW_MARKER))
    })
}

pub(super) fn review_findings(
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

/// The summary comment's body: the marker, the summary fitted to GitHub's limit, then the
/// record of requested reviewers, which a cut must never drop (the next run would request
/// them again).
pub(super) fn summary_body(markdown: &str, requested: Option<&str>) -> String {
    let tail = requested
        .map(|r| format!("\n{REQUESTED_MARKER}{r} -->\n"))
        .unwrap_or_default();
    let mut body = summary::fit(&format!("{SUMMARY_MARKER}\n{markdown}"), MAX_BODY - tail.len());
    body.push_str(&tail);
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pr::bot::reviewers::requested_before;

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
}
