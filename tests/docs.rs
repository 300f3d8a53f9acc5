//! The docs drift guard: `rules/<id>.md`, `rules/README.md` and `schemas/config.schema.json`
//! are generated from code. Run `UPDATE_DOCS=1 cargo test --test docs` to regenerate them. It
//! also checks the rule metadata conventions, runs every rule's doc examples (or checks that
//! each is an excerpt of the fixture case it names), checks that every relative Markdown link
//! of the docs resolves, and keeps the README short and for users.

mod common;

use portalint::rules::ALL_RULES;
use std::fs;
use std::path::{Path, PathBuf};

fn sync(path: &Path, want: &str, stale: &mut Vec<String>) {
    let have = fs::read_to_string(path).unwrap_or_default();
    if have != want {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, want).expect("write");
        } else {
            stale.push(path.display().to_string());
        }
    }
}

#[test]
fn generated_files_are_up_to_date() {
    let root = common::root();
    let mut stale = Vec::new();
    for r in ALL_RULES {
        let m = r.meta();
        sync(
            &root.join("rules").join(format!("{}.md", m.id)),
            &portalint::docs::rule_page(m),
            &mut stale,
        );
    }
    sync(
        &root.join("rules/README.md"),
        &portalint::docs::rules_index(),
        &mut stale,
    );
    sync(
        &root.join("schemas/config.schema.json"),
        &portalint::config::json_schema(),
        &mut stale,
    );
    // Pages of rules that no longer exist.
    for e in fs::read_dir(root.join("rules")).expect("rules/").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".md") {
            if id != "README" && portalint::rules::RuleId::from_id(id).is_none() {
                stale.push(format!("rules/{name} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale; run `UPDATE_DOCS=1 cargo test --test docs`:\n{}",
        stale.join("\n")
    );
}

#[test]
fn rule_metadata_conventions() {
    let mut seen = std::collections::HashSet::new();
    for r in ALL_RULES {
        let m = r.meta();
        assert!(seen.insert(m.id), "duplicate id {}", m.id);
        assert!(
            m.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            m.id
        );
        let file = Path::new(m.file)
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .replace('_', "-");
        assert_eq!(file, m.id, "rule {} lives in a file named after another id", m.id);
        for heading in ["## What it does", "## Why is this bad?", "## Example", "Use instead:"] {
            assert!(m.docs.contains(heading), "{} docs lack `{heading}`", m.id);
        }
    }
}

/// A code block of a rule's `## Example` or `Use instead:` section.
#[derive(Debug)]
enum Block {
    /// ```` ```yaml ````: run as a single file.
    Plain(String),
    /// ```` ```<lang> fixture=<pass|fail>/<case> file=<path> ````: an excerpt of a fixture file.
    Fixture(portalint::docs::FixtureRef, String),
    /// ```` ```yaml,ignore ````: not run; `no_ignored_doc_examples_are_left` lists them.
    Ignored,
    /// Any other fence: the info string and why it is none of the above.
    Other(String, String),
}

/// The code blocks of a docs section.
fn blocks(section: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = section.lines().map(|l| l.strip_prefix(' ').unwrap_or(l));
    while let Some(l) = lines.next() {
        if let Some(info) = l.trim().strip_prefix("```") {
            let info = info.trim();
            let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            let body = body.join("\n") + "\n";
            out.push(match info {
                "yaml" => Block::Plain(body),
                "yaml,ignore" => Block::Ignored,
                _ => match portalint::docs::fixture_ref(info) {
                    Ok(f) => Block::Fixture(f, body),
                    Err(why) => Block::Other(info.to_string(), why),
                },
            });
        }
    }
    out
}

/// A line as an excerpt compares it: without a `# expect: …` marker and trailing whitespace.
/// `None` for a line that is only a marker.
fn excerpt_line(line: &str) -> Option<&str> {
    match line.find("# expect:") {
        Some(at) if line[..at].trim().is_empty() => None,
        Some(at) => Some(line[..at].trim_end()),
        None => Some(line.trim_end()),
    }
}

/// Whether `have` is `want` with the same number of spaces (zero or more) put before each line
/// that is not blank: an excerpt of nested YAML may be shown unindented.
fn is_shifted(have: &[&str], want: &[&str]) -> bool {
    let Some(first) = (0..want.len()).find(|&k| !want[k].trim().is_empty()) else {
        return false;
    };
    let Some(indent) = have[first].strip_suffix(want[first]) else {
        return false;
    };
    indent.bytes().all(|b| b == b' ')
        && have.iter().zip(want).all(|(h, w)| match w.trim().is_empty() {
            true => h.trim().is_empty(),
            false => h.strip_prefix(indent) == Some(*w),
        })
}

/// Why the block `body` taken from `f` is not an excerpt of `f` for rule `id` in a section
/// that shows a `kind` (`fail` under `## Example`, `pass` under `Use instead:`) case.
fn fixture_excerpt_error(id: &str, kind: &str, f: &portalint::docs::FixtureRef, body: &str) -> Option<String> {
    if f.kind() != kind {
        return Some(format!("`fixture={}` must name a {kind}/ case here", f.case));
    }
    let case = common::root().join("fixtures").join(id).join(&f.case);
    let shown = format!("fixtures/{id}/{}", f.case);
    let file = match (&f.file, case.is_file(), case.is_dir()) {
        (None, true, _) => case.clone(),
        (Some(_), true, _) => return Some(format!("{shown} is a single file: drop `file=`")),
        (None, _, true) => return Some(format!("{shown} is a folder: name the file with `file=`")),
        (Some(file), _, true) => case.join(file),
        _ => return Some(format!("{shown}: no such case")),
    };
    let shown = match &f.file {
        Some(file) => format!("{shown}/{file}"),
        None => shown,
    };
    let Ok(text) = fs::read_to_string(&file) else {
        return Some(format!("{shown}: no such file"));
    };
    let have: Vec<&str> = text.lines().filter_map(excerpt_line).collect();
    let want: Vec<&str> = body.lines().filter_map(excerpt_line).collect();
    if want.iter().all(|l| l.trim().is_empty()) {
        return Some("the block is empty".into());
    }
    if have.windows(want.len()).any(|w| is_shifted(w, &want)) {
        return None;
    }
    // The longest prefix of the block found in the file points at the first line that drifted.
    let found = (1..want.len())
        .rev()
        .find(|&n| have.windows(n).any(|w| is_shifted(w, &want[..n])))
        .unwrap_or(0);
    Some(format!(
        "the block is not a run of lines of {shown}; its first {found} line(s) are, then `{}` is not",
        want[found]
    ))
}

/// Every bad example fires and every fixed one does not: a plain `yaml` block is run as a single
/// file; a fixture excerpt must be a contiguous run of lines of a `fail/` case under
/// `## Example` and of a `pass/` case under `Use instead:`, which the fixture harness
/// (`tests/rules.rs`) runs. `# expect:` markers and trailing whitespace do not count, and the
/// run may be shown with a common indentation removed. Any other fence is an error, except
/// `yaml,ignore`, which `no_ignored_doc_examples_are_left` reports.
#[test]
fn doc_examples_fire_and_fixed_examples_do_not() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut failures = Vec::new();
    for r in ALL_RULES {
        let m = r.meta();
        let Some(ex) = m.docs.find("## Example") else {
            continue;
        };
        let Some(fix) = m.docs.find("Use instead:") else {
            continue;
        };
        let (bad, good) = (&m.docs[ex..fix], &m.docs[fix..]);
        for (expect_fire, section) in [(true, bad), (false, good)] {
            let which = if expect_fire { "bad" } else { "fixed" };
            for (k, block) in blocks(section).into_iter().enumerate() {
                match block {
                    Block::Plain(body) => {
                        let file = tmp.path().join(format!("{}-{expect_fire}-{k}.yaml", m.id));
                        fs::write(&file, body).expect("write");
                        let o = common::run_rule(&file, m.id, None);
                        if o.diagnostics.is_empty() == expect_fire {
                            failures.push(format!(
                                "{}: the {which} example {}:\n{}",
                                m.id,
                                if expect_fire { "does not fire" } else { "fires" },
                                common::text(&o)
                            ));
                        }
                    }
                    Block::Fixture(f, body) => {
                        let kind = if expect_fire { "fail" } else { "pass" };
                        if let Some(why) = fixture_excerpt_error(m.id, kind, &f, &body) {
                            failures.push(format!("{}: the {which} example (block {}): {why}", m.id, k + 1));
                        }
                    }
                    Block::Ignored => {}
                    Block::Other(info, why) => failures.push(format!(
                        "{}: the {which} example (block {}) ```{info}: neither `yaml` nor a fixture excerpt ({why})",
                        m.id,
                        k + 1
                    )),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// No doc example under `src/rules/` is left out of the runs as ```` ```yaml,ignore ````.
#[test]
fn no_ignored_doc_examples_are_left() {
    let mut stack = vec![common::root().join("src/rules")];
    let (mut found, mut scanned) = (Vec::new(), 0);
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).expect("src/rules").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = fs::read_to_string(&p).expect("read");
                scanned += 1;
                let shown = p.strip_prefix(common::root()).unwrap_or(&p).display().to_string();
                for (i, line) in text.lines().enumerate() {
                    if line.contains("```yaml,ignore") {
                        found.push(format!("{shown}:{}", i + 1));
                    }
                }
            }
        }
    }
    assert!(scanned > ALL_RULES.len(), "only {scanned} files under src/rules/");
    found.sort();
    assert!(
        found.is_empty(),
        "{} doc example(s) are ```yaml,ignore and never run; make each a fixture excerpt \
         (```yaml fixture=<pass|fail>/<case> file=<path>):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn aliases_name_existing_rules_and_no_rule_id() {
    for (alias, ids) in portalint::rules::ALIASES {
        assert!(
            portalint::rules::RuleId::from_id(alias).is_none(),
            "{alias} is also a rule id"
        );
        let rules = portalint::rules::RuleId::expand(alias).unwrap_or_default();
        assert_eq!(rules.len(), ids.len(), "{alias}: every target must be a rule");
    }
}

/// The Markdown files whose links are checked: README.md, CONTRIBUTING.md, docs/*.md,
/// rules/*.md.
fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    for dir in ["docs", "rules"] {
        let mut found: Vec<PathBuf> = fs::read_dir(root.join(dir))
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        found.retain(|p| p.extension().is_some_and(|e| e == "md"));
        found.sort();
        files.extend(found);
    }
    files
}

/// The lines of `text` outside fenced code blocks, with inline code spans removed.
fn prose_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| t.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(f), Some(m)) if f == m => fence = None,
            (None, None) => {
                // Text between backticks is code: every other piece of the split.
                let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
                out.push((i + 1, prose));
            }
            _ => {}
        }
    }
    out
}

/// The targets of inline links and images (`[x](target)`, `![x](target "title")`) and of
/// reference definitions (`[x]: target`) on a line of prose.
fn link_targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let mut depth = 0usize;
        let mut end = after.len();
        for (k, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = k;
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        out.push(after[..end].to_string());
        rest = &after[end.min(after.len())..];
    }
    // A reference definition: `[label]: target` at the start of the line.
    if let Some(label) = line.trim_start().strip_prefix('[') {
        if let Some(def) = label.split_once(']').and_then(|(_, r)| r.strip_prefix(':')) {
            out.push(def.to_string());
        }
    }
    out.into_iter()
        .map(|t| {
            let t = t.trim();
            let t = t.split_whitespace().next().unwrap_or("");
            t.trim_start_matches('<').trim_end_matches('>').to_string()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped,
/// spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings (a repeated heading gets `-1`, `-2`, …).
fn anchors(text: &str) -> std::collections::HashSet<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    let mut out = std::collections::HashSet::new();
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(m) = ["```", "~~~"].into_iter().find(|m| t.starts_with(m)) {
            fence = match fence {
                None => Some(m),
                Some(f) if f == m => None,
                other => other,
            };
            continue;
        }
        if fence.is_some() {
            continue;
        }
        let hashes = line.len() - line.trim_start_matches('#').len();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            let base = slug(line[hashes..].trim_end_matches('#'));
            let n = seen.entry(base.clone()).or_insert(0);
            out.insert(if *n == 0 { base.clone() } else { format!("{base}-{n}") });
            *n += 1;
        }
    }
    out
}

/// Every broken relative link of `file`: (line, target, why).
fn broken_links(root: &Path, file: &Path) -> Vec<(usize, String, String)> {
    let text = fs::read_to_string(file).unwrap_or_default();
    let root = fs::canonicalize(root).expect("root");
    let mut out = Vec::new();
    for (n, line) in prose_lines(&text) {
        for target in link_targets(&line) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let resolved = if path.is_empty() {
                file.to_path_buf()
            } else {
                file.parent().expect("parent").join(path)
            };
            let Ok(canon) = fs::canonicalize(&resolved) else {
                out.push((n, target.clone(), "no such file".into()));
                continue;
            };
            if !canon.starts_with(&root) {
                out.push((n, target.clone(), "outside the repository".into()));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if canon.extension().is_some_and(|e| e == "md") {
                let have = anchors(&fs::read_to_string(&canon).unwrap_or_default());
                if !have.contains(anchor) {
                    out.push((n, target.clone(), format!("no heading with the anchor `#{anchor}`")));
                }
            }
        }
    }
    out
}

#[test]
fn link_parsing_and_anchors() {
    assert_eq!(
        link_targets("see [a](docs/a.md#x), ![i](img.png \"t\") and [b](<b c.md>)"),
        ["docs/a.md#x", "img.png", "b"]
    );
    assert_eq!(link_targets("[ref]: ../x.md#y"), ["../x.md#y"]);
    let prose = prose_lines("a `[c](no.md)` b\n```md\n[d](no.md)\n```\n[e](yes.md)\n");
    let found: Vec<String> = prose.iter().flat_map(|(_, l)| link_targets(l)).collect();
    assert_eq!(found, ["yes.md"]);
    let a = anchors("# Order PR verdict (`portalint verdict`)\n## Large: `benches/stream.sh [N]`\n## X\n## X\n");
    for want in [
        "order-pr-verdict-portalint-verdict",
        "large-benchesstreamsh-n",
        "x",
        "x-1",
    ] {
        assert!(a.contains(want), "{want} not in {a:?}");
    }
}

#[test]
fn relative_links_resolve() {
    let root = common::root();
    let mut broken = Vec::new();
    let files = markdown_files(&root);
    assert!(files.len() > 3, "no docs found under {}", root.display());
    for file in &files {
        let shown = file.strip_prefix(&root).unwrap_or(file).display().to_string();
        for (line, target, why) in broken_links(&root, file) {
            broken.push(format!("{shown}:{line}: ({target}): {why}"));
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The README is for users adopting portalint: short, and free of references to files and
/// notes that are not part of the repository.
#[test]
fn readme_is_short_and_for_users() {
    const MAX: usize = 15 * 1024;
    let text = fs::read_to_string(common::root().join("README.md")).expect("README.md");
    assert!(
        text.len() <= MAX,
        "README.md is {} bytes, over {MAX}: move the detail to docs/",
        text.len()
    );
    let lower = text.to_lowercase();
    for word in ["rules.md", "../shared", "seed 0"] {
        assert!(!lower.contains(word), "README.md mentions `{word}`");
    }
    for (at, _) in lower.match_indices("issue ") {
        let next = lower[at + "issue ".len()..].trim_start_matches('#');
        assert!(
            !next.starts_with(|c: char| c.is_ascii_digit()),
            "README.md refers to a numbered issue: `{}`",
            &text[at..(at + 12).min(text.len())]
        );
    }
}

/// The README's agreement table lists every conformance suite with the agreement its
/// `THRESHOLD` records (the measured agreement, which CI enforces), so it cannot drift.
#[test]
fn the_readme_lists_every_conformance_suite_at_its_threshold() {
    let root = common::root();
    let readme = fs::read_to_string(root.join("README.md")).expect("README");
    let dir = root.join("tests/conformance");
    let mut suites: Vec<String> = fs::read_dir(&dir)
        .expect("tests/conformance")
        .flatten()
        .filter(|e| e.path().join("THRESHOLD").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    suites.sort();
    assert!(suites.len() >= 9, "suites: {suites:?}");
    for suite in suites {
        let threshold = fs::read_to_string(dir.join(&suite).join("THRESHOLD")).expect("THRESHOLD");
        let row = readme
            .lines()
            .find(|l| l.contains(&format!("(`{suite}`)")))
            .unwrap_or_else(|| panic!("README lists no row for the suite `{suite}`"));
        assert!(
            row.ends_with(&format!("| {} |", threshold.trim())),
            "README row for `{suite}` says `{row}`, THRESHOLD says {}",
            threshold.trim()
        );
    }
}
