//! What to report: rule selection, severity overrides, per-path ignores, inline
//! `# portalint: ignore[rule-id]` suppressions, and de-duplication of the generic schema rule
//! against specific rules at the same node. Applied once, after the rules ran.

use crate::model::Workspace;
use crate::rules::diagnostic::{Diagnostic, Severity};
use crate::rules::{Pack, RuleId, ALL_RULES};
use rayon::prelude::*;
use std::collections::HashMap;

/// Resolved reporting settings.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Rules chosen by `select` (all when `None`).
    pub select: Option<Vec<RuleId>>,
    /// Rules removed by `ignore`.
    pub ignore: Vec<RuleId>,
    /// Severity overrides; `None` turns a rule off.
    pub levels: HashMap<RuleId, Option<Severity>>,
    /// (glob, rules) pairs; an empty rule list means all rules.
    pub per_path: Vec<(globset::GlobMatcher, Vec<RuleId>)>,
    /// Findings the per-path globs left out so far (shared by the clones of these settings:
    /// the summary counts them).
    pub per_path_ignored: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Settings {
    /// The rules to run on a workspace.
    pub fn enabled(&self, ws: &Workspace) -> Vec<RuleId> {
        ALL_RULES
            .iter()
            .copied()
            .filter(|r| self.select.as_ref().is_none_or(|s| s.contains(r)))
            .filter(|r| !self.ignore.contains(r))
            .filter(|r| !matches!(self.levels.get(r), Some(None)))
            .filter(|r| match r.meta().pack {
                Pack::Core => true,
                Pack::OpenPortal => ws.repo.openportal,
                Pack::Gate => ws.options.gate,
                Pack::Score => ws.repo.score,
                Pack::Innominatus => ws.repo.innominatus,
                Pack::Backstage => ws.repo.backstage,
                Pack::Onboarding => ws.repo.onboarding,
            })
            .collect()
    }

    /// True when a per-path glob (relative to the config file's directory) ignores `rule` in
    /// the file at `rel` of `repo`.
    fn ignored_at(&self, repo: &crate::model::Repo, rel: &str, rule: RuleId) -> bool {
        let mut globs = self
            .per_path
            .iter()
            .filter(|(_, rules)| rules.is_empty() || rules.contains(&rule));
        let in_root = rel.strip_prefix(repo.prefix.as_str()).unwrap_or(rel);
        let in_root = if repo.is_dir {
            in_root
        } else {
            in_root.rsplit('/').next().unwrap_or(in_root)
        };
        let from_config = match &repo.path_from_config {
            Some(dir) if !dir.is_empty() => format!("{dir}/{in_root}"),
            Some(_) => in_root.to_string(),
            None => rel.to_string(),
        };
        globs.any(|(g, _)| g.is_match(&from_config))
    }
}

/// (generic rule, the rule it yields to at the same node; `None`: any other rule).
const YIELDS: &[(RuleId, Option<RuleId>)] = &[
    (RuleId::XpSchema, None),
    (RuleId::XFieldpathInSchema, Some(RuleId::FnGotplXrFieldPaths)),
];

/// Applies the settings to the raw diagnostics of one workspace; `ran` are the rules that
/// ran on it (a suppression naming another rule is not taken for unused).
pub fn apply(mut diags: Vec<Diagnostic>, ws: &Workspace, settings: &Settings, ran: &[RuleId]) -> Vec<Diagnostic> {
    for d in &mut diags {
        if let Some(Some(sev)) = settings.levels.get(&d.rule) {
            d.severity = *sev;
        }
    }
    // The suppression comments of the checked files, read once per file that has one.
    let local: std::collections::HashSet<FileId> = ws
        .docs
        .iter()
        .map(|d| d.file)
        .chain(ws.problems.iter().map(|p| p.file))
        .collect();
    let mut comments: HashMap<FileId, Vec<Suppression>> = local
        .par_iter()
        .filter_map(|&id| {
            let found = suppressions(ws.sources.get(id));
            (!found.is_empty()).then_some((id, found))
        })
        .collect();
    diags.retain(|d| {
        let file = ws.sources.get(d.primary.span.file);
        if settings.ignored_at(&ws.repo, &file.rel, d.rule) {
            settings
                .per_path_ignored
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return false;
        }
        let Some(list) = comments.get_mut(&d.primary.span.file) else {
            return true;
        };
        let line = file.line_of(d.primary.span.start);
        let mut suppressed = false;
        for s in list.iter_mut().filter(|s| s.covers(line)) {
            suppressed |= s.mark(d.rule);
        }
        !suppressed
    });
    if ran.contains(&RuleId::YamlUnusedSuppression) {
        let mut ids: Vec<&FileId> = comments.keys().collect();
        ids.sort();
        for id in ids {
            for s in &comments[id] {
                diags.extend(s.unused(*id, ran, settings));
            }
        }
    }
    // A generic finding yields to a more specific rule that reports inside the same node.
    let mut starts: HashMap<crate::parse::source::FileId, Vec<(u32, RuleId)>> = HashMap::new();
    for d in &diags {
        starts
            .entry(d.primary.span.file)
            .or_default()
            .push((d.primary.span.start, d.rule));
    }
    for v in starts.values_mut() {
        v.sort();
    }
    diags.retain(|d| {
        let span = d.primary.span;
        let end = span.end.max(span.start + 1);
        let inside = starts.get(&span.file).map_or(&[][..], |v| {
            let lo = v.partition_point(|(s, _)| *s < span.start);
            let hi = v.partition_point(|(s, _)| *s < end);
            &v[lo..hi]
        });
        !YIELDS.iter().any(|(generic, specific)| {
            *generic == d.rule
                && inside.iter().any(|(_, r)| match specific {
                    Some(s) => r == s,
                    None => *r != d.rule,
                })
        })
    });
    diags.sort_by(|a, b| {
        let (fa, fb) = (
            &ws.sources.get(a.primary.span.file).rel,
            &ws.sources.get(b.primary.span.file).rel,
        );
        (fa, a.primary.span.start, a.rule, &a.message).cmp(&(fb, b.primary.span.start, b.rule, &b.message))
    });
    diags.dedup_by(|a, b| a.rule == b.rule && a.primary.span == b.primary.span && a.message == b.message);
    diags
}

use crate::parse::source::{FileId, SourceFile, Span};

/// One `# portalint: ignore[…]` (or `ignore-file[…]`) comment of a file.
#[derive(Debug)]
struct Suppression {
    /// The 1-based line of the comment.
    line: usize,
    /// True when the line holds only the comment: it covers the next line too.
    own_line: bool,
    /// `ignore-file`: covers the whole file.
    file_level: bool,
    /// The bytes of the comment's `portalint: ignore…` part.
    span: (u32, u32),
    /// The ids named, each with its rules and whether a finding was suppressed by it; `None`:
    /// every rule (a bare `ignore`, or `all`).
    ids: Option<Vec<Named>>,
    /// For a suppression of every rule: whether it suppressed anything.
    used_all: bool,
}

#[derive(Debug)]
struct Named {
    text: String,
    span: (u32, u32),
    /// The rules it stands for; `None` for an unknown id.
    rules: Option<Vec<RuleId>>,
    used: bool,
}

impl Suppression {
    fn covers(&self, line: usize) -> bool {
        self.file_level || line == self.line || (self.own_line && line == self.line + 1)
    }

    /// Marks the use of the suppression by a finding of `rule`; true when it suppresses it.
    fn mark(&mut self, rule: RuleId) -> bool {
        match &mut self.ids {
            None => {
                self.used_all = true;
                true
            }
            Some(ids) => {
                let mut hit = false;
                for n in ids.iter_mut() {
                    if n.rules.as_ref().is_some_and(|r| r.contains(&rule)) {
                        n.used = true;
                        hit = true;
                    }
                }
                hit
            }
        }
    }

    /// The findings of `yaml-unused-suppression` for this comment: unknown ids, and ids (or
    /// a suppression of every rule) that suppressed nothing although their rules ran.
    fn unused(&self, file: FileId, ran: &[RuleId], settings: &Settings) -> Vec<Diagnostic> {
        let rule = RuleId::YamlUnusedSuppression;
        let severity = match settings.levels.get(&rule) {
            Some(Some(sev)) => *sev,
            _ => rule.meta().severity,
        };
        let form = if self.file_level { "ignore-file" } else { "ignore" };
        let report = |span: (u32, u32), message: String, help: String| Diagnostic {
            rule,
            severity,
            message,
            primary: crate::rules::diagnostic::Label {
                span: Span::new(file, span.0, span.1),
                message: None,
            },
            secondary: Vec::new(),
            help: Some(help),
            fix: None,
        };
        let mut out = Vec::new();
        match &self.ids {
            // With `select`, most rules did not run: "nothing suppressed" would prove nothing.
            None if !self.used_all && settings.select.is_none() => out.push(report(
                self.span,
                format!("`portalint: {form}` suppresses every rule here, and no finding was suppressed"),
                "remove the comment".to_string(),
            )),
            None => {}
            Some(ids) => {
                for n in ids {
                    match &n.rules {
                        None => {
                            let known = ALL_RULES
                                .iter()
                                .map(|r| r.as_str())
                                .chain(crate::rules::ALIASES.iter().map(|(a, _)| *a));
                            let hint = crate::parse::text::suggest(&n.text, known)
                                .map(|h| format!("did you mean `{h}`? "))
                                .unwrap_or_default();
                            out.push(report(
                                n.span,
                                format!(
                                    "unknown rule `{}` in `portalint: {form}[…]`: it suppresses nothing",
                                    n.text
                                ),
                                format!("{hint}`portalint rules` lists the ids; `all` suppresses every rule"),
                            ));
                        }
                        Some(rules) if !n.used && rules.iter().any(|r| ran.contains(r)) => out.push(report(
                            n.span,
                            format!("`{}` is suppressed here, but it reports nothing to suppress", n.text),
                            "remove the id (or the comment)".to_string(),
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
        out
    }
}

/// The suppression comments of a file: `# portalint: ignore[<ids>]` at the end of a line or
/// on a comment line of its own (then it covers the next line too), `# portalint:
/// ignore-file[<ids>]` anywhere for the whole file. Ids are comma-separated; `all`, or no
/// brackets at all, stands for every rule.
fn suppressions(file: &SourceFile) -> Vec<Suppression> {
    const MARK: &str = "portalint: ignore";
    let text = &*file.text;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(MARK) {
        let at = from + found;
        from = at + MARK.len();
        let line = file.line_of(at as u32);
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..at];
        // Only inside a comment.
        let Some(hash) = before.find('#') else { continue };
        let own_line = before[..hash].trim().is_empty();
        let mut rest_at = at + MARK.len();
        let file_level = text[rest_at..].starts_with("-file");
        if file_level {
            rest_at += "-file".len();
        }
        let rest = &text[rest_at..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let rest = &rest[..line_end];
        let (ids, end) = match rest.strip_prefix('[') {
            Some(inner) => match inner.find(']') {
                Some(close) => {
                    let mut ids = Vec::new();
                    let mut pos = rest_at + 1;
                    for part in inner[..close].split(',') {
                        let trimmed = part.trim();
                        let lead = part.len() - part.trim_start().len();
                        let start = (pos + lead) as u32;
                        pos += part.len() + 1;
                        if trimmed.is_empty() {
                            continue;
                        }
                        ids.push(Named {
                            text: trimmed.to_string(),
                            span: (start, start + trimmed.len() as u32),
                            rules: if trimmed == "all" {
                                Some(ALL_RULES.to_vec())
                            } else {
                                RuleId::expand(trimmed)
                            },
                            used: false,
                        });
                    }
                    let all = ids.iter().any(|n| n.text == "all");
                    (
                        if all || ids.is_empty() { None } else { Some(ids) },
                        rest_at + 1 + close + 1,
                    )
                }
                None => (None, rest_at),
            },
            // A word right after `ignore` (`ignored`, `ignore-me`) is not a suppression.
            None if rest.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') => continue,
            None => (None, rest_at),
        };
        out.push(Suppression {
            line,
            own_line,
            file_level,
            span: (at as u32, end as u32),
            ids,
            used_all: false,
        });
    }
    out
}
