//! Text from the checked files cannot inject anything into portalint's output. Generated
//! hostile YAML — keys, values and a file name holding a line break before a GitHub workflow
//! command (`::error`, `::add-mask::`), terminal sequences (OSC title, screen clear), CR, C1
//! and bidi controls, backtick runs, a team mention, an image and links — makes several rules
//! quote it in their messages and excerpts. In every format: no raw control character from
//! the input; in text and GitHub output no line starts with `::` but portalint's own
//! annotations; in Markdown (the job summary, the bot's PR comment and line comments) no
//! mention, link, image or HTML outside a code span. A megabyte on one line with a thousand
//! findings gives bounded output per finding.

mod common;
mod fake_github;

use common::{git, root, write};
use std::path::{Path, PathBuf};
use std::process::Command;

const FORMATS: &[&str] = &["text", "json", "sarif", "github", "markdown", "junit", "gitlab"];

/// The hostile strings, each quoted by some rule in a message and an excerpt.
const HOSTILE: &[&str] = &[
    "\n::error file=x::forged",
    "\n::add-mask::x",
    "\r\n::warning::cr",
    "\x1b]0;title\x07",
    "\x1b[2J",
    "a\rb",
    "\u{85}nel",
    "\u{9b}2Jcsi",
    "\u{7f}del",
    "\u{202e}evil\u{202c}",
    "\u{2066}iso\u{2069}",
    "\u{2028}ls\u{2029}ps",
    "x` @org/team `y",
    "k``a```b`",
    "`@org/team`",
    "@org/team",
    "![x](https://evil/x.png)",
    "[x](https://evil)",
    "<https://evil>",
    "<img src=x onerror=alert(1)>",
    "&#64;org/team #1 GH-2 www.evil.com $x$",
    "a|b\\|c",
];

/// A YAML double-quoted scalar: every character but printable ASCII as `\uXXXX`.
fn dq(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\u{:04x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A repository of hostile files: quoted escapes (the rules quote the decoded text), raw
/// bidi and separator characters in plain scalars (the excerpts show them), raw controls
/// that YAML rejects (a syntax error quotes the line), and a hostile file name.
fn hostile_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let mut labels = String::new();
    let mut annotations = String::new();
    for (i, h) in HOSTILE.iter().enumerate() {
        // k8s-label-key, k8s-reserved-prefixes and k8s-label-value.
        labels.push_str(&format!(
            "    {}: {}\n",
            dq(&format!("k8s.io/{h}")),
            dq(&format!("v{h}"))
        ));
        // k8s-annotation-key.
        annotations.push_str(&format!("    {}: v{i}\n", dq(&format!("bad key {h}"))));
    }
    for (i, h) in HOSTILE.iter().enumerate() {
        write(
            d,
            &format!("quoted/cm{i}.yaml"),
            // k8s-dns1123-subdomain quotes the name.
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n  labels:\n{labels}  annotations:\n{annotations}",
                dq(&format!("Bad{h}"))
            ),
        );
    }
    write(
        d,
        "raw.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Raw\u{202e}Name\u{2028}x\u{85}y\n  labels:\n    k8s.io/\u{2066}a\u{2069}: v\u{202e}\u{2029}\n",
    );
    write(
        d,
        "broken.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\x1b]0;title\x07\x1b[2J\r::error file=x::forged\x7f\n",
    );
    write(
        d,
        "broken-cr.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"x\x1b[2J\n::add-mask::x\u{9b}\n",
    );
    write(
        d,
        "x\n::error file=y::named\x1b[2J @org`t`.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n",
    );
    tmp
}

/// Runs the binary: (exit code, stdout, stderr), bytes as written.
fn run(args: &[&str], cwd: &Path) -> (i32, Vec<u8>, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_portalint"))
        .args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_EVENT_PATH")
        .output()
        .expect("run");
    (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
}

/// A character the input may hold but no output may write raw.
fn forbidden(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// Asserts that `bytes` are UTF-8 without a raw control, separator or bidi character.
fn clean(what: &str, bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| forbidden(c)) {
        let from = text[..i].rfind('\n').map_or(0, |n| n + 1);
        panic!(
            "{what}: raw {c:?} at byte {i}, in line {:?}",
            &text[from..(i + 40).min(text.len())]
        );
    }
    text
}

/// Every string of a JSON value, decoded, one after another.
fn strings(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(strings).collect(),
        serde_json::Value::Object(o) => o.iter().map(|(k, v)| format!("{k}{}", strings(v))).collect(),
        _ => String::new(),
    }
}

/// A text line that the GitHub Actions runner reads as a workflow command: it starts with
/// `::` once leading whitespace is trimmed (the runner trims it).
fn command_like(line: &str) -> bool {
    line.trim_start().starts_with("::")
}

#[test]
fn no_format_writes_input_controls_or_starts_a_line_with_input() {
    let repo = hostile_repo();
    for format in FORMATS {
        let (code, out, err) = run(&["check", "--format", format, "--color", "never", "."], repo.path());
        assert_eq!(code, 1, "{format}: {}", String::from_utf8_lossy(&err));
        let out = clean(format, &out);
        clean(&format!("{format} stderr"), &err);
        for h in ["::error file=x::forged", "::add-mask::x", "@org/team"] {
            assert!(out.contains(h), "{format}: the hostile text `{h}` is not quoted at all");
        }
        match *format {
            "text" => {
                for l in out.lines() {
                    // The label arrow `:::` is portalint's; its command name would be `:`.
                    assert!(!command_like(l) || l.trim_start().starts_with("::: "), "text: {l:?}");
                }
                assert!(out.contains("\\n::error file=x::forged"), "text: LF is shown as \\n");
                assert!(out.contains("\\u{1b}]0;title\\u{7}") && out.contains("\\u{202e}"));
                assert!(out.contains("error[yaml-syntax]"), "a syntax error quotes the raw line");
            }
            "github" => {
                for l in out.lines() {
                    assert!(
                        ["::error ", "::warning ", "::notice "].iter().any(|p| l.starts_with(p)),
                        "github: {l:?}"
                    );
                    // The data: the message, and portalint's own line break before `help:`.
                    let (_, data) = l.split_once("::").and_then(|(_, r)| r.split_once("::")).expect("data");
                    let parts: Vec<&str> = data.split("%0A").collect();
                    assert!(parts.len() <= 2, "github: an input line break in {l:?}");
                    assert!(parts.len() < 2 || parts[1].starts_with("help: "), "{l:?}");
                }
            }
            "junit" => {
                // No raw markup from the input: the hostile `<`, `&` and quotes are entities,
                // every line is portalint's (no input line break).
                assert!(!out.contains("<img") && !out.contains("<https"), "junit: raw markup");
                assert!(
                    out.contains("&lt;img src=x") && out.contains("&amp;#64;org"),
                    "junit: entities"
                );
                xml_well_formed(&out);
                for l in out.lines() {
                    assert!(!command_like(l), "junit: {l:?}");
                }
                assert!(out.contains("\\n::error file=x::forged"), "junit: LF is shown as \\n");
            }
            "json" | "sarif" | "gitlab" => {
                // The strings are the input's text, unchanged: only written as escapes.
                let v: serde_json::Value = serde_json::from_str(&out).expect("json");
                let all = v.to_string();
                assert!(all.contains("\\n::error file=x::forged"), "{format}");
                let decoded = strings(&v);
                assert!(
                    decoded.contains('\u{202e}') && decoded.contains('\u{85}'),
                    "{format}: the values are kept"
                );
                assert!(
                    out.contains("\\u202e") && out.contains("\\u0085") && out.contains("\\u007f"),
                    "{format}"
                );
            }
            "markdown" => inert_markdown("markdown", &out),
            _ => unreachable!(),
        }
    }
}

#[test]
fn own_colours_stay_input_escapes_do_not() {
    let repo = hostile_repo();
    let (_, out, _) = run(&["check", "--color", "always", "."], repo.path());
    let text = String::from_utf8(out).expect("utf8");
    let mut rest = text.clone();
    for sgr in [
        "\x1b[0m",
        "\x1b[1m",
        "\x1b[1;31m",
        "\x1b[1;32m",
        "\x1b[1;33m",
        "\x1b[1;34m",
    ] {
        rest = rest.replace(sgr, "");
    }
    assert!(text.contains("\x1b[1;31m"), "colours are on");
    clean(
        "text --color always, portalint's own colour codes removed",
        rest.as_bytes(),
    );
}

#[test]
fn config_error_excerpts_are_escaped() {
    let tmp = tempfile::tempdir().expect("tmp");
    for config in [
        "\"bad\\n::error::x\\u001b[2J\\u0085\": 1\n",
        "a: \x1b]0;title\x07\r::add-mask::x\n",
        &format!("exclude: [{}]\nb: {}\n", dq("\u{202e}"), "x".repeat(100_000)),
    ] {
        write(tmp.path(), ".portalint.yaml", config);
        write(
            tmp.path(),
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
        );
        let (code, out, err) = run(&["check", "."], tmp.path());
        assert_eq!(code, 2, "{}", String::from_utf8_lossy(&err));
        let err = clean("config error", &err);
        clean("config error stdout", &out);
        assert!(err.starts_with("error: invalid config: "), "{err}");
        for (i, l) in err.lines().enumerate() {
            assert!(!command_like(l), "{l:?}");
            // The excerpt is cut; the message (first line) lists the known keys.
            assert!(i == 0 || l.chars().count() <= 300, "{} columns", l.chars().count());
        }
    }
}

#[test]
fn streamed_excerpts_are_cut_from_the_spool_or_the_file_the_same_way() {
    let repo = hostile_repo();
    let big: String = (0..3000).map(|i| format!("k8s.io/k{i}: v{i}, ")).collect();
    write(
        repo.path(),
        "big.yaml",
        &format!("{{apiVersion: v1, kind: ConfigMap, metadata: {{name: x, labels: {{{big}a: b}}}}}}\n"),
    );
    let text = |stream: bool, tmpdir: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_portalint"));
        c.args(["check", "--color", "never"]).current_dir(repo.path());
        if stream {
            c.args(["--stream-above", "0", "--batch-size", "1"]);
        }
        if let Some(t) = tmpdir {
            c.env("TMPDIR", t);
        }
        let out = c.output().expect("run");
        clean("streamed text", &out.stdout)
    };
    let memory = text(false, None);
    assert!(memory.contains("| …"), "a cut line");
    // The spool, then (no writable temporary directory) the files read again.
    assert_eq!(text(true, None), memory);
    assert_eq!(text(true, Some("/nonexistent/portalint-no-tmp")), memory);
}

/// Splits a GFM table row into cells as cmark-gfm does: `\` and an ASCII punctuation
/// character are one unit; an unpaired `|` separates. Each cell has `\|` unescaped.
fn gfm_cells(row: &str) -> Vec<String> {
    let chars: Vec<char> = row.chars().collect();
    let (mut cells, mut cur, mut i) = (Vec::new(), String::new(), 0);
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1).is_some_and(|c| c.is_ascii_punctuation()) => {
                cur.push('\\');
                cur.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '|' => cells.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
        i += 1;
    }
    cells.push(cur);
    cells.into_iter().map(|c| c.replace("\\|", "|")).collect()
}

/// The prose of one line of Markdown inline content, as CommonMark reads it: code spans
/// (backtick runs matched by length), backslash escapes and portalint's character
/// references are replaced by a space; what is left is what GitHub would link, mention or
/// render as markup.
fn prose(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let (mut out, mut i) = (String::new(), 0);
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(|c| c.is_ascii_punctuation()) {
            out.push(' ');
            i += 2;
            continue;
        }
        if c == '`' {
            let n = chars[i..].iter().take_while(|&&c| c == '`').count();
            let mut j = i + n;
            let mut close = None;
            while j < chars.len() {
                if chars[j] == '`' {
                    let m = chars[j..].iter().take_while(|&&c| c == '`').count();
                    if m == n {
                        close = Some(j + m);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            match close {
                Some(end) => {
                    out.push(' ');
                    i = end;
                }
                None => {
                    out.extend(std::iter::repeat_n('`', n));
                    i += n;
                }
            }
            continue;
        }
        if c == '&' {
            let rest: String = chars[i..].iter().take(5).collect();
            if let Some(e) = ["&lt;", "&gt;", "&amp;", "&#96;"]
                .iter()
                .find(|e| rest.starts_with(**e))
            {
                out.push(' ');
                i += e.chars().count();
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Asserts that Markdown from portalint holds nothing live from the input: outside code
/// spans no mention, issue reference, link, image, autolink, HTML, math, emphasis or stray
/// backtick, and every table row has its four cells.
fn inert_markdown(what: &str, md: &str) {
    for line in md.lines() {
        // portalint's own headings, table head, bold severity and line breaks.
        if line.starts_with('#') || line.starts_with("|---") || line.starts_with("| Severity ") {
            continue;
        }
        let line = line
            .replace("<br>", " ")
            .replace("**error**", " ")
            .replace("**warning**", " ")
            .replace("**Actions**", " ")
            .replace("**Error findings:**", " ");
        let parts: Vec<String> = if line.starts_with("| ") {
            let cells = gfm_cells(&line);
            assert!(
                cells.len() >= 3 && cells[0].is_empty() && cells[cells.len() - 1].is_empty(),
                "{what}: a row split apart: {line:?}"
            );
            cells
        } else {
            vec![line.clone()]
        };
        for p in parts {
            let prose = prose(&p);
            for live in [
                "@", "#", "[", "]", "<", ">", "&", "$", "*", "_", "~", "`", "://", "www.",
            ] {
                assert!(
                    !prose.contains(live),
                    "{what}: `{live}` outside code in {p:?} (prose {prose:?})"
                );
            }
        }
    }
}

#[test]
fn markdown_rows_keep_their_cells() {
    let repo = hostile_repo();
    let (_, out, _) = run(&["check", "--format", "markdown", "."], repo.path());
    let md = String::from_utf8(out).expect("utf8");
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Severity"))
        .collect();
    assert!(rows.len() > 50, "{md}");
    for r in rows {
        assert_eq!(gfm_cells(r).len(), 6, "four cells in {r:?}");
    }
    // The checker itself catches what it is for.
    for live in [
        "| a | @org/team |",
        "| a | `x` `@org` `` |",
        "| a | x\\\\|@y |",
        "| [x](y) |",
    ] {
        assert!(
            std::panic::catch_unwind(|| inert_markdown("probe", live)).is_err(),
            "{live}"
        );
    }
    inert_markdown("probe", "| a | `@org/team` ``a`b`` \\[x\\] &lt;y&gt; |");
}

/// Printable hostile text that a message quotes and Markdown must show as one code span,
/// exactly: backticks that would close a single-backtick quote early, a padded span, a
/// mention, an image, a link, HTML and character references (which render literally in a
/// code span, so they must reach it as they are, not as `&amp;amp;`).
const ROUNDTRIP: &[&str] = &[
    "x` @org/team `y",
    "k``a```b`",
    "`@org/team`",
    "` @b `",
    "![x](http://e)",
    "[x](https://evil)",
    "<img src=x onerror=alert(1)>",
    "&amp;",
    "&#64;org/team",
];

/// The code spans of Markdown as CommonMark reads them, line by line (in a table row, cell
/// by cell, with `\|` unescaped first): outside a span a backslash escapes the next ASCII
/// punctuation character; a backtick run opens a span that the next run of the same length
/// closes (else it is literal); one space is stripped from each side of content that starts
/// and ends with a space and is not all spaces.
fn code_spans(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in md.lines() {
        let parts = if line.starts_with("| ") {
            gfm_cells(line)
        } else {
            vec![line.to_string()]
        };
        for p in parts {
            let c: Vec<char> = p.chars().collect();
            let mut i = 0;
            while i < c.len() {
                if c[i] == '\\' && c.get(i + 1).is_some_and(|x| x.is_ascii_punctuation()) {
                    i += 2;
                    continue;
                }
                if c[i] != '`' {
                    i += 1;
                    continue;
                }
                let n = c[i..].iter().take_while(|&&x| x == '`').count();
                let (start, mut j, mut close) = (i + n, i + n, None);
                while j < c.len() {
                    let m = c[j..].iter().take_while(|&&x| x == '`').count();
                    if m == n {
                        close = Some(j);
                        break;
                    }
                    j += m.max(1);
                }
                match close {
                    Some(end) => {
                        let body: String = c[start..end].iter().collect();
                        let all_spaces = body.chars().all(|x| x == ' ');
                        let body = match body.strip_prefix(' ').and_then(|b| b.strip_suffix(' ')) {
                            Some(inner) if !all_spaces => inner.to_string(),
                            _ => body,
                        };
                        out.push(body);
                        i = end + n;
                    }
                    None => i += n,
                }
            }
        }
    }
    out
}

/// Asserts that each of `quoted` is, whole, one code span of `md`.
fn quoted_whole(what: &str, md: &str, quoted: &[String]) {
    let spans = code_spans(md);
    for q in quoted {
        assert!(
            spans.iter().any(|s| s == q),
            "{what}: {q:?} is not one code span; the spans are {:?}",
            spans
                .iter()
                .filter(|s| q.contains(s.as_str()) || s.contains("k8s.io"))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn markdown_quotes_input_whole_in_one_code_span() {
    let tmp = tempfile::tempdir().expect("tmp");
    let labels: String = ROUNDTRIP
        .iter()
        .map(|h| format!("    {}: {}\n", dq(&format!("k8s.io/{h}")), dq(&format!("v{h}"))))
        .collect();
    write(
        tmp.path(),
        "cm.yaml",
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  labels:\n{labels}"),
    );
    let (code, out, err) = run(&["check", "--format", "markdown", "."], tmp.path());
    assert_eq!(code, 1, "{}", String::from_utf8_lossy(&err));
    let md = clean("markdown", &out);
    inert_markdown("markdown", &md);
    // k8s-label-key quotes the key, k8s-label-value the value.
    let quoted: Vec<String> = ROUNDTRIP
        .iter()
        .flat_map(|h| [format!("k8s.io/{h}"), format!("v{h}")])
        .collect();
    quoted_whole("markdown", &md, &quoted);
    // The probe itself: a quote that a backtick in the key ended early is caught.
    assert!(std::panic::catch_unwind(|| quoted_whole(
        "probe",
        "| a | `x` @org/team `y` |",
        &["x` @org/team `y".to_string()]
    ))
    .is_err());
    assert_eq!(code_spans("a `` ` @b ` `` c \\`d` e"), ["` @b `"]);
    assert_eq!(code_spans("| `a\\|b` | ``  `` |"), ["a|b", "  "]);
}

#[test]
fn one_long_line_gives_bounded_output_per_finding() {
    let tmp = tempfile::tempdir().expect("tmp");
    let labels: Vec<String> = (0..5000).map(|i| format!("k8s.io/k{i}: v{i}")).collect();
    let notes: Vec<String> = (0..4000).map(|i| format!("note{i}: {}", "x".repeat(200))).collect();
    let doc = format!(
        "{{apiVersion: v1, kind: ConfigMap, metadata: {{name: x, labels: {{{}}}, annotations: {{{}}}}}, data: {{a: b}}}}\n",
        labels.join(", "),
        notes.join(", ")
    );
    assert!(doc.len() > 900_000 && doc.lines().count() == 1);
    write(tmp.path(), "big.yaml", &doc);
    for format in ["text", "github", "markdown"] {
        let (code, out, _) = run(&["check", "--format", format, "--color", "never", "."], tmp.path());
        assert_eq!(code, 1);
        let out = String::from_utf8(out).expect("utf8");
        let findings = match format {
            "text" => out.matches("warning[").count() + out.matches("error[").count(),
            "github" => out.lines().count(),
            _ => out.lines().filter(|l| l.starts_with("| ")).count() - 1,
        };
        assert!(findings >= 200, "{format}: {findings} findings");
        let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(longest <= 300, "{format}: a line of {longest} characters");
        assert!(
            out.len() <= 1024 * findings + 1024,
            "{format}: {} bytes for {findings} findings",
            out.len()
        );
        if format == "text" {
            assert!(
                out.contains("| …") && out.contains("…\n"),
                "the line is cut on both sides"
            );
        }
    }
}

// The PR bot: its summary comment, its line comments and the job summary quote the findings
// of the PR's files.

const TOKEN: &str = "ghs_portalintTestToken0123456789";
const CONFIG: &str = "openportal:\n  repo-name: catalog-orders\npolicy:\n  teams: {team-a: [alice]}\n  max-files: 2\n  auto-merge-kinds: [WhoAmIApp]\n";

fn rev(dir: &Path, r: &str) -> String {
    let out = Command::new("git")
        .args(["rev-parse", r])
        .current_dir(dir)
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_bot_comments_inert_markdown() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path: PathBuf = tmp.path().join("repo");
    write(&path, ".portalint.yaml", CONFIG);
    write(
        &path,
        ".github/CODEOWNERS",
        "* @org/platform\n/openportal/team-a/ @org/team-a\n",
    );
    write(
        &path,
        "openportal/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n",
    );
    git(&path, &["init", "-q", "-b", "main"]);
    git(&path, &["add", "-A"]);
    git(&path, &["commit", "-qm", "base"]);
    git(&path, &["checkout", "-q", "-b", "order"]);
    let file = "openportal/team-a/WhoAmIApp/bad.yaml";
    // The round-trip keys first: the bot writes at most 50 line comments, in line order.
    let labels: String = ROUNDTRIP
        .iter()
        .chain(HOSTILE.iter().filter(|h| !ROUNDTRIP.contains(h)))
        .map(|h| format!("    {}: {}\n", dq(&format!("k8s.io/{h}")), dq(&format!("v{h}"))))
        .collect();
    write(
        &path,
        file,
        &format!(
            "apiVersion: openportal.dev/v1alpha1\nkind: WhoAmIApp\nmetadata:\n  name: bad\n  namespace: team-a\n  labels:\n{labels}  annotations:\n    terasky.backstage.io/owner: group:default/team-a\nspec:\n  name: bad\n  replicas: 1\n"
        ),
    );
    git(&path, &["add", "-A"]);
    git(&path, &["commit", "-qm", "order"]);
    let fake = fake_github::Fake::start(fake_github::State {
        owner: "acme".into(),
        repo: "catalog-orders".into(),
        number: 7,
        head_sha: rev(&path, "HEAD"),
        head_ref: "order".into(),
        base_sha: rev(&path, "main"),
        author: "alice".into(),
        files: vec![file.to_string()],
        // GitHub takes line comments only inside the file's diff: the fake needs its patch.
        patches: [(file.to_string(), {
            let d = Command::new("git")
                .args(["diff", "main...HEAD", "--", file])
                .current_dir(&path)
                .output()
                .expect("git");
            let d = String::from_utf8_lossy(&d.stdout).into_owned();
            d.find("@@").map(|i| d[i..].to_string()).unwrap_or_default()
        })]
        .into_iter()
        .collect(),
        check_runs: vec![("portalint".into(), "neutral".into())],
        token: TOKEN.into(),
        ..fake_github::State::default()
    });
    let summary = tmp.path().join("summary.md");
    let xrds = root().join("fixtures/_xrds/whoami-xrd.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_portalint"))
        .args([
            "pr",
            "--repo",
            "acme/catalog-orders",
            "--pr",
            "7",
            "--api-url",
            &fake.url,
        ])
        .args(["--token-env", "PORTALINT_TEST_TOKEN", "--retry-base-ms", "10", "--xrds"])
        .arg(&xrds)
        .current_dir(&path)
        .env("PORTALINT_TEST_TOKEN", TOKEN)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("GITHUB_EVENT_PATH")
        .output()
        .expect("run");
    let stdout = clean("bot stdout", &out.stdout);
    clean("bot stderr", &out.stderr);
    for l in stdout.lines() {
        assert!(!command_like(l), "{l:?}");
    }
    let s = fake.state.lock().expect("lock");
    let comment = &s.comments.first().expect("a summary comment").1;
    assert!(comment.contains("k8s-label-key"), "{comment}");
    clean("summary comment", comment.as_bytes());
    inert_markdown("summary comment", comment.split_once('\n').expect("marker").1);
    assert!(!s.review_comments.is_empty(), "line comments");
    for (_, _, _, body) in &s.review_comments {
        clean("line comment", body.as_bytes());
        // After the hidden marker: `**severity** `rule`: message`, `help: …`.
        inert_markdown("line comment", body.split_once("-->\n").expect("marker").1);
    }
    let job = std::fs::read_to_string(&summary).expect("job summary");
    clean("job summary", job.as_bytes());
    inert_markdown("job summary", &job);
    assert!(job.contains("@org/team"), "the mention is quoted, in code");
    // Each key and value is quoted whole, in one code span, in every text the bot writes.
    let quoted: Vec<String> = ROUNDTRIP
        .iter()
        .flat_map(|h| [format!("k8s.io/{h}"), format!("v{h}")])
        .collect();
    quoted_whole("summary comment", comment, &quoted);
    quoted_whole("job summary", &job, &quoted);
    // The line comments (at most 50, so the first rules' findings: the keys).
    let lines: String = s.review_comments.iter().map(|(_, _, _, b)| format!("{b}\n")).collect();
    let keys: Vec<String> = ROUNDTRIP.iter().map(|h| format!("k8s.io/{h}")).collect();
    quoted_whole("line comments", &lines, &keys);
}

/// Every `<` of a JUnit report starts a tag portalint wrote, and tags close in order.
fn xml_well_formed(out: &str) {
    let tags = regex::Regex::new(r"</?([a-z-]+)[^<>]*?(/?)>").expect("regex");
    let mut stack = Vec::new();
    for m in tags.captures_iter(out) {
        let whole = m.get(0).expect("tag");
        let name = m[1].to_string();
        if whole.as_str().starts_with("</") {
            assert_eq!(stack.pop(), Some(name), "junit: tags out of order");
        } else if &m[2] != "/" {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "junit: unclosed {stack:?}");
    let lt = out.matches('<').count();
    let tag_count = tags.find_iter(out).count() + 1; // and the XML declaration
    assert_eq!(lt, tag_count, "junit: a `<` that is not a tag");
}
