//! Diagnostics as plain data: rule id, severity, message, primary and secondary labels, help.
//! No I/O and no formatting here; reporters render, `policy` filters.

use crate::parse::source::Span;
use crate::rules::RuleId;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A convention or a likely bug.
    Warning,
    /// The consumer rejects it or breaks at runtime.
    Error,
}

impl Severity {
    /// The lowercase name used in output and config.
    pub fn as_str(self) -> &'static str {
        match self {
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
}

impl Diagnostic {
    /// Adds a secondary label.
    pub fn label(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        self.secondary.push(Label {
            span,
            message: Some(message.into()),
        });
        self
    }
    /// Sets the help text.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
    /// Sets the message of the primary label.
    pub fn note(&mut self, message: impl Into<String>) -> &mut Self {
        self.primary.message = Some(message.into());
        self
    }
}
