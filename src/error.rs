//! The errors that end a run without a verdict, typed, and the exit codes: 0 clean, 1
//! findings at or above the fail level, 2 usage, config or internal error. Printing an
//! error quotes only a checked config file, never another file.

use std::path::{Path, PathBuf};

/// Exit code when nothing reaches the fail level.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code when findings reach the fail level.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage, config or internal errors.
pub const EXIT_ERROR: u8 = 2;

/// Why a run could not produce a verdict.
#[derive(Debug)]
pub enum AppError {
    /// The config file is wrong.
    Config(ConfigError),
    /// The command line is wrong.
    Usage(String),
    /// A bug in portalint.
    Internal(String),
}

/// A config error with its position.
#[derive(Debug, Clone)]
pub struct ConfigError {
    /// The config file.
    pub path: PathBuf,
    /// Its text (for the excerpt).
    pub text: String,
    /// Byte span of the offending node.
    pub span: (u32, u32),
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

/// True when `path` is named like a YAML file: only such files are quoted in an error
/// excerpt, so a mistaken `--config /etc/passwd` prints none of that file.
pub fn yaml_named(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// The error for a file that is not YAML holding a mapping of `what`: says what was
/// expected, quotes nothing.
pub fn not_a_mapping(path: &Path, what: &str) -> ConfigError {
    ConfigError {
        path: path.to_path_buf(),
        text: String::new(),
        span: (0, 0),
        message: format!("expected a YAML mapping of {what}; this file is not one (its content is not shown)"),
        help: None,
    }
}

/// Prints an `AppError` to stderr, with an excerpt for config errors.
pub fn print_error(e: &AppError) {
    match e {
        // Usage and internal messages may quote a path or a glob from the checked tree: one
        // line, no control characters, as every other output.
        AppError::Usage(m) => eprintln!("error: {}", crate::report::escape::line(m)),
        AppError::Internal(m) => {
            eprintln!(
                "error: internal error: {}\nplease report this with the input that caused it",
                crate::report::escape::line(m)
            )
        }
        AppError::Config(c) => {
            // The config may come from the checked tree: its text is written through
            // `report::escape` (one line each, no control characters), the excerpt cut to a
            // bounded width as a finding's is.
            use crate::report::escape::line as safe;
            let text: std::sync::Arc<str> = c.text.clone().into();
            let file =
                crate::parse::source::SourceFile::new(c.path.display().to_string(), c.path.clone(), text.clone());
            let (line, col) = file.line_col(c.span.0);
            eprintln!("error: invalid config: {}", safe(&c.message));
            eprintln!("  --> {}:{line}:{col}", safe(&c.path.display().to_string()));
            let source = crate::report::Source::text(text);
            if let Some(x) = (!c.text.is_empty())
                .then(|| crate::report::excerpt::cut(&source, c.span.0, c.span.0))
                .flatten()
            {
                eprintln!("   |\n{line:>3}| {}\n   | {}^", x.text, " ".repeat(x.caret));
            }
            if let Some(h) = &c.help {
                eprintln!("   = help: {}", safe(h));
            }
        }
    }
}

/// The error as one message (for a report that carries it: SARIF's tool notification, the
/// JSON `error`): the file and line of a config error, its help.
pub fn message(e: &AppError) -> String {
    match e {
        AppError::Usage(m) => m.clone(),
        AppError::Internal(m) => format!("internal error: {m}"),
        AppError::Config(c) => {
            let text: std::sync::Arc<str> = c.text.clone().into();
            let file = crate::parse::source::SourceFile::new(c.path.display().to_string(), c.path.clone(), text);
            let (line, col) = file.line_col(c.span.0);
            let mut m = format!("invalid config: {} ({}:{line}:{col})", c.message, c.path.display());
            if let Some(h) = &c.help {
                m.push_str(&format!("; help: {h}"));
            }
            m
        }
    }
}
