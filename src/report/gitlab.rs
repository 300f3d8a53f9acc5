//! GitLab Code Quality (`artifacts:reports:codequality`): a JSON array with one issue per
//! finding, with the fields GitLab documents and reads: `description`, `check_name`,
//! `fingerprint` ([`super::fingerprint`], unique in the report and stable when lines move),
//! `severity` (`major` for an error, `minor` for a warning), `location.path` (relative to the
//! repository root) and `location.lines.begin`. Strings are written as in the JSON format
//! ([`super::escape::write_json_pretty`]).

use super::{Located, Summary};
use crate::parse::text::code;
use crate::rules::diagnostic::Severity;
use serde_json::json;

/// The report.
pub fn document(diags: &[Located]) -> serde_json::Value {
    let fingerprints = super::fingerprint::fingerprints(diags);
    diags
        .iter()
        .zip(fingerprints)
        .map(|(d, fp)| {
            let mut description = d.message.clone();
            if let Some(rev) = d.primary.revision() {
                description.push_str(&format!(" (in revision {code0})", code0 = code(&rev)));
            }
            if let Some(h) = &d.help {
                description.push_str(&format!(" (help: {h})"));
            }
            json!({
                "description": description,
                "check_name": d.rule.as_str(),
                "fingerprint": fp,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": {
                    "path": d.primary.path,
                    "lines": {"begin": d.primary.line, "end": d.primary.end_line},
                },
            })
        })
        .collect()
}

/// Renders the report.
pub fn render(diags: &[Located], _summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    super::escape::write_json_pretty(&mut *w, &document(diags))?;
    writeln!(w)
}
