//! What to report: rule selection, severity overrides, per-path ignores, inline
//! `# portalint: ignore[rule-id]` suppressions, and de-duplication of the generic schema rule
//! against specific rules at the same node. Applied once, after the rules ran.

use crate::model::Workspace;
use crate::rules::diagnostic::{Diagnostic, Severity};
use crate::rules::{Pack, RuleId, ALL_RULES};
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

/// Applies the settings to the raw diagnostics of one workspace.
pub fn apply(mut diags: Vec<Diagnostic>, ws: &Workspace, settings: &Settings) -> Vec<Diagnostic> {
    for d in &mut diags {
        if let Some(Some(sev)) = settings.levels.get(&d.rule) {
            d.severity = *sev;
        }
    }
    // The ids a line's `# portalint: ignore[…]` comments name, read once per line however
    // many findings it has (a one-line file may carry thousands).
    let mut named: HashMap<(crate::parse::source::FileId, usize), Vec<RuleId>> = HashMap::new();
    diags.retain(|d| {
        let file = ws.sources.get(d.primary.span.file);
        if settings.ignored_at(&ws.repo, &file.rel, d.rule) {
            return false;
        }
        let line = file.line_of(d.primary.span.start);
        let ids = named
            .entry((d.primary.span.file, line))
            .or_insert_with(|| suppressions_at(file, line));
        !ids.contains(&d.rule)
    });
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

/// True when the line of `offset`, or the comment line above it, says
/// `# portalint: ignore[<rule>]` (several ids may be listed, comma-separated).
pub fn suppressed(file: &crate::parse::source::SourceFile, offset: u32, rule: RuleId) -> bool {
    suppressions_at(file, file.line_of(offset)).contains(&rule)
}

/// The rules suppressed on `line` (1-based): named on the line itself, or on a comment line
/// right above it.
fn suppressions_at(file: &crate::parse::source::SourceFile, line: usize) -> Vec<RuleId> {
    let mut ids = mentioned(file.line_text(line));
    let above = file.line_text(line - 1);
    if line > 1 && above.trim_start().starts_with('#') {
        ids.extend(mentioned(above));
    }
    ids
}

fn mentioned(line: &str) -> Vec<RuleId> {
    let Some(at) = line.find("portalint: ignore[") else {
        return Vec::new();
    };
    let rest = &line[at + "portalint: ignore[".len()..];
    let Some(end) = rest.find(']') else {
        return Vec::new();
    };
    rest[..end]
        .split(',')
        .map(str::trim)
        .filter_map(RuleId::expand)
        .flatten()
        .collect()
}
