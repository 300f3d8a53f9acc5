//! Command-line interface (clap derive). Parsing only; `app` does the work.

use crate::config::FailOn;
use crate::parse::text::code;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// portalint: a static analyzer for Crossplane / Open Service Portal platform repositories.
#[derive(Debug, Parser)]
#[command(name = "portalint", version, about, propagate_version = true)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Profile override on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// Detect from the files.
    Auto,
    /// Core rules only.
    Core,
    /// Core plus Open Service Portal rules.
    Openportal,
}

/// Arguments of `portalint check`.
#[derive(Debug, clap::Args, Clone)]
pub struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format on stdout (default: text, unless `--output` gives the outputs).
    #[arg(long, value_enum)]
    pub format: Option<crate::report::Format>,
    /// Also write FORMAT to PATH (repeatable; no PATH or `-` is stdout), e.g.
    /// `--output github --output sarif=out.sarif --output markdown=$GITHUB_STEP_SUMMARY`.
    #[arg(long = "output", value_name = "FORMAT[=PATH]", value_parser = crate::report::output::parse_spec)]
    pub outputs: Vec<crate::report::output::OutputSpec>,
    /// Report only the findings that are not in this baseline file (and say how many are).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the run's findings in this baseline file (by fingerprint; exits 0 once written).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the run fail (exit 1).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Config file (default: `.portalint.yaml` searched upward from the first path).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore any config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Rule packs to run (overrides the config's `profile`).
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// Where to find XRDs the checked files use but do not hold (repeatable): a file, a
    /// directory, or `git+file:///path/to/repo@<ref>` (read from git without a checkout).
    #[arg(long = "xrds", value_name = "SOURCE")]
    pub xrds: Vec<String>,
    /// CustomResourceDefinitions that rendered composed resources are checked against
    /// (repeatable): a file, a directory (an unpacked provider package), or
    /// `git+file:///path/to/repo@<ref>`. Their schema, scope and served versions are checked.
    #[arg(long = "crds", value_name = "SOURCE")]
    pub crds: Vec<String>,
    /// Render every order too, not only the examples (each XR's Composition run in process;
    /// docs/render.md).
    #[arg(long)]
    pub render: bool,
    /// Cache folder for remote XRD sources (mirror clones named after the URL).
    #[arg(long, env = "PORTALINT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Use cached remote sources only.
    #[arg(long)]
    pub offline: bool,
    /// Compare with this git revision: report only what the change touches (and what depends
    /// on it), and run the PR checks (immutable and breaking XRD changes, catalog downgrades).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The head revision (default: the working tree).
    #[arg(long, value_name = "REV", requires = "base")]
    pub head: Option<String>,
    /// Existing orders to re-validate when a catalog PR bumps a package: a folder or
    /// `git+file:///path@ref` (with `--base` in a catalog repository).
    #[arg(long, value_name = "SOURCE", requires = "base")]
    pub orders: Option<String>,
    /// Keep only findings on added or modified lines (for PR comments).
    #[arg(long, requires = "base")]
    pub only_changed_lines: bool,
    /// Exit 0 when no file was checked (every path excluded, ignored or not YAML); without
    /// it such a run exits 2, so a gate never passes on nothing.
    #[arg(long)]
    pub allow_empty: bool,
    /// Check a release: the version being tagged (with `--base`, a `v*` tag on the head commit
    /// is found by itself). The previous release tag is the base unless `--base` is given.
    #[arg(long, value_name = "vX.Y.Z")]
    pub release: Option<String>,
    /// Check the whole tree at DIR (cross-file rules see all of it) but report only on the
    /// PATHs and on what depends on them: the XRs, Compositions and orders of an XRD among
    /// them, and the kustomizations above a file HEAD does not have. The pre-commit hook
    /// passes the staged files this way.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["base", "release"])]
    pub root: Option<PathBuf>,
    /// Apply the mechanical fixes: regenerate each cluster's `kustomization.yaml` in an
    /// orders repository, and make the edits of every finding that has one (`portalint rules`
    /// pages say "Fix: `portalint check --fix`"). Files are rewritten atomically, only inside
    /// the checked root; the findings that remain are reported.
    #[arg(long, conflicts_with = "head")]
    pub fix: bool,
    /// With `--fix`: print what it would change as a unified diff on stdout and write
    /// nothing; exit 1 when there is something to fix, 0 when not.
    #[arg(long, requires = "fix")]
    pub diff: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Stream a root whose YAML files total more than this (bytes; `K`, `M`, `G` suffixes are
    /// powers of 1024): scan every file for the cross-file index first, then check the files
    /// in batches instead of holding them all in memory.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size, help_heading = "Memory")]
    pub stream_above: u64,
    /// YAML bytes per batch of a streamed check.
    #[arg(long, value_name = "SIZE", default_value = "4M", value_parser = parse_size, help_heading = "Memory")]
    pub batch_size: u64,
    /// Set by `portalint verdict`: evaluate the post-merge tree, read every file.
    #[arg(skip)]
    pub verdict: bool,
    /// Set by the `portalint check` command: paths relative to the current directory,
    /// whatever form the checked paths were given in (the library's callers get them
    /// relative to each root).
    #[arg(skip)]
    pub paths_from_cwd: bool,
}

impl CheckArgs {
    /// The arguments of `portalint check PATHS` with every option at its default.
    pub fn new(paths: Vec<PathBuf>) -> CheckArgs {
        CheckArgs {
            paths,
            format: None,
            outputs: Vec::new(),
            baseline: None,
            write_baseline: None,
            select: Vec::new(),
            ignore: Vec::new(),
            fail_on: None,
            config: None,
            isolated: false,
            profile: None,
            xrds: Vec::new(),
            crds: Vec::new(),
            render: false,
            cache_dir: None,
            offline: false,
            base: None,
            head: None,
            orders: None,
            only_changed_lines: false,
            allow_empty: false,
            release: None,
            root: None,
            fix: false,
            diff: false,
            color: Color::Never,
            stream_above: DEFAULT_STREAM_ABOVE,
            batch_size: DEFAULT_BATCH_SIZE,
            verdict: false,
            paths_from_cwd: false,
        }
    }
}

/// Default of `--stream-above`.
pub const DEFAULT_STREAM_ABOVE: u64 = 64 << 20;
/// Default of `--batch-size`.
pub const DEFAULT_BATCH_SIZE: u64 = 4 << 20;

/// Parses a size: a number of bytes with an optional `K`, `M` or `G` suffix (powers of 1024;
/// `KiB`, `MB` and the like are read the same way).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: u64 = number.parse().map_err(|_| {
        format!(
            "{code0} is not a size (a number of bytes, optionally with K, M or G)",
            code0 = code(&text)
        )
    })?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        other => {
            return Err(format!(
                "unknown size unit {code0} (use K, M or G)",
                code0 = code(&other)
            ))
        }
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{code0} is too large", code0 = code(&text)))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("4M"), Ok(4 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("512 K"), Ok(512 << 10));
        assert!(parse_size("M").is_err());
        assert!(parse_size("4X").is_err());
        assert!(parse_size("99999999999G").is_err());
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories.
    Check(Box<CheckArgs>),
    /// List every rule.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// The rule id.
        rule: String,
    },
    /// Print the JSON Schema of `.portalint.yaml`.
    ConfigSchema,
    /// Decide an order PR: auto-merge (exit 0), review-required (10) or reject (11).
    Verdict(Box<VerdictArgs>),
    /// The PR bot: check, decide, and comment on, label, approve or merge the PR.
    Pr(Box<PrArgs>),
    /// The editor server: Language Server Protocol over stdin/stdout (docs/editors.md).
    Server(ServerArgs),
    /// Run a Composition's function pipeline in process for one XR and print the desired
    /// resources as YAML, like `crossplane render` (docs/render.md).
    Render(Box<crate::render::command::RenderArgs>),
}

/// Arguments of `portalint server`.
#[derive(Debug, clap::Args, Clone)]
pub struct ServerArgs {
    /// The root to index (default: the editor's first workspace folder, else the current
    /// directory).
    pub root: Option<PathBuf>,
    /// Config file (default: `.portalint.yaml` searched upward from the root).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore any config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Where to find XRDs the root uses but does not hold (repeatable), as for `check`.
    #[arg(long = "xrds", value_name = "SOURCE")]
    pub xrds: Vec<String>,
    /// Rule packs to run (overrides the config's `profile`).
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Accepted for clients that pass it (vscode-languageclient): the transport is always
    /// stdin/stdout.
    #[arg(long, hide = true)]
    pub stdio: bool,
}

/// How the bot merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MergeMethod {
    /// A merge commit.
    Merge,
    /// One squashed commit.
    Squash,
    /// Rebased commits.
    Rebase,
}

impl MergeMethod {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            MergeMethod::Merge => "merge",
            MergeMethod::Squash => "squash",
            MergeMethod::Rebase => "rebase",
        }
    }
}

/// Arguments of `portalint pr`.
#[derive(Debug, clap::Args, Clone)]
pub struct PrArgs {
    /// The local clone (with the base and head commits; default: the current directory).
    pub path: Option<PathBuf>,
    /// `owner/name` (default: the event's repository, then `$GITHUB_REPOSITORY`).
    #[arg(long)]
    pub repo: Option<String>,
    /// The PR number (default: the event's: `pull_request`, or the first PR of a
    /// `check_suite`, `check_run` or `workflow_run` event).
    #[arg(long, env = "PORTALINT_PR")]
    pub pr: Option<u64>,
    /// The webhook event file (default: `$GITHUB_EVENT_PATH`).
    #[arg(long)]
    pub event: Option<PathBuf>,
    /// The REST API root (default: `$GITHUB_API_URL`, then https://api.github.com).
    #[arg(long)]
    pub api_url: Option<String>,
    /// The environment variable holding the token (never pass a token on the command line).
    #[arg(long, default_value = "GITHUB_TOKEN")]
    pub token_env: String,
    /// Decide and print, but change nothing on GitHub.
    #[arg(long)]
    pub dry_run: bool,
    /// How to merge an auto-merge PR.
    #[arg(long, value_enum, default_value_t = MergeMethod::Squash)]
    pub merge_method: MergeMethod,
    /// The name of portalint's own check run or commit status: the bot never waits on it.
    #[arg(long, default_value = "portalint")]
    pub check_name: String,
    /// The login the bot's comments and reviews are written by (an app's `slug[bot]`);
    /// default: the token's user (`GET /user`), and `github-actions[bot]` for the
    /// workflow's own token, which `GET /user` refuses.
    #[arg(long, env = "PORTALINT_BOT_LOGIN", value_name = "LOGIN")]
    pub bot_login: Option<String>,
    /// A config file to use instead of the base revision's `.portalint.yaml` (trusted like
    /// the command line: never name a file the PR controls).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Append the audit record (one JSON line per run) to this file.
    #[arg(long = "audit-file", visible_alias = "audit", value_name = "FILE")]
    pub audit: Option<PathBuf>,
    /// XRD sources (as for `check`).
    #[arg(long = "xrds", value_name = "SOURCE")]
    pub xrds: Vec<String>,
    /// Findings in this baseline file are not reported (`portalint check --write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// First back-off in milliseconds for GitHub 5xx answers (doubled per attempt).
    #[arg(long, hide = true)]
    pub retry_base_ms: Option<u64>,
    /// Timeout of one API request, in milliseconds (default 60 000).
    #[arg(long, hide = true)]
    pub timeout_ms: Option<u64>,
    /// The longest single wait for a rate limit, in seconds (default 120; the run's waits
    /// together are bounded by 300 s).
    #[arg(long, hide = true)]
    pub max_wait_s: Option<u64>,
}

/// Output format of `portalint verdict` and `portalint rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// For people.
    Text,
    /// Machine-readable (versioned).
    Json,
}

/// Arguments of `portalint verdict`.
#[derive(Debug, clap::Args, Clone)]
pub struct VerdictArgs {
    /// The orders repository (default: the current directory).
    pub path: Option<PathBuf>,
    /// The branch the PR merges into (its tip): policy, CODEOWNERS and config are read here.
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The PR's head commit (default: HEAD; uncommitted changes are not part of a verdict).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// The PR author's login (for a Backstage bot, the order's owner annotation is the requester).
    #[arg(long, value_name = "LOGIN")]
    pub author: Option<String>,
    /// A config file to use instead of the base revision's `.portalint.yaml` (trusted like
    /// the command line: never name a file the PR controls).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The PR's branch name (checked against the policy's `branch-pattern`).
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// The branch the PR targets (default: the name of `--base` when it is a branch).
    #[arg(long, value_name = "NAME")]
    pub target_branch: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Where to find the XRDs of the orders (repeatable; as for `check`).
    #[arg(long = "xrds", value_name = "SOURCE")]
    pub xrds: Vec<String>,
    /// Cache folder for remote XRD sources.
    #[arg(long, env = "PORTALINT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Use cached remote sources only.
    #[arg(long)]
    pub offline: bool,
    /// Findings in this baseline file are not the PR's: they are left out of the changed-line
    /// findings (`portalint check --write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}
