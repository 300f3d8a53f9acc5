//! SARIF 2.1.0 for GitHub code scanning: every rule with its documentation as help, every
//! finding as a result with its physical location and region (1-based lines, Unicode code
//! point columns, exclusive end column) and its secondary labels as related locations.

use super::{Located, Summary};
use crate::rules::diagnostic::Severity;
use crate::rules::ALL_RULES;
use serde_json::json;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn location(l: &super::Loc) -> serde_json::Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(&l.path), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": l.line,
                "startColumn": l.column,
                "endLine": l.end_line,
                "endColumn": l.end_column.max(if l.end_line == l.line { l.column + 1 } else { 1 }),
            }
        }
    })
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

/// Renders the SARIF log.
pub fn render(diags: &[Located], _summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let rules: Vec<serde_json::Value> = ALL_RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.id,
                "shortDescription": {"text": m.summary()},
                "fullDescription": {"text": m.summary()},
                "help": {"text": m.summary(), "markdown": crate::docs::rule_page(m)},
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {"tags": [m.category.as_str(), m.pack.as_str()]},
            })
        })
        .collect();
    let index = |id: crate::rules::RuleId| ALL_RULES.iter().position(|r| *r == id);
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let related: Vec<serde_json::Value> = d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut v = location(l);
                    v["id"] = json!(i);
                    v["message"] = json!({"text": l.message.clone().unwrap_or_default()});
                    v
                })
                .collect();
            let mut r = json!({
                "ruleId": d.rule.as_str(),
                "level": level(d.severity),
                "message": {"text": text},
                "locations": [location(&d.primary)],
            });
            if let Some(i) = index(d.rule) {
                r["ruleIndex"] = json!(i);
            }
            if !related.is_empty() {
                r["relatedLocations"] = json!(related);
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "portalint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/open-service-portal/portalint",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    super::escape::write_json_pretty(&mut *w, &doc)?;
    writeln!(w)
}
