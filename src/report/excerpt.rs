//! Excerpts, cut when rendered. A located finding keeps only positions and a shared handle
//! on its file's text ([`Source`]); the excerpt is cut from the text when the finding is
//! rendered: one line, at most [`MAX_COLUMNS`] columns of it around the span (`…` where the
//! line goes on), tabs as spaces, unsafe characters visible ([`super::escape`]). Memory and
//! output per finding are bounded whatever the length of the line: a one-line file of a
//! megabyte with a finding on every key costs a few hundred bytes of output per finding and
//! nothing per finding in memory but its positions.

use super::escape;
use std::borrow::Cow;
use std::sync::Arc;

/// Columns of source shown in an excerpt at most (longer lines are cut around the span).
pub const MAX_COLUMNS: usize = 240;
/// Columns kept before the span when a line is cut (more when the line ends soon after it).
pub const LEFT_COLUMNS: usize = 80;
/// Bytes read on each side of the span's start: more than [`MAX_COLUMNS`] characters.
const WINDOW: u32 = 4 * MAX_COLUMNS as u32 + 16;

/// A file's text read back by byte range: the streamed check's spool, or the file on disk.
pub trait ReadText: Send + Sync {
    /// The text's length in bytes.
    fn size(&self) -> u64;
    /// Bytes `start..end` of the text (fewer at its end).
    fn read(&self, start: u64, end: u64) -> std::io::Result<Vec<u8>>;
}

/// The text of a located file, shared by every finding in it: the text itself (a reference
/// count, no copy), or a way to read it back ([`ReadText`]).
#[derive(Clone)]
pub struct Source(Inner);

#[derive(Clone)]
enum Inner {
    Text(Arc<str>),
    Read(Arc<dyn ReadText>),
}

impl Source {
    /// A text held in memory.
    pub fn text(text: Arc<str>) -> Source {
        Source(Inner::Text(text))
    }

    /// A text read back when an excerpt is cut.
    pub fn reader(r: Arc<dyn ReadText>) -> Source {
        Source(Inner::Read(r))
    }

    /// The text's length in bytes.
    pub fn size(&self) -> u64 {
        match &self.0 {
            Inner::Text(t) => t.len() as u64,
            Inner::Read(r) => r.size(),
        }
    }

    /// The text of bytes `start..end` (cut at most 16 KiB after `start`; `None` when the text
    /// cannot be read back), lossily decoded at cut character boundaries.
    pub fn slice(&self, start: u32, end: u32) -> Option<String> {
        let size = self.size();
        let from = u64::from(start).min(size);
        let to = u64::from(end).clamp(from, (from + 16 * 1024).min(size));
        let bytes = self.bytes(from, to)?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn bytes(&self, start: u64, end: u64) -> Option<Cow<'_, [u8]>> {
        match &self.0 {
            Inner::Text(t) => t.as_bytes().get(start as usize..end as usize).map(Cow::Borrowed),
            Inner::Read(r) => r.read(start, end).ok().map(Cow::Owned),
        }
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The same whichever way the text is held (a streamed check must equal an in-memory one).
        write!(f, "Source({} bytes)", self.size())
    }
}

/// An excerpt line as rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// The line as shown: at most [`MAX_COLUMNS`] columns of it, `…` at an end where the
    /// line goes on, tabs as spaces, unsafe characters visibly escaped.
    pub text: String,
    /// Columns of `text` before the span.
    pub caret: usize,
    /// Columns of `text` the span covers (at least 1; up to the end of `text` when the span
    /// goes on past it).
    pub width: usize,
}

/// Cuts the excerpt of the span `start..end` (byte offsets) of `source`: the line it starts
/// on. `None` when the text cannot be read back.
pub fn cut(source: &Source, start: u32, end: u32) -> Option<Excerpt> {
    let size = source.size();
    let from = u64::from(start.saturating_sub(WINDOW)).min(size);
    let to = (u64::from(start) + u64::from(WINDOW)).min(size);
    let bytes = source.bytes(from, to)?;
    let local = |o: u32| (u64::from(o).clamp(from, to) - from) as usize;
    Some(cut_window(
        &bytes,
        local(start),
        if u64::from(end) > to { usize::MAX } else { local(end) },
        from > 0,
        to < size,
    ))
}

fn is_continuation(b: u8) -> bool {
    b & 0xc0 == 0x80
}

/// One character as shown: tab as a space, unsafe characters visible, any other as it is in
/// the text (`text`, borrowed: no allocation per character).
fn shown(c: char, text: &str) -> Cow<'_, str> {
    match c {
        '\t' => Cow::Borrowed(" "),
        c if escape::is_unsafe(c) => {
            let mut s = String::new();
            escape::push_visible(&mut s, c);
            Cow::Owned(s)
        }
        _ => Cow::Borrowed(text),
    }
}

/// Cuts the line around `s..e` in a window of the text; `more_before`/`more_after`: the
/// text goes on past the window's ends.
fn cut_window(buf: &[u8], s: usize, e: usize, more_before: bool, more_after: bool) -> Excerpt {
    let mut s = s.min(buf.len());
    while s > 0 && s < buf.len() && is_continuation(buf[s]) {
        s -= 1;
    }
    let (mut ls, open_left) = match buf[..s].iter().rposition(|&b| b == b'\n') {
        Some(i) => (i + 1, false),
        None => (0, more_before),
    };
    let (mut le, open_right) = match buf[s..].iter().position(|&b| b == b'\n') {
        Some(i) => (s + i, false),
        None => (buf.len(), more_after),
    };
    if !open_right {
        while le > ls && buf[le - 1] == b'\r' {
            le -= 1;
        }
    }
    // Cut edges on character boundaries.
    while ls < s && is_continuation(buf[ls]) {
        ls += 1;
    }
    while le > s && le < buf.len() && is_continuation(buf[le]) {
        le -= 1;
    }
    let s = s.clamp(ls, le);
    let e = e.clamp(s, le);
    let line = String::from_utf8_lossy(&buf[ls..le]);
    let (s, e) = (s - ls, e - ls);
    // Display units before, in and after the span, with their widths.
    let mut units: [Vec<Cow<'_, str>>; 3] = Default::default();
    for (i, c) in line.char_indices() {
        let part = if i < s {
            0
        } else if i < e {
            1
        } else {
            2
        };
        units[part].push(shown(c, &line[i..i + c.len_utf8()]));
    }
    let width = |u: &[Cow<'_, str>]| u.iter().map(|x| x.chars().count()).sum::<usize>();
    let [pre, span, post] = &units;
    let (pre_w, span_w, post_w) = (width(pre), width(span), width(post));
    if !open_left && !open_right && pre_w + span_w + post_w <= MAX_COLUMNS {
        return Excerpt {
            text: units.concat().concat(),
            caret: pre_w,
            width: span_w.max(1),
        };
    }
    // Columns before the span: up to LEFT_COLUMNS, more when what follows is short.
    let after = if open_right { MAX_COLUMNS } else { span_w + post_w };
    let left_budget = MAX_COLUMNS - after.min(MAX_COLUMNS - LEFT_COLUMNS);
    let mut kept = 0;
    let mut first = pre.len();
    while first > 0 {
        let w = pre[first - 1].chars().count();
        if kept + w > left_budget {
            break;
        }
        kept += w;
        first -= 1;
    }
    let mark_left = open_left || first > 0;
    let mut text = String::from(if mark_left { "…" } else { "" });
    pre[first..].iter().for_each(|u| text.push_str(u));
    let mut budget = MAX_COLUMNS - kept;
    let mut shown_span = 0;
    let mut cut_short = false;
    for (i, u) in span.iter().chain(post).enumerate() {
        let w = u.chars().count();
        if w > budget {
            cut_short = true;
            break;
        }
        budget -= w;
        if i < span.len() {
            shown_span += w;
        }
        text.push_str(u);
    }
    if cut_short || open_right {
        text.push('…');
    }
    Excerpt {
        text,
        caret: kept + usize::from(mark_left),
        width: shown_span.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str, start: usize, end: usize) -> Excerpt {
        cut(&Source::text(text.into()), start as u32, end as u32).expect("excerpt")
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let t = "a: 1\nkey:\tvalue\r\nlast";
        assert_eq!(
            ex(t, 9, 14),
            Excerpt {
                text: "key: value".into(),
                caret: 4,
                width: 5
            }
        );
        // A span over lines is underlined to the end of its first line; an empty one is a caret.
        assert_eq!(ex(t, 5, 21).width, 10);
        assert_eq!(ex(t, 5, 5).width, 1);
        assert_eq!(ex(t, 21, 25).text, "last");
        // At the line break, past the text.
        assert_eq!(
            ex(t, 4, 4),
            Excerpt {
                text: "a: 1".into(),
                caret: 4,
                width: 1
            }
        );
        assert_eq!(
            ex("", 0, 0),
            Excerpt {
                text: String::new(),
                caret: 0,
                width: 1
            }
        );
    }

    #[test]
    fn unsafe_characters_are_visible_and_move_the_caret() {
        let t = "k\u{1b}[2J: \u{202e}v\rw";
        let x = ex(t, t.find('v').expect("v"), t.len());
        assert_eq!(x.text, "k\\u{1b}[2J: \\u{202e}v\\rw");
        assert_eq!(x.caret, "k\\u{1b}[2J: \\u{202e}".len());
        assert_eq!(x.width, 4);
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let line: String = (0..100_000).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let t = format!("x\n{line}\ny");
        let at = 2 + 50_000;
        let x = ex(&t, at, at + 3);
        assert!(x.text.starts_with('…') && x.text.ends_with('…'), "{}", x.text);
        assert_eq!(x.text.chars().count(), MAX_COLUMNS + 2);
        assert_eq!(x.caret, LEFT_COLUMNS + 1);
        assert_eq!(x.width, 3);
        let caret_at: String = x.text.chars().skip(x.caret).take(3).collect();
        assert_eq!(caret_at, &t[at..at + 3]);
        // Near the start: no mark on the left; near the end: more context before it.
        let x = ex(&t, 5, 6);
        assert!(!x.text.starts_with('…') && x.text.ends_with('…'));
        assert_eq!(x.caret, 3);
        let end = 2 + line.len() - 2;
        let x = ex(&t, end, end + 1);
        assert!(x.text.starts_with('…') && !x.text.ends_with('…'));
        assert_eq!(x.text.chars().count(), MAX_COLUMNS + 1);
        assert_eq!(x.caret, MAX_COLUMNS - 1);
        // A span longer than the window is underlined to the cut.
        let x = ex(&t, 10, 90_000);
        assert_eq!(x.caret + x.width, MAX_COLUMNS);
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let line = "名前🚀ß\u{85}".repeat(20_000);
        for at in [0, 1, 2, 3, 7, 10_001, 50_003, line.len() - 1] {
            let x = ex(&line, at, at + 5);
            assert!(!x.text.contains('\u{fffd}'), "{at}");
            assert!(x.text.chars().count() <= MAX_COLUMNS + 2);
        }
    }
}
