//! GitHub CODEOWNERS: where it lives, how a line parses, and which entry owns a path.
//!
//! Semantics follow GitHub's documentation ("About code owners"): the first file found of
//! `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` is used; patterns follow gitignore
//! rules except that `!` negation and `[ ]` ranges are not supported and `\#` escapes a
//! pattern starting with `#`; the **last** matching line wins; a line with a pattern and no
//! owners leaves the path without owners. `docs/*` matches files directly in `docs/` only,
//! while `docs/` (or `/docs`) matches everything below it.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Where GitHub looks for the file, in order.
pub const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// One rule line.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The pattern as written (unescaped).
    pub pattern: String,
    /// Byte span of the pattern in the file.
    pub pattern_span: (u32, u32),
    /// Owners (`@user`, `@org/team`, `user@example.com`), with their spans.
    pub owners: Vec<(String, (u32, u32))>,
    /// The compiled pattern (`None` when the pattern is not supported).
    matcher: Option<GlobSet>,
}

/// A line GitHub would reject or ignore, with its span.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Byte span of the offending text.
    pub span: (u32, u32),
    /// What is wrong.
    pub message: String,
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone, Default)]
pub struct CodeOwners {
    /// Rule lines, in file order.
    pub entries: Vec<Entry>,
    /// Lines that do not parse.
    pub problems: Vec<Problem>,
}

impl CodeOwners {
    /// Parses the file text.
    pub fn parse(text: &str) -> CodeOwners {
        let mut out = CodeOwners::default();
        let mut offset = 0usize;
        for raw in text.split_inclusive('\n') {
            let line_start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            // Tokens (split on whitespace), with `\ ` and `\#` escapes kept inside a token.
            let mut tokens: Vec<(String, (u32, u32))> = Vec::new();
            let mut chars = line.char_indices().peekable();
            while let Some(&(i, c)) = chars.peek() {
                if c.is_whitespace() {
                    chars.next();
                    continue;
                }
                // A comment starts at a `#` after whitespace; inside a token it is literal.
                if c == '#' {
                    break;
                }
                let start = i;
                let mut token = String::new();
                let mut end = i;
                while let Some(&(j, c)) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    chars.next();
                    end = j + c.len_utf8();
                    if c == '\\' {
                        if let Some(&(k, next)) = chars.peek() {
                            chars.next();
                            end = k + next.len_utf8();
                            token.push(next);
                            continue;
                        }
                    }
                    token.push(c);
                }
                let span = ((line_start + start) as u32, (line_start + end) as u32);
                tokens.push((token, span));
            }
            let Some(((pattern, pattern_span), owners)) = tokens.split_first() else {
                continue;
            };
            let mut problem = |span: (u32, u32), message: String| out.problems.push(Problem { span, message });
            let matcher = if pattern.starts_with('!') {
                problem(
                    *pattern_span,
                    format!(
                        "{code0}: `!` negation is not supported in CODEOWNERS",
                        code0 = crate::parse::text::code(&pattern)
                    ),
                );
                None
            } else if pattern.contains('[') || pattern.contains(']') {
                problem(
                    *pattern_span,
                    format!(
                        "{code0}: `[ ]` character ranges are not supported in CODEOWNERS",
                        code0 = crate::parse::text::code(&pattern)
                    ),
                );
                None
            } else {
                Some(compile(pattern))
            };
            for (owner, span) in owners {
                if !is_owner(owner) {
                    problem(
                        *span,
                        format!(
                            "{code0} is not an owner: use `@user`, `@org/team` or an email address",
                            code0 = crate::parse::text::code(&owner)
                        ),
                    );
                }
            }
            out.entries.push(Entry {
                pattern: pattern.clone(),
                pattern_span: *pattern_span,
                owners: owners.to_vec(),
                matcher,
            });
        }
        out
    }

    /// The entry that owns `path` (relative to the repository root): the last one matching.
    pub fn owner_entry(&self, path: &str) -> Option<&Entry> {
        let path = path.trim_start_matches('/');
        self.entries
            .iter()
            .rev()
            .find(|e| e.matcher.as_ref().is_some_and(|m| m.is_match(path)))
    }

    /// The owners of `path` (empty when no entry matches or the entry names none).
    pub fn owners_of(&self, path: &str) -> Vec<&str> {
        self.owner_entry(path)
            .map(|e| e.owners.iter().map(|(o, _)| o.as_str()).collect())
            .unwrap_or_default()
    }
}

/// The team name of an owner `@org/team` (`None` for users and emails).
pub fn team_of(owner: &str) -> Option<&str> {
    let team = owner.strip_prefix('@')?.split_once('/').map(|(_, t)| t)?;
    is_owner(owner).then_some(team)
}

/// True for `@user`, `@org/team` and email addresses.
pub fn is_owner(s: &str) -> bool {
    let name = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
            && !t.starts_with('-')
    };
    if let Some(handle) = s.strip_prefix('@') {
        return match handle.split_once('/') {
            Some((org, team)) => name(org) && name(team),
            None => name(handle),
        };
    }
    match s.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !domain.contains('@'),
        None => false,
    }
}

/// The glob set of a gitignore-style pattern, with GitHub's CODEOWNERS reading of `dir/*`:
/// `*` and `?` stay inside one folder, `**` crosses folders; an unanchored pattern matches at
/// any depth; a folder matches everything below it.
fn compile(pattern: &str) -> GlobSet {
    let dir_only = pattern.ends_with('/');
    let trimmed = pattern.trim_end_matches('/');
    // A slash at the start or in the middle anchors the pattern at the root.
    let anchored = trimmed.starts_with('/') || trimmed.contains('/');
    // Literal glob syntax that CODEOWNERS does not have is escaped (`[` is refused earlier).
    let body: String = trimmed
        .trim_start_matches('/')
        .chars()
        .flat_map(|c| match c {
            '{' | '}' | '\\' | ',' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let body = if anchored || body.starts_with("**") || body.is_empty() {
        body
    } else {
        format!("**/{body}")
    };
    let last = body.rsplit('/').next().unwrap_or("");
    let globs: Vec<String> = if body.is_empty() {
        vec!["**".into()]
    } else if dir_only {
        vec![format!("{body}/**")]
    } else if last.contains('*') {
        // `docs/*`: the files directly in docs/ (GitHub), not deeper; `logs/**`: all below.
        vec![body]
    } else {
        // A file, or a folder and everything below it.
        vec![format!("{body}/**"), body]
    };
    let mut set = GlobSetBuilder::new();
    for g in globs {
        match GlobBuilder::new(&g)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
        {
            Ok(glob) => {
                set.add(glob);
            }
            Err(_) => return GlobSet::empty(),
        }
    }
    set.build().unwrap_or_else(|_| GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::CodeOwners;

    fn owner(text: &str, path: &str) -> Vec<String> {
        CodeOwners::parse(text)
            .owners_of(path)
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn last_match_wins() {
        let text = "* @org/platform\n/openportal/team-a/ @org/team-a\n*.md @docs\n";
        assert_eq!(owner(text, "openportal/team-a/WhoAmIApp/x.yaml"), ["@org/team-a"]);
        assert_eq!(owner(text, "openportal/team-a/README.md"), ["@docs"]);
        assert_eq!(owner(text, "openportal/team-b/WhoAmIApp/x.yaml"), ["@org/platform"]);
    }

    #[test]
    fn github_documented_patterns() {
        // Examples from GitHub's "About code owners" page.
        assert_eq!(owner("*.js @js-owner\n", "src/a/b.js"), ["@js-owner"]);
        assert_eq!(owner("/build/logs/ @doctocat\n", "build/logs/x/y.log"), ["@doctocat"]);
        assert!(owner("/build/logs/ @doctocat\n", "src/build/logs/y.log").is_empty());
        assert_eq!(
            owner("docs/* docs@example.com\n", "docs/getting-started.md"),
            ["docs@example.com"]
        );
        assert!(owner("docs/* docs@example.com\n", "docs/build-app/troubleshooting.md").is_empty());
        assert_eq!(owner("apps/ @octocat\n", "x/apps/y/z.txt"), ["@octocat"]);
        assert_eq!(owner("/docs/ @doctocat\n", "docs/a/b.md"), ["@doctocat"]);
        assert_eq!(owner("**/logs @octocat\n", "build/logs/a.log"), ["@octocat"]);
        assert_eq!(owner("/apps/github @octocat\n", "apps/github/x"), ["@octocat"]);
        // A pattern with no owners leaves the path unowned.
        assert!(owner("/apps/ @octocat\n/apps/github\n", "apps/github/x").is_empty());
    }

    #[test]
    fn escapes_and_comments() {
        let text = "# comment\n\\#file @a\nfile\\ name @b # trailing\n";
        let c = CodeOwners::parse(text);
        assert_eq!(c.entries.len(), 2);
        assert_eq!(c.owners_of("#file"), ["@a"]);
        assert_eq!(c.owners_of("file name"), ["@b"]);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
    }

    #[test]
    fn unsupported_syntax_is_reported() {
        let c = CodeOwners::parse("!/a @x\n/b[0-9] @y\n/c @org/team/extra not-an-owner\n");
        let messages: Vec<&str> = c.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].contains("negation"));
        assert!(messages[1].contains("ranges"));
        // Unsupported patterns match nothing.
        assert!(c.owners_of("a").is_empty());
    }
}
