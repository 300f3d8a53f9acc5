//! The one fingerprint of a finding: what SARIF's `partialFingerprints`, the baseline
//! (`--write-baseline`, `--baseline`) and the bot's line comments track a finding by.
//!
//! It is made of the rule id, the file's path, the message and the text under the primary
//! span (each with its whitespace runs collapsed to one space), and the occurrence index
//! among the findings with those same four parts. Line and column numbers are not part of it:
//! a finding keeps its fingerprint when lines are added or removed above it, and changes it
//! when its own text (the message, or the source under the caret) changes.
//!
//! The hash is FNV-1a over 64 bits (fixed, so fingerprints stay the same across builds and
//! platforms), written as 16 hex digits, then `:` and the occurrence index.

use super::Located;
use std::collections::HashMap;

/// The SARIF `partialFingerprints` key the fingerprint is written under.
pub const SARIF_KEY: &str = "portalint/v1";

fn fnv(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x0100_0000_01b3);
    }
}

/// Hashes `text` with whitespace runs as one space and no leading or trailing whitespace.
fn fnv_normalised(h: &mut u64, text: &str) {
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            fnv(h, b" ");
        }
        fnv(h, word.as_bytes());
    }
    // A separator no text holds, so `("ab", "c")` and `("a", "bc")` differ.
    fnv(h, &[0xff]);
}

/// The text under the primary span (empty for a file without text or an empty span).
fn span_text(d: &Located) -> String {
    let p = &d.primary;
    let Some(source) = &p.source else {
        return String::new();
    };
    source
        .slice(p.start, p.end)
        .map(|s| s.chars().take(4096).collect())
        .unwrap_or_default()
}

/// The content hash of a finding, without its occurrence index.
fn content_hash(d: &Located) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    fnv_normalised(&mut h, d.rule.as_str());
    fnv_normalised(&mut h, &d.primary.path);
    fnv_normalised(&mut h, &d.message);
    fnv_normalised(&mut h, &span_text(d));
    h
}

/// The fingerprints of `diags`, in their order. The occurrence index counts, in that order
/// (file, line, rule), the earlier findings with the same content, so two identical findings
/// in one file get two fingerprints.
pub fn fingerprints(diags: &[Located]) -> Vec<String> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    diags
        .iter()
        .map(|d| {
            let h = content_hash(d);
            let n = seen.entry(h).or_insert(0);
            let fp = format!("{h:016x}:{n}");
            *n += 1;
            fp
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Loc, Source};
    use crate::rules::diagnostic::Severity;
    use crate::rules::RuleId;

    fn at(text: &str, needle: &str, message: &str) -> Located {
        let start = text.find(needle).expect("needle") as u32;
        let end = start + needle.len() as u32;
        let line = text[..start as usize].lines().count().max(1);
        Located {
            rule: RuleId::from_id("k8s-label-value").expect("rule"),
            severity: Severity::Error,
            message: message.into(),
            help: None,
            primary: Loc {
                path: "a.yaml".into(),
                origin: crate::parse::source::Origin::Checked,
                line,
                column: 1,
                end_line: line,
                end_column: 2,
                message: None,
                start,
                end,
                source: Some(Source::text(text.into())),
            },
            labels: Vec::new(),
        }
    }

    #[test]
    fn lines_do_not_count_text_does() {
        let before = "a: 1\nname: Bad_Name\n";
        let after = "# a comment\n\n\na: 1\nname: Bad_Name\n";
        let one = fingerprints(&[at(before, "Bad_Name", "bad name")]);
        let moved = fingerprints(&[at(after, "Bad_Name", "bad name")]);
        assert_eq!(one, moved, "moved lines keep the fingerprint");
        let edited = fingerprints(&[at(after, "Bad_Name", "bad  name ")]);
        assert_eq!(one, edited, "whitespace is normalised");
        let other = fingerprints(&[at("name: Other_Name\n", "Other_Name", "bad name")]);
        assert_ne!(one, other, "the span's text counts");
        let msg = fingerprints(&[at(before, "Bad_Name", "worse name")]);
        assert_ne!(one, msg, "the message counts");
    }

    #[test]
    fn identical_findings_get_an_occurrence_index() {
        let text = "x: Bad\ny: Bad\n";
        let a = at(text, "Bad", "bad");
        let fps = fingerprints(&[a.clone(), a]);
        assert_ne!(fps[0], fps[1]);
        assert!(fps[0].ends_with(":0") && fps[1].ends_with(":1"), "{fps:?}");
        assert_eq!(fps[0].split(':').next(), fps[1].split(':').next());
    }
}
