//! The versioned JSON output (`"version": 1`), documented in `docs/output.md`. Strings hold
//! the input's text unchanged; control, separator and bidi characters are `\uXXXX` escapes.

use super::{Located, Summary};
use serde_json::json;

fn position(l: &super::Loc) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("path".into(), json!(l.path));
    if let Some(rev) = l.revision() {
        m.insert("revision".into(), json!(rev));
    }
    m.insert("line".into(), json!(l.line));
    m.insert("column".into(), json!(l.column));
    m.insert("end_line".into(), json!(l.end_line));
    m.insert("end_column".into(), json!(l.end_column));
    m
}

/// The JSON document (see `schemas/report.schema.json`).
pub fn document(diags: &[Located], summary: &Summary) -> serde_json::Value {
    let fingerprints = super::fingerprint::fingerprints(diags);
    let items: Vec<serde_json::Value> = diags
        .iter()
        .zip(fingerprints)
        .map(|(d, fp)| {
            let mut m = serde_json::Map::new();
            m.insert("rule".into(), json!(d.rule.as_str()));
            m.insert("severity".into(), json!(d.severity.as_str()));
            m.extend(position(&d.primary));
            m.insert("message".into(), json!(d.message));
            m.insert("help".into(), json!(d.help));
            m.insert("fingerprint".into(), json!(fp));
            let labels: Vec<serde_json::Value> = d
                .labels
                .iter()
                .map(|l| {
                    let mut m = position(l);
                    m.insert("message".into(), json!(l.message));
                    serde_json::Value::Object(m)
                })
                .collect();
            m.insert("labels".into(), json!(labels));
            serde_json::Value::Object(m)
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
            "baselined": summary.baselined,
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
    doc
}

/// Renders the JSON document.
pub fn render(diags: &[Located], summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Control characters and the like as `\uXXXX` (see `escape`): the same strings, no raw bytes.
    super::escape::write_json_pretty(&mut *w, &document(diags, summary))?;
    writeln!(w)
}

/// The JSON document of a run that ended in an error (exit 2): `"error"` holds the message,
/// `"location"` its file, line and column when it has one (a config error).
pub fn error_document(error: &str, at: Option<&super::output::ErrorAt>) -> serde_json::Value {
    let mut doc = json!({"version": 1, "error": error});
    if let Some(at) = at {
        doc["location"] = json!({"path": at.path, "line": at.line, "column": at.column});
    }
    doc
}
