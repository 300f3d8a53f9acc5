//! Diagnostics as plain data: rule id, severity, message, primary and secondary labels, help.
//! No I/O and no formatting here; reporters render, `policy` filters.

use crate::parse::source::Span;
use crate::rules::RuleId;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A note: what portalint did not check and why (a skipped file). Never fails a run and
    /// is not counted as a finding.
    Info,
    /// A convention or a likely bug.
    Warning,
    /// The consumer rejects it or breaks at runtime.
    Error,
}

impl Severity {
    /// The lowercase name used in output and config.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with an optional message ("XRD defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there (secondary labels should always say).
    pub message: Option<String>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that found it.
    pub rule: RuleId,
    /// Its severity (the rule's default until `policy` applies overrides).
    pub severity: Severity,
    /// One sentence, lowercase start, no trailing period, names in backticks.
    pub message: String,
    /// The offending node.
    pub primary: Label,
    /// Related places, possibly in other files.
    pub secondary: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// The mechanical edit that resolves it, when there is exactly one (`portalint check
    /// --fix` applies it).
    pub fix: Option<Fix>,
}

/// One replacement of a byte range of a checked file (an insertion when the range is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The bytes replaced.
    pub span: Span,
    /// What replaces them.
    pub replacement: String,
}

/// The edits that together resolve one finding, all in the file of its primary span. Two
/// findings may carry the same edit (the `resources:` key two missing entries both need):
/// applied together, it is made once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// The edits, in any order; they do not overlap one another.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix of one edit.
    pub fn replace(span: Span, replacement: impl Into<String>) -> Fix {
        Fix {
            edits: vec![Edit {
                span,
                replacement: replacement.into(),
            }],
        }
    }
    /// Inserts `text` at byte `at` of `span`'s file.
    pub fn insert(file: crate::parse::source::FileId, at: u32, text: impl Into<String>) -> Fix {
        Fix::replace(Span::new(file, at, at), text)
    }
}

/// The longest message, label or help a finding keeps, in bytes. A message quotes names and
/// values from the checked file; a key of a megabyte must not make every finding (and the
/// report, times the findings) a megabyte.
pub const MAX_TEXT: usize = 1024;

/// `text` cut to [`MAX_TEXT`] bytes at a character boundary, saying that it was cut.
pub fn bounded(text: impl Into<String>) -> String {
    let mut text = text.into();
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let cut = text.len() - end;
        text.truncate(end);
        text.push_str(&format!("… ({cut} more bytes not shown)"));
    }
    text
}

impl Diagnostic {
    /// Adds a secondary label.
    pub fn label(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        self.secondary.push(Label {
            span,
            message: Some(bounded(message)),
        });
        self
    }
    /// Sets the help text.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(bounded(help));
        self
    }
    /// Attaches the mechanical fix (`None` leaves the finding without one).
    pub fn fix(&mut self, fix: Option<Fix>) -> &mut Self {
        debug_assert!(
            fix.is_none() || self.rule.meta().fixable,
            "rule `{}` attaches a fix but is not declared `fix: true`",
            self.rule.as_str()
        );
        self.fix = fix;
        self
    }
    /// Sets the message of the primary label.
    pub fn note(&mut self, message: impl Into<String>) -> &mut Self {
        self.primary.message = Some(bounded(message));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::bounded;

    #[test]
    fn long_texts_are_cut_at_a_character_boundary() {
        assert_eq!(bounded("short"), "short");
        let long = format!("`{}`", "é".repeat(2000));
        let cut = bounded(long.clone());
        assert!(cut.len() < 1100, "{}", cut.len());
        assert!(long.starts_with(cut.split('…').next().expect("prefix")));
        assert!(cut.ends_with("more bytes not shown)"), "{cut}");
    }
}
