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

/// One finding of the JSON document.
fn item(d: &Located, fingerprint: &str) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("rule".into(), json!(d.rule.as_str()));
    m.insert("severity".into(), json!(d.severity.as_str()));
    m.extend(position(&d.primary));
    m.insert("message".into(), json!(d.message));
    m.insert("help".into(), json!(d.help));
    m.insert("fingerprint".into(), json!(fingerprint));
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
}

/// The `summary` member.
fn summary_value(summary: &Summary) -> serde_json::Value {
    let mut doc = json!({
        "files": summary.files,
        "documents": summary.documents,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "skipped": summary.skipped,
        "baselined": summary.baselined,
        "excluded": summary.excluded,
        "ignored": summary.ignored,
        "per_path_ignored": summary.per_path_ignored,
        "not_shown": summary.not_shown,
    });
    if !summary.quality.is_empty() {
        // The onboarding quality score per BU repository (formula: rules/bu-quality-score.md).
        doc["quality"] = summary
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

/// The JSON document (see `schemas/report.schema.json`), its findings made one at a time
/// while it is written.
#[derive(serde::Serialize)]
#[serde(bound = "F: Fn(usize) -> serde_json::Value")]
struct Document<F> {
    version: u32,
    diagnostics: super::escape::LazySeq<F>,
    summary: serde_json::Value,
}

/// Renders the JSON document, streamed: one finding's tree in memory at a time.
pub fn render(diags: &[Located], summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let fingerprints = super::fingerprint::fingerprints(diags);
    let doc = Document {
        version: 1,
        diagnostics: super::escape::LazySeq {
            len: diags.len(),
            item: |i: usize| item(&diags[i], &fingerprints[i]),
        },
        summary: summary_value(summary),
    };
    // Control characters and the like as `\uXXXX` (see `escape`): the same strings, no raw bytes.
    super::escape::write_json_pretty(&mut *w, &doc)?;
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
