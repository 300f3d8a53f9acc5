//! Command dispatch only: parses the command line and runs the command; the check itself is
//! [`crate::engine`]. The library entry points the tests use are re-exported here.

use crate::cli::{CheckArgs, Cli, Color, Command};
use crate::config;
use crate::engine::parse_ids;
pub use crate::engine::{check, load_config, resolve_policy, run_rules, run_rules_where, Outcome};
pub use crate::error::{print_error, AppError, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::report;
use crate::rules::ALL_RULES;
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() {
                // A usage error still leaves the SARIF file a workflow uploads.
                let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
                let specs = report::output::salvage(&argv);
                let text = e.render().to_string();
                let _ = report::output::write_error(&specs, text.trim_end(), None, &mut std::io::sink());
            }
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_CLEAN });
        }
    };
    let _ = rayon::ThreadPoolBuilder::new().stack_size(16 << 20).build_global();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match cli.command {
        Command::Check(mut args) => {
            args.paths_from_cwd = true;
            run_check(&args, &mut out)
        }
        Command::Rules { format } => list_rules(format, &mut out),
        Command::Explain { rule } => explain(&rule, &mut out),
        Command::ConfigSchema => {
            let _ = out.write_all(config::json_schema().as_bytes());
            EXIT_CLEAN
        }
        Command::Verdict(args) => crate::pr::verdict::run(&args, &mut out),
        Command::Pr(args) => crate::pr::bot::run(&args, &mut out),
        Command::Render(args) => crate::render::command::run(&args, &mut out),
        // The server writes the protocol to stdout itself.
        Command::Server(args) => {
            drop(out);
            return ExitCode::from(crate::server::run(&args));
        }
    };
    let _ = out.flush();
    ExitCode::from(code)
}

fn run_check(args: &CheckArgs, out: &mut dyn Write) -> u8 {
    let specs = match report::output::plan(args.format, &args.outputs) {
        Ok(s) => s,
        Err(e) => {
            // Still leave the SARIF and JSON files the outputs name.
            let files: Vec<_> = args.outputs.iter().filter(|o| o.path.is_some()).cloned().collect();
            return fail(&AppError::Usage(e), &files, out);
        }
    };
    match check_with_baseline(args) {
        Ok(outcome) => {
            if outcome.checked_nothing() && !args.allow_empty {
                for note in &outcome.notes {
                    eprintln!("note: {}", crate::report::escape::line(note));
                }
                let e = format!(
                    "no file was checked: every path is excluded, ignored or not YAML{} \
                     (pass `--allow-empty` to accept an empty run)",
                    left_out(&outcome.summary)
                );
                eprintln!("error: {e}");
                if let Err(e) = report::output::write_error(&specs, &e, None, out) {
                    eprintln!("error: {e}");
                }
                return EXIT_ERROR;
            }
            // `--fix --diff`: stdout is the diff alone (for `git apply`); the exit says
            // whether there is something to fix.
            if let (true, Some(t)) = (args.diff, &outcome.fixes) {
                for line in t.summary(true, outcome.summary.errors + outcome.summary.warnings) {
                    eprintln!("{line}");
                }
                return if t.files > 0 || !t.refused.is_empty() {
                    EXIT_FINDINGS
                } else {
                    EXIT_CLEAN
                };
            }
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            if let Err(e) = report::output::write_all(&specs, &outcome.diagnostics, &outcome.summary, color, out) {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
            for note in &outcome.notes {
                eprintln!("note: {}", crate::report::escape::line(note));
            }
            if let Some(t) = &outcome.fixes {
                for line in t.summary(false, outcome.summary.errors + outcome.summary.warnings) {
                    eprintln!("{line}");
                }
            }
            if outcome.checked_nothing() {
                eprintln!(
                    "warning: no file was checked: every path is excluded, ignored or not YAML{} \
                     (accepted by `--allow-empty`)",
                    left_out(&outcome.summary)
                );
            }
            if args.write_baseline.is_some() {
                return EXIT_CLEAN;
            }
            let code = outcome.exit_code();
            // The process ends here: its memory goes back to the system whole, without
            // freeing each finding first (a tenth of a millisecond per hundred findings).
            std::mem::forget(outcome);
            code
        }
        Err(e) => fail(&e, &specs, out),
    }
}

/// What the walk left out, for the message of a run that checked nothing: ` (3 files excluded
/// by config (`exclude`), …)`, or nothing.
fn left_out(summary: &report::Summary) -> String {
    summary.left_out().map(|l| format!(" ({l})")).unwrap_or_default()
}

/// Prints the error and writes the SARIF and JSON outputs of a failed run; exit 2.
fn fail(e: &AppError, specs: &[report::output::OutputSpec], out: &mut dyn Write) -> u8 {
    print_error(e);
    if let Err(w) = report::output::write_error(specs, &crate::error::message(e), location(e).as_ref(), out) {
        eprintln!("error: {w}");
    }
    EXIT_ERROR
}

/// Where a config error lies, for the reports that carry the error (SARIF, JSON): the file
/// relative to the current directory when it can be, 1-based line and column.
fn location(e: &AppError) -> Option<report::output::ErrorAt> {
    let AppError::Config(c) = e else { return None };
    let text: std::sync::Arc<str> = c.text.clone().into();
    let file = crate::parse::source::SourceFile::new(c.path.display().to_string(), c.path.clone(), text);
    let (line, column) = file.line_col(c.span.0);
    let path = crate::engine::relative_to_cwd(&c.path)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| c.path.display().to_string());
    Some(report::output::ErrorAt { path, line, column })
}

/// [`check`], then `--baseline` (only the findings not in it) and `--write-baseline` (every
/// finding of the run recorded). A baseline that cannot be read is a usage error, reported
/// before anything is checked.
pub fn check_with_baseline(args: &CheckArgs) -> Result<Outcome, AppError> {
    let baseline = match &args.baseline {
        Some(p) => Some(report::baseline::Baseline::load(p).map_err(AppError::Usage)?),
        None => None,
    };
    let mut outcome = check(args)?;
    if let Some(p) = &args.write_baseline {
        report::baseline::write(p, &outcome.diagnostics).map_err(AppError::Usage)?;
        eprintln!(
            "portalint: wrote {} finding{} to the baseline {code0}",
            outcome.diagnostics.len(),
            if outcome.diagnostics.len() == 1 { "" } else { "s" },
            code0 = crate::parse::text::code(&p.display())
        );
    }
    if let Some(b) = baseline {
        let diags = std::mem::take(&mut outcome.diagnostics);
        outcome.diagnostics = b.apply(diags, &mut outcome.summary);
    }
    Ok(outcome)
}

fn list_rules(format: crate::cli::OutputFormat, out: &mut dyn Write) -> u8 {
    let res = match format {
        crate::cli::OutputFormat::Json => {
            let items: Vec<serde_json::Value> = ALL_RULES
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "id": m.id,
                        "severity": m.severity.as_str(),
                        "category": m.category.as_str(),
                        "pack": m.pack.as_str(),
                        "summary": m.summary(),
                    })
                })
                .collect();
            // Versioned like `check --format json` (`schemas/report.schema.json`).
            let doc = serde_json::json!({"version": 1, "rules": items});
            report::escape::write_json_pretty(&mut *out, &doc).and_then(|_| writeln!(out))
        }
        crate::cli::OutputFormat::Text => ALL_RULES.iter().try_for_each(|r| {
            let m = r.meta();
            writeln!(
                out,
                "{:<40} {:<8} {:<12} {:<11} {}",
                m.id,
                m.severity.as_str(),
                m.category.as_str(),
                m.pack.as_str(),
                m.summary()
            )
        }),
    };
    if res.is_err() {
        return EXIT_ERROR;
    }
    EXIT_CLEAN
}

fn explain(rule: &str, out: &mut dyn Write) -> u8 {
    match parse_ids(&[rule.to_string()]) {
        Ok(ids) => {
            // An alias stands for several rules: each is shown.
            if ids.len() > 1 || ids.first().is_some_and(|i| i.as_str() != rule) {
                let names: Vec<&str> = ids.iter().map(|i| i.as_str()).collect();
                let _ = writeln!(
                    out,
                    "{code0} is an alias of: {}\n",
                    names.join(", "),
                    code0 = crate::parse::text::code(&rule)
                );
            }
            let pages: Vec<String> = ids.iter().map(|i| crate::docs::rule_doc(i.meta())).collect();
            let _ = out.write_all(pages.join("\n").as_bytes());
            EXIT_CLEAN
        }
        Err(e) => {
            print_error(&e);
            EXIT_ERROR
        }
    }
}
