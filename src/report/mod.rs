//! Rendering diagnostics. Line and column are computed here and nowhere else (1-based,
//! columns in Unicode scalar values). Reporters never filter and never change severity.
//! Text from the checked files is untrusted: every format writes it through [`escape`]
//! (and [`markdown`]'s code spans and prose escaping); excerpts are cut when rendered
//! ([`excerpt`]).

pub mod baseline;
pub mod escape;
pub mod excerpt;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod output;
pub mod sarif;
pub mod text;

use crate::parse::source::{Origin, SourceMap};
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
    /// JUnit XML (one test case per finding).
    Junit,
    /// GitLab Code Quality (a JSON array of issues).
    Gitlab,
}

impl Format {
    /// The name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
        }
    }
}

/// A position resolved for output. It holds positions and a shared handle on the file's
/// text, no copy of it: the excerpt is cut when rendered ([`Loc::excerpt`]).
#[derive(Clone)]
pub struct Loc {
    /// Path relative to the current directory (or as the checked path was given),
    /// `/`-separated; for a file of another revision, its path in that revision.
    pub path: String,
    /// Where the file comes from: the checked tree, another revision, an XRD source.
    pub origin: Origin,
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
    /// The path as people read it: `<rev>:<path>` for a file of another revision (as git
    /// names it), the path otherwise.
    pub fn shown_path(&self) -> std::borrow::Cow<'_, str> {
        match &self.origin {
            Origin::Revision { rev, .. } => format!("{rev}:{}", self.path).into(),
            _ => self.path.as_str().into(),
        }
    }

    /// The revision the file was read from, when it is not the checked tree.
    pub fn revision(&self) -> Option<&str> {
        match &self.origin {
            Origin::Revision { rev, .. } => Some(rev),
            _ => None,
        }
    }

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
            .field("origin", &self.origin)
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
    /// Findings left out because they are in the baseline (`--baseline`).
    pub baselined: usize,
    /// Files the config's `exclude` left out of the walk.
    pub excluded: usize,
    /// Files and folders git's ignore files left out of the walk (the topmost of each).
    pub ignored: usize,
    /// Findings `per-path-ignores` left out.
    pub per_path_ignored: usize,
    /// Findings over the run's budget (`limits.findings`): counted in `errors` and
    /// `warnings`, not listed.
    pub not_shown: usize,
    /// Catalog quality per business-unit repository (when the onboarding pack ran).
    pub quality: Vec<crate::model::onboarding::RepoQuality>,
}

impl Summary {
    /// What the walk and the config left out, as one clause ("3 files excluded by config
    /// (`exclude`), 40 files or folders ignored by .gitignore, 2 findings left out by
    /// `per-path-ignores`"); `None` when nothing was.
    pub fn left_out(&self) -> Option<String> {
        let n = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut parts = Vec::new();
        if self.excluded > 0 {
            parts.push(format!(
                "{} excluded by config (`exclude`)",
                n(self.excluded, "file", "files")
            ));
        }
        if self.ignored > 0 {
            parts.push(format!(
                "{} ignored by .gitignore",
                n(self.ignored, "file or folder", "files or folders")
            ));
        }
        if self.per_path_ignored > 0 {
            parts.push(format!(
                "{} left out by `per-path-ignores`",
                n(self.per_path_ignored, "finding", "findings")
            ));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// The findings over the run budget, as a sentence ("250 more findings are counted
    /// above and not listed: over the run budget `limits.findings`"); `None` when none.
    pub fn over_budget(&self) -> Option<String> {
        (self.not_shown > 0).then(|| {
            let (n, verb) = if self.not_shown == 1 {
                ("1 more finding".to_string(), "is")
            } else {
                (format!("{} more findings", self.not_shown), "are")
            };
            format!("{n} {verb} counted above and not listed: over the run budget `limits.findings`")
        })
    }
}

fn loc(sources: &SourceMap, label: &crate::rules::diagnostic::Label) -> Loc {
    let file = sources.get(label.span.file);
    let (line, column) = file.line_col(label.span.start);
    let (end_line, end_column) = file.line_col(label.span.end);
    let path = match &file.origin {
        Origin::Revision { path, .. } => path.clone(),
        _ => file.rel.clone(),
    };
    Loc {
        path,
        origin: file.origin.clone(),
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

impl Located {
    /// Rewrites the paths of the checked tree and of other revisions (not XRD sources' names)
    /// that start with `from` to start with `to` instead (the engine makes them relative to
    /// the current directory).
    pub fn reprefix(&mut self, from: &str, to: &str) {
        if from == to {
            return;
        }
        for l in std::iter::once(&mut self.primary).chain(self.labels.iter_mut()) {
            if l.origin == Origin::Source {
                continue;
            }
            if let Some(rest) = l.path.strip_prefix(from) {
                l.path = format!("{to}{rest}");
            }
        }
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
        Format::Junit => junit::render(diags, summary, w),
        Format::Gitlab => gitlab::render(diags, summary, w),
    }
}
