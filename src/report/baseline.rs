//! The baseline: the findings a repository already had when it adopted portalint, recorded
//! by fingerprint ([`super::fingerprint`], the same as SARIF's `partialFingerprints`) so that
//! a check reports only the new ones.
//!
//! `--write-baseline FILE` records every finding of the run; `--baseline FILE` leaves out the
//! findings whose fingerprint the file holds and says how many it left out (the summary line
//! "N findings in the baseline not shown"): nothing is filtered silently. A finding whose
//! lines moved keeps its fingerprint and stays baselined; one whose message or source text
//! changed is new; a fixed finding is simply not found any more.
//!
//! The file is JSON (`"version": 1`), one entry per finding with its rule, path and message
//! next to the fingerprint, so that a reviewer can read what was accepted.

use super::{Located, Summary};
use crate::parse::text::code;
use crate::rules::diagnostic::Severity;
use serde_json::json;
use std::collections::HashSet;
use std::path::Path;

/// The summary line for `n` findings left out.
pub fn not_shown(n: usize) -> String {
    if n == 1 {
        "1 finding in the baseline not shown".to_string()
    } else {
        format!("{n} findings in the baseline not shown")
    }
}

/// A loaded baseline: the fingerprints it holds.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    /// Reads a baseline file; the error names the file and says what is wrong.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline {code0}: {e}", code0 = code(&shown)))?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            format!(
                "the baseline {code0} is not JSON ({e}, line {} column {})",
                e.line(),
                e.column(),
                code0 = code(&shown)
            )
        })?;
        if value.get("version").and_then(serde_json::Value::as_u64) != Some(1) {
            return Err(format!(
                "the baseline {code0} is not a portalint baseline of version 1 (no `\"version\": 1`); \
                 write one with {code1}",
                code0 = code(&shown),
                code1 = code(&format!("portalint check --write-baseline {shown}"))
            ));
        }
        let findings = value
            .get("findings")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| format!("the baseline {code0} has no `findings` list", code0 = code(&shown)))?;
        let mut fingerprints = HashSet::new();
        for (i, f) in findings.iter().enumerate() {
            let fp = f
                .get("fingerprint")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| {
                    format!(
                        "the baseline {code0}: finding {} has no `fingerprint` string",
                        i + 1,
                        code0 = code(&shown)
                    )
                })?;
            fingerprints.insert(fp.to_string());
        }
        Ok(Baseline { fingerprints })
    }

    /// For each finding, whether it is new (its fingerprint is not in the baseline).
    pub fn new_findings(&self, diags: &[Located]) -> Vec<bool> {
        super::fingerprint::fingerprints(diags)
            .iter()
            .map(|fp| !self.fingerprints.contains(fp))
            .collect()
    }

    /// Leaves out the findings the baseline holds; the totals are counted again and
    /// `baselined` says how many were left out.
    pub fn apply(&self, diags: Vec<Located>, summary: &mut Summary) -> Vec<Located> {
        let fingerprints = super::fingerprint::fingerprints(&diags);
        let before = diags.len();
        let kept: Vec<Located> = diags
            .into_iter()
            .zip(fingerprints)
            .filter(|(_, fp)| !self.fingerprints.contains(fp))
            .map(|(d, _)| d)
            .collect();
        summary.baselined += before - kept.len();
        summary.errors = kept.iter().filter(|d| d.severity == Severity::Error).count();
        summary.warnings = kept.len() - summary.errors;
        kept
    }
}

/// The baseline document of `diags`.
pub fn document(diags: &[Located]) -> serde_json::Value {
    let fingerprints = super::fingerprint::fingerprints(diags);
    let findings: Vec<serde_json::Value> = diags
        .iter()
        .zip(fingerprints)
        .map(|(d, fp)| {
            json!({
                "fingerprint": fp,
                "rule": d.rule.as_str(),
                "path": d.primary.path,
                "message": d.message,
            })
        })
        .collect();
    json!({"version": 1, "tool": "portalint", "findings": findings})
}

/// Writes the baseline of `diags` to `path` (atomically: a reader sees the old file or the
/// new one).
pub fn write(path: &Path, diags: &[Located]) -> Result<(), String> {
    let mut buf = Vec::new();
    super::escape::write_json_pretty(&mut buf, &document(diags)).map_err(|e| e.to_string())?;
    buf.push(b'\n');
    super::output::write_atomic(path, &buf)
        .map_err(|e| format!("cannot write the baseline {code0}: {e}", code0 = code(&path.display())))
}
