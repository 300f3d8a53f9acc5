//! rustc-style text: `severity[rule]: message`, `--> path:line:col`, an excerpt with a caret
//! underline, secondary labels (possibly in other files) and `= help:`. Colour only when asked.
//!
//! Every line starts with portalint's own text (a severity word, the gutter, an arrow, `=`,
//! a summary sentence); what comes from the checked files — messages, paths, labels,
//! excerpts — is written through [`escape::line`], so it never holds a line break or a
//! control character, and cannot start a line (a GitHub Actions `::` command) nor send a
//! terminal sequence. Only the colour codes portalint itself writes (`--color`) are raw.

use super::{escape, Loc, Located, Summary};
use crate::rules::diagnostic::Severity;
use std::io::Write;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Renders all diagnostics and the summary line. The findings are rendered on the thread
/// pool a window at a time (each into its own buffer, written in order), so the output is the
/// same as one thread's and memory holds one window of it.
pub fn render(diags: &[Located], summary: &Summary, color: bool, w: &mut dyn Write) -> std::io::Result<()> {
    use rayon::prelude::*;
    let p = Paint { on: color };
    for window in diags.chunks(4096) {
        let blocks: Vec<Vec<u8>> = window
            .par_chunks(32)
            .map(|some| {
                let mut buf = Vec::new();
                for d in some {
                    // Writing into memory cannot fail.
                    let _ = finding(&mut buf, &p, d);
                }
                buf
            })
            .collect();
        for b in blocks {
            w.write_all(&b)?;
        }
    }
    summary_lines(summary, &p, w)
}

/// One finding: the headline, its excerpts and its help.
fn finding(w: &mut dyn Write, p: &Paint, d: &Located) -> std::io::Result<()> {
    {
        let (word, code) = match d.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
            Severity::Info => ("info", "1;36"),
        };
        writeln!(
            w,
            "{}{}",
            p.wrap(code, &format!("{word}[{}]", d.rule)),
            p.wrap("1", &format!(": {}", escape::line(&d.message)))
        )?;
        let width = std::iter::once(&d.primary)
            .chain(&d.labels)
            .map(|l| l.line.to_string().len())
            .max()
            .unwrap_or(1);
        excerpt(w, p, &d.primary, width, '^', code, "-->")?;
        for l in &d.labels {
            excerpt(w, p, l, width, '-', "1;34", ":::")?;
        }
        if let Some(h) = &d.help {
            writeln!(
                w,
                "{:width$} {} {}",
                "",
                p.wrap("1;34", "="),
                p.wrap("1", &format!("help: {}", escape::line(h)))
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// The totals and what was left out, after the findings.
fn summary_lines(summary: &Summary, p: &Paint, w: &mut dyn Write) -> std::io::Result<()> {
    let files = counted(summary.files, "file");
    let docs = counted(summary.documents, "document");
    if summary.errors + summary.warnings == 0 && summary.files == 0 {
        // Nothing was checked: nothing passed either.
        writeln!(w, "{} {files}, {docs}", p.wrap("1;33", "Nothing checked:"))?;
    } else if summary.errors + summary.warnings == 0 {
        writeln!(w, "{} {files}, {docs}", p.wrap("1;32", "All checks passed:"))?;
    } else {
        let (e, wn) = (counted(summary.errors, "error"), counted(summary.warnings, "warning"));
        writeln!(w, "Found {e} and {wn} in {files} ({docs}).")?;
    }
    if summary.skipped > 0 {
        writeln!(w, "{} skipped.", counted(summary.skipped, "unchanged file"))?;
    }
    if let Some(left) = summary.left_out() {
        writeln!(w, "Not checked: {left}.")?;
    }
    if let Some(over) = summary.over_budget() {
        writeln!(w, "{over}.")?;
    }
    if summary.baselined > 0 {
        writeln!(w, "{}.", super::baseline::not_shown(summary.baselined))?;
    }
    for q in &summary.quality {
        match q.score {
            Some(score) => writeln!(
                w,
                "Catalog quality of {}: {score}/100 over {} ({} below the threshold).",
                escape::line(&q.repo),
                if q.entities == 1 {
                    "1 entity".to_string()
                } else {
                    format!("{} entities", q.entities)
                },
                q.below_threshold
            )?,
            None => writeln!(w, "Catalog quality of {}: no rated entities.", escape::line(&q.repo))?,
        }
    }
    Ok(())
}

fn counted(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn excerpt(
    w: &mut dyn Write,
    p: &Paint,
    l: &Loc,
    width: usize,
    mark: char,
    code: &str,
    arrow: &str,
) -> std::io::Result<()> {
    let gutter = p.wrap("1;34", "|");
    writeln!(
        w,
        "{:width$}{} {}:{}:{}",
        "",
        p.wrap("1;34", arrow),
        escape::line(&l.shown_path()),
        l.line,
        l.column
    )?;
    let Some(x) = l.excerpt() else {
        return Ok(());
    };
    writeln!(w, "{:width$} {gutter}", "")?;
    writeln!(
        w,
        "{} {gutter} {}",
        p.wrap("1;34", &format!("{:>width$}", l.line)),
        x.text
    )?;
    let underline: String = std::iter::repeat_n(mark, x.width).collect();
    let msg = l
        .message
        .as_deref()
        .map(|m| format!(" {}", escape::line(m)))
        .unwrap_or_default();
    writeln!(
        w,
        "{:width$} {gutter} {}{}",
        "",
        " ".repeat(x.caret),
        p.wrap(code, &format!("{underline}{msg}"))
    )
}
