//! SARIF 2.1.0 for GitHub code scanning.
//!
//! - `tool.driver.rules` holds the rules that fired (sorted by id), each with its page as
//!   help (no generator comment, links absolute: [`crate::docs::rule_help`]) and `helpUri` to
//!   it; so a run's log grows with its findings, not with the rule registry.
//! - Every finding is a result with its physical location and region (1-based lines, Unicode
//!   code point columns, exclusive end column) and `partialFingerprints`
//!   ([`super::fingerprint`]: no line numbers, so code scanning keeps tracking an alert when
//!   lines move).
//! - Secondary labels are related locations. A label in a file of the checked tree has a
//!   region; a label in another revision (the base of a change) names the file with no region
//!   and says which revision and line in its message; a label in an XRD source outside the
//!   checked tree (`--xrds`) is a message only, as it is not a file of the repository.
//! - `invocations[0]` says whether the run succeeded; a run that ends in a usage, config or
//!   internal error (exit 2) still writes a log ([`render_error`]), the error as a tool
//!   execution notification.

use super::{Located, Summary};
use crate::parse::source::Origin;
use crate::rules::diagnostic::Severity;
use crate::rules::RuleId;
use serde_json::json;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn artifact(path: &str) -> serde_json::Value {
    json!({"uri": uri(path), "uriBaseId": "%SRCROOT%"})
}

fn region(l: &super::Loc) -> serde_json::Value {
    json!({
        "startLine": l.line,
        "startColumn": l.column,
        "endLine": l.end_line,
        "endColumn": l.end_column.max(if l.end_line == l.line { l.column + 1 } else { 1 }),
    })
}

/// Where another revision's text is: said in words, as its lines are not the checked tree's.
fn elsewhere(l: &super::Loc) -> Option<String> {
    match &l.origin {
        Origin::Checked => None,
        Origin::Revision { rev, .. } => Some(format!(
            "line {} of {code0} in revision {code1}",
            l.line,
            code0 = crate::parse::text::code(&l.path),
            code1 = crate::parse::text::code(&rev)
        )),
        Origin::Source => Some(format!(
            "line {} of {code0} (an XRD source outside the repository)",
            l.line,
            code0 = crate::parse::text::code(&l.path)
        )),
    }
}

/// A location object; `text` is its message (for a related location).
fn location(l: &super::Loc, text: Option<&str>) -> serde_json::Value {
    let mut v = match l.origin {
        Origin::Checked => json!({"physicalLocation": {"artifactLocation": artifact(&l.path), "region": region(l)}}),
        Origin::Revision { .. } => json!({"physicalLocation": {"artifactLocation": artifact(&l.path)}}),
        Origin::Source => json!({}),
    };
    let mut message: Vec<String> = text.filter(|t| !t.is_empty()).map(str::to_string).into_iter().collect();
    if let Some(e) = elsewhere(l) {
        message.push(format!("({e})"));
    }
    if text.is_some() || !message.is_empty() {
        v["message"] = json!({"text": message.join(" ")});
    }
    v
}

/// A relative path as a URI reference (percent-encoding what a URI may not hold).
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn rule(id: RuleId) -> serde_json::Value {
    let m = id.meta();
    json!({
        "id": m.id,
        "shortDescription": {"text": m.summary()},
        "fullDescription": {"text": m.summary()},
        "helpUri": crate::docs::rule_url(m),
        "help": {
            "text": format!("{}\n\nSee {}", m.summary(), crate::docs::rule_url(m)),
            "markdown": crate::docs::rule_help(m),
        },
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": {"tags": [m.category.as_str(), m.pack.as_str()]},
    })
}

fn driver(rules: Vec<serde_json::Value>) -> serde_json::Value {
    json!({
        "name": "portalint",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": crate::docs::REPOSITORY_URL,
        "rules": rules,
    })
}

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn log(run: serde_json::Value) -> serde_json::Value {
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

/// One result of the log.
fn result(d: &Located, fingerprint: &str, fired: &[RuleId]) -> serde_json::Value {
    let mut text = d.message.clone();
    if let Some(e) = elsewhere(&d.primary) {
        text.push_str(&format!(" ({e})"));
    }
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    let related: Vec<serde_json::Value> = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut v = location(l, Some(l.message.as_deref().unwrap_or_default()));
            v["id"] = json!(i);
            v
        })
        .collect();
    let mut primary = location(&d.primary, None);
    if d.primary.origin == Origin::Source {
        // A result needs a file of the repository; none is known: no location.
        primary = serde_json::Value::Null;
    }
    let mut r = json!({
        "ruleId": d.rule.as_str(),
        "ruleIndex": fired.iter().position(|r| *r == d.rule),
        "level": level(d.severity),
        "message": {"text": text},
        "locations": if primary.is_null() { json!([]) } else { json!([primary]) },
        "partialFingerprints": {super::fingerprint::SARIF_KEY: fingerprint},
    });
    if !related.is_empty() {
        r["relatedLocations"] = json!(related);
    }
    r
}

/// The SARIF log of a run, its results made one at a time while it is written (the members
/// in the order [`error_document`] writes them).
#[derive(serde::Serialize)]
#[serde(bound = "F: Fn(usize) -> serde_json::Value")]
struct Log<F> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<F>; 1],
}

#[derive(serde::Serialize)]
#[serde(bound = "F: Fn(usize) -> serde_json::Value")]
struct Run<F> {
    tool: serde_json::Value,
    invocations: serde_json::Value,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    results: super::escape::LazySeq<F>,
}

/// Renders the SARIF log, streamed: one result's tree in memory at a time.
pub fn render(diags: &[Located], summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut fired: Vec<RuleId> = diags.iter().map(|d| d.rule).collect();
    fired.sort_by_key(|r| r.as_str());
    fired.dedup();
    let fingerprints = super::fingerprint::fingerprints(diags);
    let mut invocation = json!({"executionSuccessful": true});
    let mut notes = Vec::new();
    if summary.baselined > 0 {
        notes.push(json!({
            "level": "note",
            "message": {"text": super::baseline::not_shown(summary.baselined)},
        }));
    }
    if let Some(over) = summary.over_budget() {
        notes.push(json!({"level": "warning", "message": {"text": over}}));
    }
    if !notes.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notes);
    }
    let fired_ref = &fired;
    let doc = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": driver(fired.iter().copied().map(rule).collect())}),
            invocations: json!([invocation]),
            column_kind: "unicodeCodePoints",
            results: super::escape::LazySeq {
                len: diags.len(),
                item: |i: usize| result(&diags[i], &fingerprints[i], fired_ref),
            },
        }],
    };
    super::escape::write_json_pretty(&mut *w, &doc)?;
    writeln!(w)
}

/// The log of a run that ended in an error (exit 2): no results, the run marked as failed,
/// the error as a tool execution notification (at its file, line and column when it has one,
/// so that code scanning shows a config error on the config file).
pub fn error_document(error: &str, at: Option<&super::output::ErrorAt>) -> serde_json::Value {
    let mut notification = json!({"level": "error", "message": {"text": error}});
    if let Some(at) = at {
        notification["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": if at.path.starts_with('/') {
                    json!({"uri": format!("file://{}", uri(&at.path))})
                } else {
                    artifact(&at.path)
                },
                "region": {"startLine": at.line, "startColumn": at.column},
            }
        }]);
    }
    log(json!({
        "tool": {"driver": driver(Vec::new())},
        "invocations": [{
            "executionSuccessful": false,
            "exitCode": 2,
            "toolExecutionNotifications": [notification],
        }],
        "columnKind": "unicodeCodePoints",
        "results": [],
    }))
}

/// Renders [`error_document`].
pub fn render_error(error: &str, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    super::escape::write_json_pretty(&mut *w, &error_document(error, None))?;
    writeln!(w)
}
