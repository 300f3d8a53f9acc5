//! Rendering diagnostics. Line and column are computed here and nowhere else (1-based,
//! columns in Unicode scalar values). Reporters never filter and never change severity.
//! Text from the checked files is untrusted: every format writes it through [`escape`]
//! (and [`markdown`]'s code spans and prose escaping); excerpts are cut when rendered
//! ([`excerpt`]).

pub mod escape;
pub mod excerpt;
pub mod github;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use crate::parse::source::SourceMap;
use crate::rules::diagnostic::{Diagnostic, Severity};
pub use excerpt::{Excerpt, ReadText, Source};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style text with source excerpts.
    Text,
    /// Versioned JSON (see `docs/output.md`).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown summary (job summary, PR comment).
    Markdown,
}

/// A position resolved for output. It holds positions and a shared handle on the file's
/// text, no copy of it: the excerpt is cut when rendered ([`Loc::excerpt`]).
#[derive(Clone)]
pub struct Loc {
    /// Path relative to the checked root, `/`-separated.
    pub path: String,
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column.
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive).
    pub end_column: usize,
    /// Label text.
    pub message: Option<String>,
    /// Start byte offset in the file's text.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
    /// The file's text, shared by every finding in the file (`None` for files without text).
    pub source: Option<Source>,
}

impl Loc {
    /// The excerpt line of this position, cut from the file's text (`None` for files without
    /// text, or when the text cannot be read back).
    pub fn excerpt(&self) -> Option<Excerpt> {
        excerpt::cut(self.source.as_ref()?, self.start, self.end)
    }
}

impl std::fmt::Debug for Loc {
    /// Shows the excerpt as it is rendered (cut from the text, however the text is held).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loc")
            .field("path", &self.path)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("end_line", &self.end_line)
            .field("end_column", &self.end_column)
            .field("message", &self.message)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("excerpt", &self.excerpt())
            .finish()
    }
}

/// A diagnostic with resolved positions.
#[derive(Debug, Clone)]
pub struct Located {
    /// The rule, typed (its string form only when rendered).
    pub rule: crate::rules::RuleId,
    /// Severity.
    pub severity: Severity,
    /// Message.
    pub message: String,
    /// Help.
    pub help: Option<String>,
    /// Primary position.
    pub primary: Loc,
    /// Secondary positions.
    pub labels: Vec<Loc>,
}

/// Totals for the summary line and the JSON `summary` block.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// YAML documents parsed.
    pub documents: usize,
    /// Error count.
    pub errors: usize,
    /// Warning count.
    pub warnings: usize,
    /// Files not reported on because the change does not touch them (with `--base`).
    pub skipped: usize,
    /// Catalog quality per business-unit repository (when the onboarding pack ran).
    pub quality: Vec<crate::model::onboarding::RepoQuality>,
}

fn loc(sources: &SourceMap, label: &crate::rules::diagnostic::Label) -> Loc {
    let file = sources.get(label.span.file);
    let (line, column) = file.line_col(label.span.start);
    let (end_line, end_column) = file.line_col(label.span.end);
    Loc {
        path: file.rel.clone(),
        line,
        column,
        end_line,
        end_column,
        message: label.message.clone(),
        start: label.span.start,
        end: label.span.end,
        source: (!file.text.is_empty()).then(|| Source::text(file.text.clone())),
    }
}

/// Resolves the positions of a diagnostic.
pub fn locate(d: &Diagnostic, sources: &SourceMap) -> Located {
    Located {
        rule: d.rule,
        severity: d.severity,
        message: d.message.clone(),
        help: d.help.clone(),
        primary: loc(sources, &d.primary),
        labels: d.secondary.iter().map(|l| loc(sources, l)).collect(),
    }
}

/// Renders in the chosen format.
pub fn render(
    format: Format,
    diags: &[Located],
    summary: &Summary,
    color: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::render(diags, summary, color, w),
        Format::Json => json::render(diags, summary, w),
        Format::Sarif => sarif::render(diags, summary, w),
        Format::Github => github::render(diags, summary, w),
        Format::Markdown => markdown::render(diags, summary, w),
    }
}
