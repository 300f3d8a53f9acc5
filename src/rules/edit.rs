//! Building the fixes rules attach to findings: minimal byte-range edits of the checked text
//! (a value replaced, a line inserted or removed), never a re-serialisation, so comments,
//! order and indentation stay as written. Every helper gives `None` when the text is not in
//! the plain block style it knows how to edit (flow collections, a key that does not begin
//! its line, a value over several lines): such a finding has no fix and stays for a human.

use crate::parse::source::{FileId, Span};
use crate::parse::yaml::Entry;
use crate::rules::diagnostic::{Edit, Fix};

/// Offset of the start of the line holding byte `at`.
pub fn line_start(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].rfind('\n').map_or(0, |p| p + 1)
}

/// Offset just past the end of the line holding byte `at` (past its `\n`; the end of the
/// text on the last line).
pub fn next_line(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..].find('\n').map_or(text.len(), |p| at + p + 1)
}

/// The indentation of a key at byte `at` that begins its line: the spaces before it. `None`
/// when anything else precedes it on the line (`- key:`, `{key:`, a tab).
pub fn own_line_indent(text: &str, at: usize) -> Option<&str> {
    let from = line_start(text, at);
    let before = text.get(from..at)?;
    before.bytes().all(|b| b == b' ').then_some(before)
}

/// An edit inserting `lines` (each without its newline) before the line of `at`, each
/// indented by `indent`.
pub fn insert_lines_before(file: FileId, text: &str, at: usize, indent: &str, lines: &[String]) -> Edit {
    let from = line_start(text, at) as u32;
    let body: String = lines.iter().map(|l| format!("{indent}{l}\n")).collect();
    Edit {
        span: Span::new(file, from, from),
        replacement: body,
    }
}

/// An edit inserting `lines` after the line of `at`, each indented by `indent` (a newline is
/// added first when that line is the last one and has none).
pub fn insert_lines_after(file: FileId, text: &str, at: usize, indent: &str, lines: &[String]) -> Edit {
    let to = next_line(text, at);
    let lead = if to == text.len() && !text.is_empty() && !text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let body: String = lines.iter().map(|l| format!("{indent}{l}\n")).collect();
    let body = if lead.is_empty() {
        body
    } else {
        format!("\n{}", body.trim_end_matches('\n'))
    };
    Edit {
        span: Span::new(file, to as u32, to as u32),
        replacement: body,
    }
}

/// The bytes a single-line scalar is written with, its quotes included, when `span` (its
/// node's span in the file) covers only the scalar on one line.
pub fn scalar_extent(text: &str, span: Span) -> Option<(usize, usize)> {
    let (mut s, mut e) = (span.start as usize, span.end as usize);
    let written = text.get(s..e)?;
    if written.contains('\n') || written.is_empty() && s == 0 {
        return None;
    }
    let bytes = text.as_bytes();
    // A span that stops inside the quotes: widen it to them.
    if !written.starts_with(['"', '\''])
        && s > 0
        && matches!(bytes[s - 1], b'"' | b'\'')
        && bytes.get(e) == Some(&bytes[s - 1])
    {
        s -= 1;
        e += 1;
    }
    let written = &text[s..e];
    if written.starts_with(['|', '>', '&', '*', '!', '[', '{']) {
        return None;
    }
    Some((s, e))
}

/// A fix replacing a single-line scalar (at `span` in the file) by `replacement` as written.
pub fn replace_scalar(text: &str, span: Span, replacement: &str) -> Option<Fix> {
    let (s, e) = scalar_extent(text, span)?;
    Some(Fix::replace(Span::new(span.file, s as u32, e as u32), replacement))
}

/// Where a new entry goes in the block mapping whose entries are `entries` (file spans of
/// their keys given by `key_span`), and with what indentation: before its first key, which
/// must begin its line, and the key text there must be the key (a template's offsets are
/// exact only for literal block scalars).
pub fn before_first_key<'a>(
    text: &'a str,
    entries: &[Entry],
    key_span: impl Fn(&Entry) -> Span,
) -> Option<(usize, &'a str)> {
    let first = entries.first()?;
    let span = key_span(first);
    let at = span.start as usize;
    if text.get(at..span.end as usize) != Some(first.key.as_str()) {
        return None;
    }
    Some((at, own_line_indent(text, at)?))
}

/// The key position and indentation of a `key: value` entry written on one line that begins
/// with the key (`key_span` and `value_span` in the file): a new entry can go after that line.
pub fn one_line_entry<'a>(text: &'a str, key: &str, key_span: Span, value_span: Span) -> Option<(usize, &'a str)> {
    let at = key_span.start as usize;
    if text.get(at..key_span.end as usize) != Some(key) {
        return None;
    }
    let indent = own_line_indent(text, at)?;
    let end = (value_span.end as usize).max(key_span.end as usize);
    (!text.get(at..end)?.contains('\n')).then_some((at, indent))
}

/// `value` written as the scalar at `span` was: in the same quotes, or plain when it was
/// plain and `value` reads back as the same string unquoted.
pub fn restyle(text: &str, span: Span, value: &str) -> Option<String> {
    let (s, e) = scalar_extent(text, span)?;
    Some(match text.as_bytes()[s] {
        b'"' if e - s >= 2 => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
        b'\'' if e - s >= 2 => format!("'{}'", value.replace('\'', "''")),
        _ => {
            let plain = !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-' | b'+'))
                && !value.starts_with(['-', '.'])
                && crate::parse::yaml::resolve_plain(value) == crate::parse::yaml::Value::Str(value.to_string());
            if !plain {
                return None;
            }
            value.to_string()
        }
    })
}

/// A fix setting the single-line scalar at `span` to the string `value`, in its quoting.
pub fn set_string(text: &str, span: Span, value: &str) -> Option<Fix> {
    let (s, e) = scalar_extent(text, span)?;
    Some(Fix::replace(
        Span::new(span.file, s as u32, e as u32),
        restyle(text, span, value)?,
    ))
}

/// A fix renaming the key of `entry` (its file span `key_span`) to `new`, when the key is
/// written plain and its mapping (`siblings`) has no `new` yet (no duplicate key is made).
pub fn rename_key(text: &str, entry: &Entry, key_span: Span, siblings: &[Entry], new: &str) -> Option<Fix> {
    if siblings.iter().any(|e| e.key == new)
        || text.get(key_span.start as usize..key_span.end as usize) != Some(entry.key.as_str())
    {
        return None;
    }
    Some(Fix::replace(key_span, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_inserted_with_the_indentation_given() {
        let text = "a:\n  b: 1\n  c: 2";
        let e = insert_lines_before(FileId(0), text, 5, "  ", &["x: 0".into()]);
        assert_eq!((e.span.start, e.replacement.as_str()), (3, "  x: 0\n"));
        let e = insert_lines_after(FileId(0), text, 12, "  ", &["y: 3".into(), "z: 4".into()]);
        assert_eq!(
            (e.span.start as usize, e.replacement.as_str()),
            (text.len(), "\n  y: 3\n  z: 4")
        );
        assert_eq!(own_line_indent(text, 5), Some("  "));
        assert_eq!(own_line_indent("- a: 1", 2), None);
    }

    #[test]
    fn a_string_keeps_the_quotes_it_was_written_with() {
        let text = "a: \"X\"\nb: 'X'\nc: X\n";
        let p = crate::parse::yaml::parse(text);
        let root = &p.docs[0].root;
        let span = |k: &str| {
            let n = root.get(k).expect("key");
            Span::new(FileId(0), n.start, n.end)
        };
        assert_eq!(
            restyle(text, span("a"), "it's \"x\"").as_deref(),
            Some("\"it's \\\"x\\\"\"")
        );
        assert_eq!(restyle(text, span("b"), "it's").as_deref(), Some("'it''s'"));
        assert_eq!(restyle(text, span("c"), "x-y").as_deref(), Some("x-y"));
        // Plain only when it reads back as the same string.
        assert_eq!(restyle(text, span("c"), "true"), None);
        assert_eq!(restyle(text, span("c"), "a: b"), None);
    }

    #[test]
    fn a_scalar_is_replaced_with_its_quotes() {
        let text = "v: \"1.2\"\nw: x # c\n";
        let p = crate::parse::yaml::parse(text);
        let root = &p.docs[0].root;
        for (key, want) in [("v", "\"1.2\""), ("w", "x")] {
            let n = root.get(key).expect("key");
            let (s, e) = scalar_extent(text, Span::new(FileId(0), n.start, n.end)).expect("extent");
            assert_eq!(&text[s..e], want);
        }
    }
}
