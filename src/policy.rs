//! What to report: rule selection, severity overrides, per-path ignores, inline
//! `# portalint: ignore[rule-id]` suppressions, and de-duplication of the generic schema rule
//! against specific rules at the same node. Applied once, after the rules ran.

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::Workspace;
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
    /// The directory `per_path` globs are relative to (the config file's directory).
    pub base: Option<std::path::PathBuf>,
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
            .filter(|r| r.meta().pack == Pack::Core || ws.repo.openportal)
            .collect()
    }

    fn ignored_at(&self, file: &crate::source::SourceFile, rule: RuleId) -> bool {
        let applicable: Vec<&globset::GlobMatcher> = self
            .per_path
            .iter()
            .filter(|(_, rules)| rules.is_empty() || rules.contains(&rule))
            .map(|(g, _)| g)
            .collect();
        if applicable.is_empty() {
            return false;
        }
        let from_base = self.base.as_ref().and_then(|b| {
            let abs = std::fs::canonicalize(&file.path).ok()?;
            Some(
                abs.strip_prefix(b)
                    .ok()?
                    .to_string_lossy()
                    .replace('\\', "/"),
            )
        });
        let rel = from_base.as_deref().unwrap_or(&file.rel);
        applicable.iter().any(|g| g.is_match(rel))
    }
}

/// Applies the settings to the raw diagnostics of one workspace.
pub fn apply(mut diags: Vec<Diagnostic>, ws: &Workspace, settings: &Settings) -> Vec<Diagnostic> {
    for d in &mut diags {
        if let Some(Some(sev)) = settings.levels.get(&d.rule) {
            d.severity = *sev;
        }
    }
    diags.retain(|d| {
        let file = ws.sources.get(d.primary.span.file);
        !settings.ignored_at(file, d.rule) && !suppressed(&file.text, d.primary.span.start, d.rule)
    });
    // A generic schema finding yields to a specific rule that reports the same node.
    let specific: Vec<(crate::source::FileId, u32)> = diags
        .iter()
        .filter(|d| d.rule != RuleId::XpSchema)
        .map(|d| (d.primary.span.file, d.primary.span.start))
        .collect();
    diags.retain(|d| {
        d.rule != RuleId::XpSchema
            || !specific.contains(&(d.primary.span.file, d.primary.span.start))
    });
    diags.sort_by(|a, b| {
        let (fa, fb) = (
            &ws.sources.get(a.primary.span.file).rel,
            &ws.sources.get(b.primary.span.file).rel,
        );
        (fa, a.primary.span.start, a.rule, &a.message).cmp(&(
            fb,
            b.primary.span.start,
            b.rule,
            &b.message,
        ))
    });
    diags.dedup_by(|a, b| {
        a.rule == b.rule && a.primary.span == b.primary.span && a.message == b.message
    });
    diags
}

/// True when the line of `offset`, or the comment line above it, says
/// `# portalint: ignore[<rule>]` (several ids may be listed, comma-separated).
pub fn suppressed(text: &str, offset: u32, rule: RuleId) -> bool {
    let offset = (offset as usize).min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |p| offset + p);
    if mentions(&text[line_start..line_end], rule) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let prev_end = line_start - 1;
    let prev_start = text[..prev_end].rfind('\n').map_or(0, |p| p + 1);
    let prev = &text[prev_start..prev_end];
    prev.trim_start().starts_with('#') && mentions(prev, rule)
}

fn mentions(line: &str, rule: RuleId) -> bool {
    let Some(at) = line.find("portalint: ignore[") else {
        return false;
    };
    let rest = &line[at + "portalint: ignore[".len()..];
    let Some(end) = rest.find(']') else {
        return false;
    };
    rest[..end]
        .split(',')
        .map(str::trim)
        .any(|id| id == rule.as_str())
}
