//! The versioned JSON output (`"version": 1`), documented in `docs/output.md`. Strings hold
//! the input's text unchanged; control, separator and bidi characters are `\uXXXX` escapes.

use super::{Located, Summary};
use serde_json::json;

/// Renders the JSON document.
pub fn render(diags: &[Located], summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            json!({
                "rule": d.rule.as_str(),
                "severity": d.severity.as_str(),
                "path": d.primary.path,
                "line": d.primary.line,
                "column": d.primary.column,
                "end_line": d.primary.end_line,
                "end_column": d.primary.end_column,
                "message": d.message,
                "help": d.help,
                "labels": d.labels.iter().map(|l| json!({
                    "path": l.path,
                    "line": l.line,
                    "column": l.column,
                    "end_line": l.end_line,
                    "end_column": l.end_column,
                    "message": l.message,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut doc = json!({
        "version": 1,
        "diagnostics": items,
        "summary": {
            "files": summary.files,
            "documents": summary.documents,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "skipped": summary.skipped,
        }
    });
    if !summary.quality.is_empty() {
        // The onboarding quality score per BU repository (formula: rules/bu-quality-score.md).
        doc["summary"]["quality"] = summary
            .quality
            .iter()
            .map(|q| {
                json!({
                    "repo": q.repo,
                    "unit": q.unit,
                    "score": q.score,
                    "entities": q.entities,
                    "below_threshold": q.below_threshold,
                    "failing": q.failing.iter().map(|(c, n)| (c.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
                })
            })
            .collect();
    }
    // Control characters and the like as `\uXXXX` (see `escape`): the same strings, no raw bytes.
    super::escape::write_json_pretty(&mut *w, &doc)?;
    writeln!(w)
}
