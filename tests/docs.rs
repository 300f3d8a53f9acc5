//! The docs drift guard: `rules/<id>.md`, `rules/README.md`, the README rule table and
//! `schemas/config.schema.json` are generated from code. Run
//! `UPDATE_DOCS=1 cargo test --test docs` to regenerate them. It also checks the rule metadata
//! conventions and runs every rule's doc examples.

mod common;

use portalint::rules::ALL_RULES;
use std::fs;
use std::path::Path;

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
    let readme_path = root.join("README.md");
    let readme = fs::read_to_string(&readme_path).unwrap_or_default();
    let (begin, end) = ("<!-- begin rules -->\n", "<!-- end rules -->");
    if let (Some(b), Some(e)) = (readme.find(begin), readme.find(end)) {
        let want = format!(
            "{}{begin}{}{}",
            &readme[..b],
            portalint::docs::rule_table("rules/"),
            &readme[e..]
        );
        sync(&readme_path, &want, &mut stale);
    } else {
        stale.push("README.md has no <!-- begin rules --> / <!-- end rules --> markers".into());
    }
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

/// YAML code blocks of a docs section: (tested, text). `yaml,ignore` blocks are not run.
fn blocks(section: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut lines = section.lines().map(|l| l.strip_prefix(' ').unwrap_or(l));
    while let Some(l) = lines.next() {
        if let Some(lang) = l.trim().strip_prefix("```") {
            if lang.starts_with("yaml") {
                let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
                out.push((lang == "yaml", body.join("\n") + "\n"));
            }
        }
    }
    out
}

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
            for (k, (tested, body)) in blocks(section).into_iter().enumerate() {
                if !tested {
                    continue;
                }
                let file = tmp.path().join(format!("{}-{expect_fire}-{k}.yaml", m.id));
                fs::write(&file, body).expect("write");
                let o = common::run_rule(&file, m.id, None);
                if o.diagnostics.is_empty() == expect_fire {
                    failures.push(format!(
                        "{}: the {} example {}:\n{}",
                        m.id,
                        if expect_fire { "bad" } else { "fixed" },
                        if expect_fire { "does not fire" } else { "fires" },
                        common::text(&o)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
