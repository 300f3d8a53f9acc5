//! GitHub Actions workflow commands (`::error file=…,line=…::message`): one annotation per
//! finding, one line each, escaped as the Actions toolkit does (`%`, CR and LF in messages;
//! also `:` and `,` in properties).
//!
//! Text from the checked files goes through [`escape::line`] first (LF as `\n`, ESC as
//! `\u{1b}`, …), so the only `%0A` in a message is portalint's own line break before
//! `help:`; the toolkit escaping then applies to what is left, and any other control
//! character still in the data or a property is written visibly. Every output line is an
//! annotation portalint wrote: nothing from the input can start a line, so it cannot issue
//! a workflow command (`::add-mask::`, `::stop-commands::`, a forged `::error`).

use super::{escape, Located, Summary};
use crate::rules::diagnostic::Severity;

/// Escapes a message (the data after `::`): `%`, CR and LF as the toolkit does, every other
/// unsafe character ([`escape::is_unsafe`]) visibly.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if escape::is_unsafe(c) => escape::push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Renders the annotations.
pub fn render(diags: &[Located], _summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let p = &d.primary;
        let mut message = escape::line(&d.message).into_owned();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&escape::line(h));
        }
        writeln!(
            w,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&p.path),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            escape_property(&format!("portalint {}", d.rule)),
            escape_data(&message)
        )?;
    }
    Ok(())
}
