//! Documentation generated from the rule registry: one page per rule (`rules/<id>.md`) and the
//! index (`rules/README.md`). `tests/docs.rs` fails when they drift.
//!
//! A code block of a rule's docs is either a plain ```` ```yaml ```` block, which
//! `tests/docs.rs` runs as a single file, or an excerpt of a fixture case that the fixture
//! harness runs: ```` ```<lang> fixture=<pass|fail>/<case> file=<path inside the case> ````
//! (`<lang>` is `yaml` or `text`; `file=` is left out when the case is a single file), whose
//! lines `tests/docs.rs` finds in that file (a common indentation may be removed). A page shows
//! the excerpt as a plain block under a line naming the file and linking the case.

use crate::rules::{RuleMeta, ALL_RULES};

/// The repository's home page: every link to portalint's documentation is made from it.
pub const REPOSITORY_URL: &str = "https://github.com/open-service-portal/portalint";

/// Where the repository's files are shown (`<REPOSITORY_URL>/blob/main/`).
pub fn file_url(path: &str) -> String {
    format!("{REPOSITORY_URL}/blob/main/{path}")
}

/// The page of a rule on the repository (`rules/<id>.md`), for SARIF's `helpUri`.
pub fn rule_url(meta: &RuleMeta) -> String {
    file_url(&format!("rules/{}.md", meta.id))
}

/// The languages a fixture excerpt may be shown in.
pub const FIXTURE_LANGS: &[&str] = &["yaml", "text"];

/// Where a docs code block is taken from: `fixture=<case>` and `file=<path>` of its info string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureRef {
    /// `yaml` or `text`.
    pub lang: String,
    /// `<pass|fail>/<case>`, relative to `fixtures/<rule-id>/`.
    pub case: String,
    /// The file inside a folder case; `None` for a single-file case.
    pub file: Option<String>,
}

impl FixtureRef {
    /// `pass` or `fail`.
    pub fn kind(&self) -> &str {
        self.case.split('/').next().unwrap_or("")
    }
}

/// Parses the info string of a fixture excerpt (the text after ```` ``` ````):
/// `<lang> fixture=<pass|fail>/<case>[ file=<path>]`. `Err` says why `info` is not one.
pub fn fixture_ref(info: &str) -> Result<FixtureRef, String> {
    let mut words = info.split_whitespace();
    let lang = words.next().unwrap_or("");
    if !FIXTURE_LANGS.contains(&lang) {
        return Err(format!(
            "{code0} is not one of {FIXTURE_LANGS:?}",
            code0 = crate::parse::text::code(&lang)
        ));
    }
    let (mut case, mut file) = (None, None);
    for w in words {
        let (key, value) = w
            .split_once('=')
            .ok_or_else(|| format!("{code0} is not key=value", code0 = crate::parse::text::code(&w)))?;
        let slot = match key {
            "fixture" => &mut case,
            "file" => &mut file,
            _ => return Err(format!("unknown key {code0}", code0 = crate::parse::text::code(&key))),
        };
        if slot.is_some() {
            return Err(format!(
                "{code0} given twice",
                code0 = crate::parse::text::code(&format!("{key}="))
            ));
        }
        let clean = !value.is_empty()
            && !value.starts_with('/')
            && value.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
        if !clean {
            return Err(format!(
                "{code0}: not a plain relative path",
                code0 = crate::parse::text::code(&w)
            ));
        }
        *slot = Some(value.to_string());
    }
    let case = case.ok_or("no `fixture=`")?;
    if !matches!(case.split_once('/'), Some(("pass" | "fail", _))) {
        return Err(format!(
            "{code0} is not under pass/ or fail/",
            code0 = crate::parse::text::code(&format!("fixture={case}"))
        ));
    }
    Ok(FixtureRef {
        lang: lang.to_string(),
        case,
        file,
    })
}

/// A rule's docs as Markdown: one leading space of each line dropped, and each fixture excerpt
/// turned into a plain block under a line naming its file and linking its case.
fn page_docs(meta: &RuleMeta) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in meta.docs.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)) {
        let fence = line.trim_start().strip_prefix("```");
        match fence {
            Some(info) if !in_fence => {
                in_fence = true;
                if let Ok(f) = fixture_ref(info.trim()) {
                    let link = format!("[`{case}`](../fixtures/{id}/{case})", case = f.case, id = meta.id);
                    if out.last().is_some_and(|l| !l.trim().is_empty()) {
                        out.push(String::new());
                    }
                    out.push(match &f.file {
                        Some(file) => format!("*{code0} (fixture {link})*", code0 = crate::parse::text::code(&file)),
                        None => format!("*fixture {link}*"),
                    });
                    out.push(format!("```{}", f.lang));
                    continue;
                }
            }
            Some(_) => in_fence = false,
            None => {}
        }
        out.push(line.to_string());
    }
    out.join("\n").trim_end().to_string()
}

/// The heading of the section of a convention rule's page that says how to apply it to
/// another organisation.
pub const ANOTHER_ORG: &str = "## In another organisation";

/// True for the rules that check a convention of one platform rather than what a consumer
/// (API server, Crossplane, Backstage) enforces: their pages say how to apply them elsewhere.
pub fn is_convention(meta: &RuleMeta) -> bool {
    matches!(
        meta.pack,
        crate::rules::Pack::OpenPortal | crate::rules::Pack::Onboarding
    )
}

/// The section a convention rule gets when its doc comment has none of its own.
fn another_org(meta: &RuleMeta) -> String {
    let id = meta.id;
    let how = match meta.pack {
        crate::rules::Pack::Onboarding => {
            "It checks a convention of the business-unit onboarding pack, which runs in \
             `bu-<unit>-infrastructure` repositories or with `packs: {onboarding: on}`. For another \
             organisation, set its names and thresholds under `onboarding:` (`group-type`, `lifecycles`, \
             `platform-groups`, `tenant-label`, `quality-threshold`, …)"
        }
        _ => {
            "It checks an Open Service Portal convention. The pack runs when an XRD of an `openportal.dev` \
             group is checked, in a catalog or orders repository of portal packages, or with \
             `profile: openportal` (`--profile openportal`). For another organisation: the organisation is \
             read from the git remote `origin` or from `openportal.github-org`, never built in, and the \
             names the convention relies on are options under `openportal:` and `orders:`"
        }
    };
    format!(
        "{ANOTHER_ORG}\n\n{how} ([docs/configuration.md](../docs/configuration.md)). Where your convention \
         differs, keep the rule as a warning or turn it off: {code0} or \
         {code1}.",
        code0 = crate::parse::text::code(&format!("rules: {{{id}: warning}}")),
        code1 = crate::parse::text::code(&format!("rules: {{{id}: off}}"))
    )
}

/// A rule's documentation (the page without the generator comment): what `explain` prints.
pub fn rule_doc(meta: &RuleMeta) -> String {
    let file = meta.file.replace('\\', "/");
    let mut docs = page_docs(meta);
    if is_convention(meta) && !docs.contains(ANOTHER_ORG) {
        docs = format!("{docs}\n\n{}", another_org(meta));
    }
    format!(
        "# {id}\n\n\
         | severity | category | pack | source |\n|---|---|---|---|\n| {sev} | {cat} | {pack} | [{file}](../{file}) |\n\n{fix}{docs}",
        fix = if meta.fixable { FIX_LINE } else { "" },
        id = meta.id,
        sev = meta.severity.as_str(),
        cat = meta.category.as_str(),
        pack = meta.pack.as_str(),
    ) + "\n"
}

/// What the page of a fixable rule says under its table.
pub const FIX_LINE: &str = "Fix: `portalint check --fix` makes the edit (`portalint check --fix --diff` shows it \
first; [docs/fix.md](../docs/fix.md)).\n\n";

/// The page for one rule (`rules/<id>.md`).
pub fn rule_page(meta: &RuleMeta) -> String {
    format!("{GENERATED}{}", rule_doc(meta))
}

/// The first line of a generated page.
const GENERATED: &str = "<!-- Generated by `UPDATE_DOCS=1 cargo test --test docs`. Do not edit. -->\n";

/// A rule's documentation for tools that show it outside the repository (SARIF's rule help):
/// the page without the generator comment, its relative links made absolute
/// ([`absolute_links`]).
pub fn rule_help(meta: &RuleMeta) -> String {
    absolute_links(&rule_doc(meta), "rules/")
}

/// Markdown links and images `](target)` whose target is relative (no scheme, not `#…`)
/// resolved from the folder `dir` of the repository and pointed at [`file_url`].
pub fn absolute_links(md: &str, dir: &str) -> String {
    let mut out = String::with_capacity(md.len() + 256);
    let mut rest = md;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = &rest[..end];
        let relative = !target.is_empty()
            && !target.starts_with('#')
            && !target.starts_with('/')
            && !target.contains("://")
            && !target.starts_with("mailto:")
            && !target.contains(char::is_whitespace);
        if relative {
            let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
            for p in target.split('/') {
                match p {
                    ".." => {
                        parts.pop();
                    }
                    "." | "" => {}
                    p => parts.push(p),
                }
            }
            out.push_str(&file_url(&parts.join("/")));
        } else {
            out.push_str(target);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The rule table (markdown) of `rules/README.md`, linking each rule to its page.
fn rule_table() -> String {
    let mut s = String::from("| rule | severity | pack | what it checks |\n|---|---|---|---|\n");
    for r in ALL_RULES {
        let m = r.meta();
        s.push_str(&format!(
            "| [`{id}`]({id}.md) | {sev} | {pack} | {sum} |\n",
            id = m.id,
            sev = m.severity.as_str(),
            pack = m.pack.as_str(),
            sum = m.summary().replace('|', "\\|"),
        ));
    }
    s
}

/// `rules/README.md`.
pub fn rules_index() -> String {
    let mut aliases = String::from(
        "\n## Aliases\n\nCross-system ids of the rule catalogue that name checks the rules above make. Config (`select`, `ignore`, `rules`, `per-path-ignores`), `--select`/`--ignore` and `# portalint: ignore[…]` accept them and apply them to their rules.\n\n| alias | rules |\n|---|---|\n",
    );
    for (alias, ids) in crate::rules::ALIASES {
        let links: Vec<String> = ids
            .iter()
            .map(|i| format!("[{code0}]({i}.md)", code0 = crate::parse::text::code(&i)))
            .collect();
        aliases.push_str(&format!(
            "| {code0} | {} |\n",
            links.join(", "),
            code0 = crate::parse::text::code(&alias)
        ));
    }
    let fixable: Vec<String> = ALL_RULES
        .iter()
        .filter(|r| r.meta().fixable)
        .map(|r| format!("[`{id}`]({id}.md)", id = r.as_str()))
        .collect();
    let fixable = format!(
        "\n## Fixable\n\n`portalint check --fix` fixes the findings of these rules ([docs/fix.md](../docs/fix.md)): {}.\n",
        fixable.join(", ")
    );
    format!(
        "<!-- Generated by `UPDATE_DOCS=1 cargo test --test docs`. Do not edit. -->\n# portalint rules\n\n{} rules.\n\n{}{fixable}{aliases}",
        ALL_RULES.len(),
        rule_table()
    )
}
