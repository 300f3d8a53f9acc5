//! The bot's record of a run: one JSON line appended to `--audit-file` on every exit path
//! (also after an error that followed some writes), and the job summary
//! (`$GITHUB_STEP_SUMMARY`). Only formats and appends; the bot decides what goes in.

use crate::pr::github::Call;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

/// What a run leaves behind, filled in as the run goes.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// `owner/name`, once known.
    pub repository: Option<String>,
    /// The PR number, once known.
    pub pr: Option<u64>,
    /// The base commit the PR was evaluated against.
    pub base_sha: Option<String>,
    /// The evaluated head commit.
    pub head_sha: Option<String>,
    /// The commit the policy, config and CODEOWNERS were read from (the base).
    pub policy_commit: Option<String>,
    /// The decision word.
    pub decision: Option<&'static str>,
    /// The reasons (code, decision, message), shortened.
    pub reasons: Vec<Value>,
    /// The login the bot recognised its own comments by.
    pub login: Option<String>,
    /// What was done, in order.
    pub actions: Vec<String>,
    /// Why the bot did not merge an auto-merge PR this time, if it did not.
    pub waiting: Option<String>,
    /// Steps that failed (the run went on with the safe ones).
    pub failures: Vec<String>,
    /// The error that ended the run, if any.
    pub error: Option<String>,
    /// The Markdown summary, for the job summary.
    pub summary: Option<String>,
}

/// `now` as RFC 3339 UTC (`2026-12-03T11:41:08Z`).
pub fn timestamp(now: std::time::SystemTime) -> String {
    let secs = now.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The record as one JSON object.
pub fn line(r: &Record, calls: &[Call]) -> Value {
    json!({
        "timestamp": timestamp(std::time::SystemTime::now()),
        "repository": r.repository,
        "pr": r.pr,
        "base_sha": r.base_sha,
        "head_sha": r.head_sha,
        "policy_commit": r.policy_commit,
        "decision": r.decision,
        "reasons": r.reasons,
        "login": r.login,
        "actions": r.actions,
        "waiting": r.waiting,
        "failures": r.failures,
        "error": r.error,
        "calls": calls
            .iter()
            .map(|c| json!({"method": c.method, "path": c.path, "status": c.status, "attempt": c.attempt}))
            .collect::<Vec<_>>(),
    })
}

/// The job summary: the summary (or a line saying there is none), what was done, and the
/// error if the run ended on one. Texts from the PR are inert Markdown.
pub fn job_summary(r: &Record) -> String {
    use crate::report::markdown::text;
    let mut s = match &r.summary {
        Some(s) => format!("{s}\n"),
        None => "## portalint pr: no verdict\n\n".to_string(),
    };
    if let Some(w) = &r.waiting {
        s.push_str(&format!("**Waiting:** {}\n\n", text(w)));
    }
    if let Some(e) = &r.error {
        s.push_str(&format!("**Error:** {}\n\n", text(e)));
    }
    for f in &r.failures {
        s.push_str(&format!("**Failed step:** {}\n\n", text(f)));
    }
    s.push_str("**Actions**\n\n");
    for a in &r.actions {
        s.push_str(&format!("- {}\n", text(a)));
    }
    if r.actions.is_empty() {
        s.push_str("- none\n");
    }
    s.push('\n');
    s
}

/// Appends `text` to the file at `path` (created if missing).
pub fn append(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_298_068);
        assert_eq!(timestamp(t), "2026-12-03T11:41:08Z");
        assert_eq!(timestamp(std::time::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let leap = std::time::UNIX_EPOCH + std::time::Duration::from_secs(951_782_400);
        assert_eq!(timestamp(leap), "2000-02-29T00:00:00Z");
    }
}
