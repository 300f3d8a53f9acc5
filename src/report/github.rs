//! GitHub Actions workflow commands (`::error file=…,line=…::message`): one annotation per
//! finding, escaped as the Actions toolkit does (`%`, CR and LF in messages; also `:` and
//! `,` in properties).

use super::{Located, Summary};
use crate::rules::diagnostic::Severity;

/// Escapes a message (the data after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
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
        };
        let p = &d.primary;
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
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
