//! Untrusted text. Keys, values, paths and source lines come from the checked files, which
//! anyone who can open a pull request controls; they reach the messages, the excerpts and
//! every output format. This module decides, for every format, how such text is written so
//! that it stays data: it cannot start an output line of its own (a GitHub Actions workflow
//! command such as `::error` or `::add-mask::`), send a terminal control sequence (title,
//! screen clear), reorder what a reader sees (bidi overrides), or become live Markdown.
//!
//! The characters never written raw ([`is_unsafe`]): the C0 controls but TAB (so LF, CR, ESC,
//! BEL, …), DEL, the C1 controls U+0080–U+009F (U+0085 NEL, U+009B CSI, …), the line and
//! paragraph separators U+2028/U+2029, and the bidi controls U+202A–U+202E, U+2066–U+2069,
//! U+200E/U+200F and U+061C. How each format writes them:
//!
//! - text and the GitHub format: visibly, `\n`, `\r`, else `\u{1b}` ([`line`]); a message
//!   is then one line. (A backslash from the input is left as it is: `\n` in the output may
//!   also have been a backslash and an `n`.)
//! - JSON and SARIF: as `\uXXXX` escapes ([`write_json_pretty`]); serde_json escapes only
//!   U+0000–U+001F itself and would write DEL, C1, U+2028/U+2029 and the bidi controls raw
//!   (valid JSON, but raw in a terminal or log that shows the file). The escaped document
//!   decodes to the same strings: consumers see the input's text unchanged.
//! - Markdown: visibly, as in text, and [`super::markdown`] keeps the rest inert.
//! - JUnit XML: visibly, as in text (XML 1.0 cannot hold most of them even as character
//!   references), then `&`, `<`, `>`, `"` and `'` as entities ([`xml`]); U+FFFE/U+FFFF,
//!   which XML forbids too, are written visibly as well.
//! - GitLab Code Quality: JSON, as above.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

/// True for a character that is never written raw from input (see the module docs).
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x08'
            | '\n'..='\x1f'
            | '\x7f'..='\u{9f}'
            | '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Appends the visible form of `c`: `\n`, `\r`, else `\u{…}` with the code point in hex.
pub fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        _ => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `s` with every unsafe character written visibly ([`push_visible`]); TAB is kept. The
/// result holds no line break: it is one line of output.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` as XML character data or an attribute value: one line ([`line`]), the characters XML
/// forbids written visibly, and the markup characters as entities.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\u{fffe}' | '\u{ffff}' => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// serde_json's pretty printer, with every unsafe character of a string written as a
/// `\uXXXX` escape (they are all in the Basic Multilingual Plane).
struct SafeJson(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_unsafe(c)) {
            w.write_all(&rest.as_bytes()[..i])?;
            write!(w, "\\u{:04x}", c as u32)?;
            rest = &rest[i + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `value` as pretty-printed JSON (as `serde_json::to_writer_pretty`), every unsafe
/// character of its strings as a `\uXXXX` escape: the output holds no raw control character,
/// and parses to the same value.
pub fn write_json_pretty<W: io::Write, T: serde::Serialize + ?Sized>(w: W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, SafeJson(serde_json::ser::PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// A JSON array whose items are made one at a time while it is written (`item(i)` for
/// `i` in `0..len`): a report of many findings is never held whole in memory as a tree, only
/// one finding's at a time.
pub struct LazySeq<F> {
    /// How many items.
    pub len: usize,
    /// Item `i`.
    pub item: F,
}

impl<F: Fn(usize) -> serde_json::Value> serde::Serialize for LazySeq<F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((0..self.len).map(&self.item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_written_visibly() {
        assert_eq!(line("plain ß 名 \t tab"), "plain ß 名 \t tab");
        assert!(matches!(line("plain"), Cow::Borrowed(_)));
        assert_eq!(line("a\nb\rc"), "a\\nb\\rc");
        assert_eq!(line("\x1b]0;t\x07"), "\\u{1b}]0;t\\u{7}");
        assert_eq!(line("\u{7f}\u{85}\u{9b}"), "\\u{7f}\\u{85}\\u{9b}");
        assert_eq!(
            line("\u{2028}\u{2029}\u{202e}\u{2066}\u{2069}"),
            "\\u{2028}\\u{2029}\\u{202e}\\u{2066}\\u{2069}"
        );
        for c in ['\t', ' ', '~', '\u{a0}', '\u{200b}', '\u{202f}', '\u{2070}'] {
            assert!(!is_unsafe(c), "{c:?}");
        }
        for c in ('\0'..='\u{10ffff}').filter(|&c| is_unsafe(c)) {
            assert!(c.is_control() || (c as u32) >= 0x61c, "{c:?}");
            assert!(!line(&c.to_string()).chars().any(is_unsafe));
        }
    }

    #[test]
    fn json_escapes_every_unsafe_character_and_keeps_the_value() {
        let s = "a\n\x1b[2J\u{7f}\u{85}\u{2028}\u{202e}\"\\ß";
        let mut out = Vec::new();
        write_json_pretty(&mut out, &serde_json::json!({"k\u{9b}": [s]})).expect("write");
        let text = String::from_utf8(out).expect("utf8");
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text:?}");
        assert!(text.contains("\\u007f") && text.contains("\\u0085") && text.contains("\\u2028"));
        let back: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(back["k\u{9b}"][0], s);
        // The layout is serde_json's pretty one.
        let value = serde_json::json!({"a": [1, {"b": null}], "c": {}});
        let mut ours = Vec::new();
        write_json_pretty(&mut ours, &value).expect("write");
        assert_eq!(
            String::from_utf8(ours).expect("utf8"),
            serde_json::to_string_pretty(&value).expect("json")
        );
    }
}
