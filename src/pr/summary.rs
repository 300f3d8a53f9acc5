//! The bot's texts for GitHub: the summary comment (verdict, reasons, quotas, findings, the
//! merge state), kept under GitHub's 65 536-character limit for a comment body, and the
//! shortening of long lists. Everything from the PR's files or the policy goes through
//! [`crate::report::markdown`]; nothing here talks to GitHub.

use crate::gate::Decision;
use crate::pr::verdict::Report;
use crate::report;

/// GitHub refuses a comment or review body longer than this (characters).
pub const MAX_BODY: usize = 65_536;
/// The most table rows (reasons, quotas) a summary shows.
const MAX_ROWS: usize = 50;

/// `items` joined with `, `, at most `max` of them, then `and N more`.
pub fn shorten(items: &[String], max: usize) -> String {
    if items.len() <= max {
        return items.join(", ");
    }
    format!("{} and {} more", items[..max].join(", "), items.len() - max)
}

/// `body` cut to at most `limit` bytes at a line end, with a last line saying it was cut and
/// where the whole report is (the job summary and the SARIF file of the run). Bytes, not
/// characters: GitHub documents its limit in characters, and a byte count is never below a
/// count of characters or of UTF-16 units, so the cut body fits however GitHub counts (a
/// summary quoting non-ASCII keys has up to four bytes a character).
pub fn fit(body: &str, limit: usize) -> String {
    if body.len() <= limit {
        return body.to_string();
    }
    let note = format!(
        "\n\n**This comment is truncated** ({} characters, {} bytes; GitHub allows {MAX_BODY}): the \
         full report is in the job summary of this run and in its SARIF file.\n",
        body.chars().count(),
        body.len()
    );
    let mut keep = limit.saturating_sub(note.len() + 8).min(body.len());
    while !body.is_char_boundary(keep) {
        keep -= 1;
    }
    let cut = &body[..keep];
    let cut = match cut.rfind('\n') {
        Some(i) => &cut[..i],
        None => cut,
    };
    // A cut inside a fenced block would swallow the note.
    let fence = if cut.matches("\n```").count() % 2 == 1 {
        "\n```"
    } else {
        ""
    };
    format!("{cut}{fence}{note}")
}

/// The summary: verdict, reasons, quotas, then `status` (what the bot did or waits for),
/// then the findings on changed lines. Not yet fitted ([`fit`]).
pub fn markdown(r: &Report, status: &[String]) -> String {
    use crate::report::markdown::{cell, code, code_cell, text};
    let v = &r.verdict;
    let icon = match r.decision {
        Decision::AutoMerge => "✅",
        Decision::ReviewRequired => "👀",
        Decision::Reject => "⛔",
    };
    let mut s = format!(
        "## {icon} portalint verdict: {code0}\n\nEvaluated head {} merged into {} ({}).\n",
        code(&r.head_commit),
        code(&r.base),
        code(&r.base_commit[..r.base_commit.len().min(12)]),
        code0 = code(r.decision.as_str())
    );
    if !status.is_empty() {
        s.push('\n');
        for line in status {
            s.push_str(&format!("**Status:** {}\n", text(line)));
        }
    }
    if !v.reasons.is_empty() {
        s.push_str("\n| Reason | Decides | Where | Why |\n|---|---|---|---|\n");
        for reason in v.reasons.iter().take(MAX_ROWS) {
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
                "| {code0} | {} | {at} | {}{rule} |\n",
                reason.decision.as_str(),
                cell(&clip(&reason.message, 600)),
                code0 = code_cell(&reason.code.to_string())
            ));
        }
        if v.reasons.len() > MAX_ROWS {
            s.push_str(&format!(
                "\n… and {} more reason(s): see the job summary.\n",
                v.reasons.len() - MAX_ROWS
            ));
        }
    }
    if !v.quotas.is_empty() {
        s.push_str("\n| Quota | Before | After | Soft | Hard |\n|---|---|---|---|---|\n");
        for q in v.quotas.iter().take(MAX_ROWS) {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&q.quota),
                cell(&q.before),
                cell(&q.after),
                q.soft.as_deref().map_or_else(|| "–".to_string(), cell),
                q.hard.as_deref().map_or_else(|| "–".to_string(), cell)
            ));
        }
        if v.quotas.len() > MAX_ROWS {
            s.push_str(&format!("\n… and {} more quota(s).\n", v.quotas.len() - MAX_ROWS));
        }
    }
    let new_errors = v
        .reasons
        .iter()
        .filter(|r| r.code == crate::gate::ReasonCode::Lint)
        .count();
    if new_errors + v.existing.len() > 0 {
        s.push_str(&format!(
            "\n**Error findings:** {new_errors} new, {} existing in the base (not deciding).\n",
            v.existing.len()
        ));
    }
    if !v.existing.is_empty() {
        s.push_str("\n| Existing | Where | Why |\n|---|---|---|\n");
        for e in v.existing.iter().take(MAX_ROWS) {
            let at = match (&e.file, e.line) {
                (Some(f), Some(l)) => code_cell(&format!("{f}:{l}")),
                (Some(f), None) => code_cell(f),
                _ => String::new(),
            };
            let rule = e.rule.as_ref().map(|r| cell(r)).unwrap_or_default();
            s.push_str(&format!("| {rule} | {at} | {} |\n", cell(&clip(&e.message, 600))));
        }
        if v.existing.len() > MAX_ROWS {
            s.push_str(&format!(
                "\n… and {} more existing finding(s).\n",
                v.existing.len() - MAX_ROWS
            ));
        }
    }
    let mut md = Vec::new();
    let _ = report::markdown::render(&r.changed_line_findings, &r.changed_line_summary, &mut md);
    s.push('\n');
    // The heading is the first line; nothing from the input can hold `### ` (`#` is quoted).
    let rendered = String::from_utf8_lossy(&md).into_owned();
    let clean = r.changed_line_summary.errors + r.changed_line_summary.warnings == 0;
    if clean && r.decision != Decision::AutoMerge {
        // Never "no findings" above a rejection: the changed lines are clean, the reasons are not.
        let rest = rendered.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
        s.push_str(&format!(
            "#### Findings on changed lines: none in {} files (the reasons above decide)\n{rest}",
            r.changed_line_summary.files
        ));
    } else {
        s.push_str(&rendered.replacen("### ", "#### Findings on changed lines: ", 1));
    }
    s
}

/// `s` cut to `max` characters (with `…`): a finding's message can list every known field.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_at_a_line_and_says_so() {
        let body: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
        let out = fit(&body, MAX_BODY);
        assert!(out.chars().count() <= MAX_BODY);
        assert!(out.contains("truncated") && out.contains("SARIF"));
        assert!(out.contains("\nline 10\n"));
        assert_eq!(fit("short\n", MAX_BODY), "short\n");
        // Four bytes a character: under the limit in characters, over it in bytes.
        let wide: String = (0..2_000).map(|i| format!("{i} {}\n", "😀".repeat(10))).collect();
        assert!(wide.chars().count() < MAX_BODY && wide.len() > MAX_BODY);
        let out = fit(&wide, MAX_BODY);
        assert!(out.len() <= MAX_BODY && out.contains("truncated"), "{}", out.len());
        assert!(out.contains("\n100 😀"), "cut at a line end, on a character boundary");
    }

    #[test]
    fn shorten_counts_the_rest() {
        let items: Vec<String> = (0..12).map(|i| format!("c{i}")).collect();
        assert_eq!(shorten(&items[..2], 10), "c0, c1");
        assert_eq!(shorten(&items, 3), "c0, c1, c2 and 9 more");
    }
}
