//! JUnit XML, in the shape CI systems read (the common `testsuites`/`testsuite`/`testcase`
//! schema, as Jenkins, GitLab and Azure Pipelines parse it): one test suite per file with
//! findings, one failed test case per finding (`<failure>` with the rule, the position, the
//! message and the help), and one passing case `portalint check` for the run itself, so a
//! clean run is a passing suite that says how much it checked rather than no test at all.
//!
//! Everything from the checked files goes through [`escape::xml`]: one line, no character XML
//! forbids, markup characters as entities.

use super::{escape, Located, Summary};
use std::io::Write;

/// Renders the JUnit report.
pub fn render(diags: &[Located], summary: &Summary, w: &mut dyn Write) -> std::io::Result<()> {
    // Files in the order of the findings (already by file).
    let mut files: Vec<(&str, Vec<&Located>)> = Vec::new();
    for d in diags {
        match files.last_mut() {
            Some((p, v)) if *p == d.primary.path => v.push(d),
            _ => files.push((&d.primary.path, vec![d])),
        }
    }
    let tests = diags.len() + 1;
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="portalint" tests="{tests}" failures="{}" errors="0">"#,
        diags.len()
    )?;
    writeln!(
        w,
        r#"  <testsuite name="portalint" tests="1" failures="0" errors="0" skipped="0">"#
    )?;
    writeln!(w, r#"    <testcase name="portalint check" classname="portalint">"#)?;
    let mut out = format!(
        "{} files, {} documents checked: {} errors, {} warnings",
        summary.files, summary.documents, summary.errors, summary.warnings
    );
    if summary.skipped > 0 {
        out.push_str(&format!("; {} unchanged files skipped", summary.skipped));
    }
    if summary.baselined > 0 {
        out.push_str(&format!("; {}", super::baseline::not_shown(summary.baselined)));
    }
    if let Some(over) = summary.over_budget() {
        out.push_str(&format!("; {over}"));
    }
    writeln!(w, "      <system-out>{}</system-out>", escape::xml(&out))?;
    writeln!(w, "    </testcase>")?;
    writeln!(w, "  </testsuite>")?;
    for (path, ds) in files {
        let path = escape::xml(path);
        writeln!(
            w,
            r#"  <testsuite name="{path}" tests="{n}" failures="{n}" errors="0" skipped="0">"#,
            n = ds.len()
        )?;
        for d in ds {
            let p = &d.primary;
            let rule = d.rule.as_str();
            writeln!(
                w,
                r#"    <testcase name="{rule} at {path}:{}:{}" classname="{path}" file="{path}" line="{}">"#,
                p.line, p.column, p.line
            )?;
            writeln!(
                w,
                r#"      <failure type="{}" message="{}">"#,
                d.severity.as_str(),
                escape::xml(&d.message)
            )?;
            writeln!(w, "{}[{rule}]: {}", d.severity.as_str(), escape::xml(&d.message))?;
            writeln!(w, "  --&gt; {}:{}:{}", escape::xml(&p.shown_path()), p.line, p.column)?;
            for l in &d.labels {
                writeln!(
                    w,
                    "  ::: {}:{}:{}{}",
                    escape::xml(&l.shown_path()),
                    l.line,
                    l.column,
                    l.message
                        .as_deref()
                        .map(|m| format!(" {}", escape::xml(m)))
                        .unwrap_or_default()
                )?;
            }
            if let Some(h) = &d.help {
                writeln!(w, "  = help: {}", escape::xml(h))?;
            }
            writeln!(w, "      </failure>")?;
            writeln!(w, "    </testcase>")?;
        }
        writeln!(w, "  </testsuite>")?;
    }
    writeln!(w, "</testsuites>")
}
