//! A Markdown summary for `$GITHUB_STEP_SUMMARY` and PR comments: totals, then one table row
//! per finding (at most [`MAX_ROWS`]; the rest are counted).
//!
//! Untrusted text. GitHub renders this Markdown and then links, in the rendered text,
//! mentions (`@org/team` notifies a team), issue references (`#12`, `org/repo#12`, `GH-12`,
//! which also add a cross-reference to that issue), bare URLs and `www.` names. A backslash
//! escape does not stop those (`\@team` renders as `@team` and is then linked); GitHub links
//! nothing inside code. So the text of the checked files is written like this:
//!
//! - input in a fixed place (a path) is a code span ([`code`], [`code_cell`]), its fence
//!   one backtick longer than the longest backtick run in it, padded with a space when it
//!   starts or ends with a backtick (as CommonMark strips one);
//! - a message or help ([`text`], [`cell`]) is read as portalint writes it, prose with
//!   `quoted` parts (backtick runs matched as CommonMark matches them, padding stripped as
//!   CommonMark strips it). Messages quote input with [`crate::parse::text::code`], whose
//!   fence outgrows any backtick run in it, so a quoted key or value is one part, whole. The
//!   quoted parts become code spans as above. In the prose `\ * _ [ ] ~ |` are backslash-escaped, `<`,
//!   `>`, `&` and a stray backtick are character references, and each `@`, `#`, `$`, the `:`
//!   of `://`, the `.` of `www.` and the `-` of `GH-1` is put in a code span: no mention,
//!   reference, link, image, autolink, HTML, math or emphasis can come from the input;
//! - in a table cell `|` is escaped everywhere, code spans included (GFM splits a row before
//!   it parses code spans; a backslash before a `|` in a code span gets one more, so that
//!   the `|` stays escaped);
//! - unsafe characters are visible (`\n`, `\u{1b}`: [`escape::push_visible`]), so a message
//!   is one line.
//!
//! Adjacent code spans are merged into one, so a fence never touches another backtick.

use super::{escape, Located, Summary};
use crate::rules::diagnostic::Severity;
use std::collections::HashMap;

/// Findings listed in full; a PR comment must stay under GitHub's 65 536 characters.
pub const MAX_ROWS: usize = 200;

/// Where Markdown is written: in a table cell `|` must be escaped, code spans included.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Block,
    Cell,
}

/// Output being built: code (its content, raw) or Markdown (escaped), adjacent pieces of a
/// kind merged.
enum Piece {
    Code(String),
    Md(String),
}

#[derive(Default)]
struct Out(Vec<Piece>);

impl Out {
    fn code(&mut self, s: &str) {
        match self.0.last_mut() {
            Some(Piece::Code(c)) => c.push_str(s),
            _ => self.0.push(Piece::Code(s.to_string())),
        }
    }

    fn md(&mut self, s: &str) {
        match self.0.last_mut() {
            Some(Piece::Md(m)) => m.push_str(s),
            _ => self.0.push(Piece::Md(s.to_string())),
        }
    }

    fn finish(self, ctx: Ctx) -> String {
        self.0
            .into_iter()
            .map(|p| match p {
                Piece::Code(c) => code_span(&c, ctx),
                Piece::Md(m) => m,
            })
            .collect()
    }
}

fn code_span(content: &str, ctx: Ctx) -> String {
    let mut body = String::with_capacity(content.len() + 2);
    let mut backslashes = 0usize;
    for c in content.chars() {
        match c {
            '|' if ctx == Ctx::Cell => body.push_str(if backslashes.is_multiple_of(2) { "\\|" } else { "\\\\|" }),
            c if escape::is_unsafe(c) => escape::push_visible(&mut body, c),
            c => body.push(c),
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    if body.is_empty() {
        return body;
    }
    crate::parse::text::code(&body)
}

/// `s` as a code span (outside a table).
pub fn code(s: &str) -> String {
    code_span(s, Ctx::Block)
}

/// `s` as a code span in a table cell.
pub fn code_cell(s: &str) -> String {
    code_span(s, Ctx::Cell)
}

/// Splits a message into prose and quoted parts (`true`): a backtick run opens a quoted part
/// that the next run of the same length closes, as in CommonMark; a run that nothing closes
/// is prose. Linear in the length of `s`.
fn quoted_parts(s: &str) -> Vec<(bool, &str)> {
    let b = s.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'`' {
            let start = i;
            while i < b.len() && b[i] == b'`' {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    let mut next = vec![None; runs.len()];
    let mut later: HashMap<usize, usize> = HashMap::new();
    for r in (0..runs.len()).rev() {
        next[r] = later.insert(runs[r].1, r);
    }
    let (mut parts, mut prose_from, mut r) = (Vec::new(), 0, 0);
    while r < runs.len() {
        let Some(q) = next[r] else {
            r += 1;
            continue;
        };
        let ((start, n), (close, _)) = (runs[r], runs[q]);
        if prose_from < start {
            parts.push((false, &s[prose_from..start]));
        }
        parts.push((true, unpadded(&s[start + n..close])));
        prose_from = close + n;
        r = q + 1;
    }
    if prose_from < s.len() {
        parts.push((false, &s[prose_from..]));
    }
    parts
}

/// The content of a code span as CommonMark reads it: one space stripped from each side when
/// it starts and ends with a space and is not all spaces (the padding that
/// [`crate::parse::text::code`] adds around a backtick at either end).
fn unpadded(s: &str) -> &str {
    match s.strip_prefix(' ').and_then(|r| r.strip_suffix(' ')) {
        Some(inner) if s.bytes().any(|b| b != b' ') => inner,
        _ => s,
    }
}

fn prose(out: &mut Out, s: &str) {
    let chars: Vec<char> = s.chars().collect();
    let before_is = |i: usize, word: &str| {
        i >= word.len()
            && chars[i - word.len()..i]
                .iter()
                .zip(word.chars())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    };
    for (i, &c) in chars.iter().enumerate() {
        let next = |k: usize| chars.get(i + k).copied();
        match c {
            c if escape::is_unsafe(c) => {
                let mut v = String::new();
                escape::push_visible(&mut v, c);
                out.md(&v);
            }
            '\\' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.md("\\");
                out.md(c.encode_utf8(&mut [0; 4]));
            }
            '<' => out.md("&lt;"),
            '>' => out.md("&gt;"),
            '&' => out.md("&amp;"),
            '`' => out.md("&#96;"),
            '@' | '#' | '$' => out.code(c.encode_utf8(&mut [0; 4])),
            ':' if next(1) == Some('/') && next(2) == Some('/') => out.code(":"),
            '.' if before_is(i, "www") => out.code("."),
            '-' if before_is(i, "gh") && next(1).is_some_and(|d| d.is_ascii_digit()) => out.code("-"),
            c => out.md(c.encode_utf8(&mut [0; 4])),
        }
    }
}

fn message(s: &str, ctx: Ctx) -> String {
    let mut out = Out::default();
    for (quoted, part) in quoted_parts(s) {
        if quoted {
            out.code(part);
        } else {
            prose(&mut out, part);
        }
    }
    out.finish(ctx)
}

/// A message or help from the checked files as inert Markdown (outside a table): see the
/// module docs.
pub fn text(s: &str) -> String {
    message(s, Ctx::Block)
}

/// A message or help from the checked files as inert Markdown in a table cell.
pub fn cell(s: &str) -> String {
    message(s, Ctx::Cell)
}

/// The summary heading line.
pub fn heading(summary: &Summary) -> String {
    if summary.errors + summary.warnings == 0 {
        format!("### ✅ portalint: no findings in {} files", summary.files)
    } else {
        format!(
            "### {} portalint: {} error{}, {} warning{} in {} files",
            if summary.errors > 0 { "❌" } else { "⚠️" },
            summary.errors,
            if summary.errors == 1 { "" } else { "s" },
            summary.warnings,
            if summary.warnings == 1 { "" } else { "s" },
            summary.files
        )
    }
}

/// Renders the summary.
pub fn render(diags: &[Located], summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(w, "{}\n", heading(summary))?;
    if let Some(left) = summary.left_out() {
        writeln!(w, "Not checked: {left}.\n")?;
    }
    if let Some(over) = summary.over_budget() {
        writeln!(w, "{over}.\n")?;
    }
    if summary.baselined > 0 {
        writeln!(w, "{}.\n", super::baseline::not_shown(summary.baselined))?;
    }
    if diags.is_empty() {
        return Ok(());
    }
    writeln!(w, "| Severity | Rule | Location | Message |")?;
    writeln!(w, "|---|---|---|---|")?;
    for d in diags.iter().take(MAX_ROWS) {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let mut message = cell(&d.message);
        if let Some(h) = &d.help {
            message.push_str(&format!("<br>help: {}", cell(h)));
        }
        writeln!(
            w,
            "| {sev} | {} | {} | {message} |",
            code_cell(d.rule.as_str()),
            code_cell(&format!(
                "{}:{}:{}",
                d.primary.shown_path(),
                d.primary.line,
                d.primary.column
            )),
        )?;
    }
    if diags.len() > MAX_ROWS {
        writeln!(w, "\n… and {} more findings.", diags.len() - MAX_ROWS)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_fence_past_every_backtick_run() {
        assert_eq!(code("a.yaml"), "`a.yaml`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a``"), "``` `a`` ```");
        assert_eq!(code(" a "), "`  a  `");
        assert_eq!(code("  "), "`  `");
        assert_eq!(code(""), "");
        assert_eq!(code("a\n@b\u{1b}"), "`a\\n@b\\u{1b}`");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(code_cell("a\\|b"), "`a\\\\\\|b`");
        assert_eq!(code_cell("a\\\\|b"), "`a\\\\\\|b`");
    }

    #[test]
    fn quoted_parts_match_as_commonmark_does() {
        assert_eq!(
            quoted_parts("unknown key `a` here"),
            [(false, "unknown key "), (true, "a"), (false, " here")]
        );
        assert_eq!(quoted_parts("`a``b`"), [(true, "a``b")]);
        // The padding of a fenced span is not content (CommonMark strips it).
        assert_eq!(quoted_parts("`` a ` b `` c `"), [(true, "a ` b"), (false, " c `")]);
        assert_eq!(quoted_parts("``  ``"), [(true, "  ")]);
        assert_eq!(quoted_parts("```"), [(false, "```")]);
    }

    #[test]
    fn prose_is_inert() {
        assert_eq!(text("plain words, (and) this: that."), "plain words, (and) this: that.");
        assert_eq!(text("ping @org/team"), "ping `@`org/team");
        assert_eq!(text("see #12 and GH-3"), "see `#`12 and GH`-`3");
        assert_eq!(text("![x](https://evil/x.png)"), "!\\[x\\](https`:`//evil/x.png)");
        assert_eq!(text("go www.evil.com"), "go www`.`evil.com");
        assert_eq!(
            text("<b>&#64;x</b> *y* _z_ ~w~ $m$"),
            "&lt;b&gt;&amp;`#`64;x&lt;/b&gt; \\*y\\* \\_z\\_ \\~w\\~ `$`m`$`"
        );
        assert_eq!(text("a\nb\\"), "a\\nb\\\\");
        // A quoted part next to a wrapped character is one code span.
        assert_eq!(text("key `a`@b"), "key `a@`b");
        // A key that closes the quote early leaves its rest in the prose, escaped.
        assert_eq!(text("unknown key `x` @team `y`"), "unknown key `x` `@`team `y`");
        // A message quotes with `parse::text::code`: the key stays one span, rendered as it was.
        for key in ["x` @team `y", "`a", "a``", "` @b `", "&amp; <img>"] {
            let msg = format!("unknown key {}", crate::parse::text::code(key));
            let md = text(&msg);
            assert_eq!(quoted_parts(&md), [(false, "unknown key "), (true, key)], "{md}");
        }
        assert_eq!(text("stray ` tick"), "stray &#96; tick");
        assert_eq!(cell("a|b `c|d`"), "a\\|b `c\\|d`");
    }
}
