//! A Markdown summary for `$GITHUB_STEP_SUMMARY` and PR comments: totals, then one table row
//! per finding (at most [`MAX_ROWS`]; the rest are counted).

use super::{Located, Summary};
use crate::rules::diagnostic::Severity;

/// Findings listed in full; a PR comment must stay under GitHub's 65 536 characters.
pub const MAX_ROWS: usize = 200;

/// Escapes text for a table cell.
pub fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}

/// The summary heading line.
pub fn heading(summary: &Summary) -> String {
    if summary.errors + summary.warnings == 0 {
        format!("### ✅ portalint: no findings in {} files", summary.files)
    } else {
        format!(
            "### {} portalint: {} error{}, {} warning{} in {} files",
            if summary.errors > 0 { "❌" } else { "⚠️" },
            summary.errors,
            if summary.errors == 1 { "" } else { "s" },
            summary.warnings,
            if summary.warnings == 1 { "" } else { "s" },
            summary.files
        )
    }
}

/// Renders the summary.
pub fn render(diags: &[Located], summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(w, "{}\n", heading(summary))?;
    if diags.is_empty() {
        return Ok(());
    }
    writeln!(w, "| Severity | Rule | Location | Message |")?;
    writeln!(w, "|---|---|---|---|")?;
    for d in diags.iter().take(MAX_ROWS) {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = cell(&d.message);
        if let Some(h) = &d.help {
            message.push_str(&format!("<br>help: {}", cell(h)));
        }
        writeln!(
            w,
            "| {sev} | `{}` | `{}:{}:{}` | {message} |",
            d.rule,
            cell(&d.primary.path),
            d.primary.line,
            d.primary.column
        )?;
    }
    if diags.len() > MAX_ROWS {
        writeln!(w, "\n… and {} more findings.", diags.len() - MAX_ROWS)?;
    }
    Ok(())
}
