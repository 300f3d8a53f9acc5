//! Positions and addresses as LSP counts them: lines and UTF-16 code units (byte offsets
//! everywhere else in portalint), `file://` URIs for paths, and buffer edits applied to text.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use std::path::{Path, PathBuf};

/// The line starts of one text, to map byte offsets to LSP positions and back.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The LSP position of byte `offset` (clamped to the text and to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let col: usize = self.text[self.starts[line]..offset].encode_utf16().count();
        Position::new(line as u32, col as u32)
    }

    /// The LSP range of bytes `start..end`.
    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// The byte offset of an LSP position: a column past the line's end is the line's end
    /// (before its line break), a line past the last is the end of the text, as LSP asks.
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self.starts.get(pos.line as usize + 1).map_or(self.text.len(), |&e| e);
        let line = &self.text[start..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= pos.character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        start + line.len()
    }
}

/// Applies an editor's changes, in order, to `text` (a change without a range replaces it all).
pub fn apply_changes(text: &mut String, changes: Vec<TextDocumentContentChangeEvent>) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let index = LineIndex::new(text);
                let start = index.offset(range.start);
                let end = index.offset(range.end).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
}

/// Whether `b` may stand unescaped in a `file://` URI path.
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
}

/// The `file://` URI of an absolute path (percent-encoded, UTF-8).
pub fn uri_of(path: &Path) -> Option<Uri> {
    let abs = std::path::absolute(path).ok()?;
    let s = abs.to_str()?.replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if plain(b) || b == b':' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.parse().ok()
}

/// The path of a `file://` URI; `None` for any other scheme or a bad encoding.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str().strip_prefix("file://")?;
    // An authority (`file://host/…`) other than empty or localhost is not a local file.
    let s = s.strip_prefix("localhost").unwrap_or(s);
    let s = s.split(['?', '#']).next().unwrap_or(s);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let s = String::from_utf8(out).ok()?;
    // `file:///C:/x` on Windows.
    let s = match s.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() && cfg!(windows) => s[1..].to_string(),
        _ => s,
    };
    Some(PathBuf::from(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        // `é` is 2 bytes and 1 unit; `😀` is 4 bytes and 2 units.
        let text = "a: é😀x\nb: 1\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').expect("x");
        assert_eq!(idx.position(x), Position::new(0, 6));
        assert_eq!(idx.offset(Position::new(0, 6)), x);
        assert_eq!(idx.position(text.find('b').expect("b")), Position::new(1, 0));
        // Past the end of a line: its end; past the last line: the text's end.
        assert_eq!(idx.offset(Position::new(0, 99)), x + 1);
        assert_eq!(idx.offset(Position::new(9, 0)), text.len());
        // Inside a character: its start.
        assert_eq!(idx.position(4), Position::new(0, 3));
    }

    #[test]
    fn edits_apply_in_order_with_utf16_ranges() {
        let mut text = String::from("k: é😀\nv: 1\n");
        let change = |l1, c1, l2, c2, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: t.to_string(),
        };
        apply_changes(&mut text, vec![change(0, 4, 0, 6, "z"), change(1, 3, 1, 4, "22")]);
        assert_eq!(text, "k: éz\nv: 22\n");
    }

    #[test]
    fn uris_round_trip_with_spaces_and_non_ascii() {
        let p = Path::new("/tmp/dir with space/ordré.yaml");
        let uri = uri_of(p).expect("uri");
        assert_eq!(uri.as_str(), "file:///tmp/dir%20with%20space/ordr%C3%A9.yaml");
        assert_eq!(path_of(&uri).expect("path"), p);
        assert!(path_of(&"untitled:Untitled-1".parse().expect("uri")).is_none());
    }
}
