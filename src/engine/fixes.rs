//! `--fix` and `--fix --diff`: what a root's fixes would write (the regenerated order
//! kustomizations, then the edits the findings carry), each file checked before it is
//! touched (inside the root, a regular file, still the text that was checked), then either
//! printed as a unified diff or written atomically ([`crate::fix::Target::write`]).

use crate::error::AppError;
use crate::model::{self, Repo, RuleOptions, Workspace};
use crate::rules::diagnostic::Diagnostic;
use std::path::Path;

/// How many times `--fix` checks again and applies what is left (a fix whose edits overlapped
/// another's waits for the next round).
pub const MAX_ROUNDS: usize = 3;

/// One file a fix rewrites.
pub struct Planned {
    /// Its path as reported (relative to the checked root, with the root's prefix).
    pub rel: String,
    /// The file, opened for the rewrite.
    pub target: crate::fix::Target,
    /// Its new text.
    pub text: String,
    /// What changes, for the report (`2 resources (+2 -1)`, `2 fixes`).
    pub note: String,
    /// How many findings the new text fixes (0 for a regenerated kustomization, whose
    /// findings are counted by the check that follows).
    pub fixes: usize,
}

/// What `--fix` did over the whole run, for the summary.
#[derive(Debug, Default)]
pub struct Tally {
    /// Findings fixed (or, with `--diff`, that would be).
    pub fixes: usize,
    /// Files written (or that would be).
    pub files: usize,
    /// Findings that carry a fix and are still reported after the last round.
    pub fixable_left: usize,
    /// Files a fix was planned for and not written, each with why.
    pub refused: Vec<String>,
    /// Roots whose findings' fixes were not applied because they were streamed.
    pub streamed: usize,
}

impl Tally {
    /// The lines `--fix` prints on stderr once the report is written: what was fixed, what
    /// was refused, how many findings remain and whether another run would fix any.
    pub fn summary(&self, preview: bool, remaining: usize) -> Vec<String> {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut lines = Vec::new();
        let what = format!(
            "{} in {}",
            plural(self.fixes, "fix", "fixes"),
            plural(self.files, "file", "files")
        );
        lines.push(match (preview, self.files) {
            (_, 0) if self.streamed > 0 => "--fix: nothing was fixed".to_string(),
            (true, 0) => "--fix --diff: nothing to fix".to_string(),
            (true, _) => format!("--fix --diff: would apply {what}; nothing was written"),
            (false, 0) => "--fix: nothing to fix".to_string(),
            (false, _) => format!("--fix: applied {what}"),
        });
        for r in &self.refused {
            lines.push(format!("--fix: {r}"));
        }
        if self.streamed > 0 {
            lines.push(format!(
                "--fix: the findings' own fixes are not applied to a streamed root ({} here: its YAML is \
                 above `--stream-above`); only order kustomizations were regenerated. Raise `--stream-above` \
                 to fix the rest",
                self.streamed
            ));
        }
        let unfixable = remaining.saturating_sub(self.fixable_left);
        let no_fix = format!(
            "{} no mechanical fix",
            plural(unfixable, "finding has", "findings have")
        );
        lines.push(match (preview, remaining, self.fixable_left) {
            (true, _, _) if self.streamed > 0 => String::new(),
            (true, _, _) if unfixable > 0 => format!("--fix --diff: {no_fix}; `portalint check` reports it all"),
            (true, _, _) => String::new(),
            (false, 0, _) => "--fix: no finding remains".to_string(),
            // A streamed root's findings are not counted as fixable or not (see above).
            (false, _, _) if self.streamed > 0 => {
                format!("--fix: {}", plural(remaining, "finding remains", "findings remain"))
            }
            (false, _, 0) => format!(
                "--fix: {} ({no_fix})",
                plural(remaining, "finding remains", "findings remain")
            ),
            (false, _, left) => format!(
                "--fix: {}; {} a fix that was not applied (see above)",
                plural(remaining, "finding remains", "findings remain"),
                plural(left, "has", "have")
            ),
        });
        lines.retain(|l| !l.is_empty());
        lines
    }
}

/// The refusal of a fix to a path from the tree, shown on one line.
fn refused(rel: &str, why: &dyn std::fmt::Display) -> String {
    format!("not fixed `{}`: {why}", crate::report::escape::line(rel))
}

/// The regenerated cluster kustomizations of an orders repository (`repo.orders` detected).
/// Every target is checked first: one that is a symlink, not a regular file, or outside the
/// root refuses the whole fix (a usage error: nothing is written).
pub fn kustomizations(
    repo: &Repo,
    options: &RuleOptions,
    paths: &crate::parse::paths::PathSet,
    root: &Path,
) -> Result<Vec<Planned>, AppError> {
    let dirs: Vec<String> = match repo.orders {
        Some(model::Layout::Clusters) => model::orders::cluster_dirs(options, paths),
        Some(model::Layout::Namespaces) => vec!["namespaces".to_string()],
        None => return Ok(Vec::new()),
    };
    let confined = crate::confine::Root::new(root)
        .map_err(|e| AppError::Usage(format!("cannot read `{}`: {e}", root.display())))?;
    let mut planned = Vec::new();
    for dir in dirs {
        let rel = format!("{}{dir}/kustomization.yaml", repo.prefix);
        let refuse =
            |why: &dyn std::fmt::Display| AppError::Usage(format!("{}; nothing was written", refused(&rel, why)));
        let path = confined
            .resolve(confined.path(), &format!("{dir}/kustomization.yaml"))
            .map_err(|e| refuse(&e.what()))?;
        let target = crate::fix::Target::open(&confined, &path).map_err(|e| refuse(&e))?;
        if target.existing.is_none() && repo.orders == Some(model::Layout::Namespaces) {
            continue;
        }
        let wanted = crate::fix::expected_resources(&format!("{}{dir}", repo.prefix), paths);
        let text = crate::fix::render(target.existing.as_deref(), &wanted);
        if target.existing.as_deref() == Some(text.as_str()) {
            continue;
        }
        let before: std::collections::HashSet<&str> = target
            .existing
            .as_deref()
            .map(|t| t.lines().filter_map(|l| l.trim().strip_prefix("- ")).collect())
            .unwrap_or_default();
        let wanted_set: std::collections::HashSet<&str> = wanted.iter().map(String::as_str).collect();
        let added = wanted_set.difference(&before).count();
        let removed = before.difference(&wanted_set).count();
        let note = format!("{} resources (+{added} -{removed})", wanted.len());
        planned.push(Planned {
            rel,
            target,
            text,
            note,
            fixes: 0,
        });
    }
    Ok(planned)
}

/// The files the findings' own fixes rewrite, one entry per file: the fixes taken in the
/// findings' order, a fix overlapping one already taken left out (its finding stays). A file
/// that is not a checked work-tree file, that fails the confinement checks or that changed
/// since it was read is not planned; why goes to `refusals`.
pub fn findings(ws: &Workspace, findings: &[Diagnostic], root: &Path, refusals: &mut Vec<String>) -> Vec<Planned> {
    use crate::parse::source::{FileId, Origin};
    let mut by_file: std::collections::BTreeMap<FileId, Vec<Vec<crate::fix::Splice>>> = Default::default();
    for d in findings {
        let Some(fix) = &d.fix else { continue };
        let Some(file) = fix.edits.first().map(|e| e.span.file) else {
            continue;
        };
        if fix.edits.iter().any(|e| e.span.file != file) {
            continue;
        }
        let splices = fix
            .edits
            .iter()
            .map(|e| crate::fix::Splice {
                start: e.span.start as usize,
                end: e.span.end as usize,
                text: e.replacement.clone(),
            })
            .collect();
        by_file.entry(file).or_default().push(splices);
    }
    if by_file.is_empty() {
        return Vec::new();
    }
    let mut planned = Vec::new();
    for (file, fixes) in by_file {
        let source = ws.sources.get(file);
        let rel = source.rel.clone();
        if source.origin != Origin::Checked {
            continue;
        }
        let target = match open(ws, root, &rel, &source.path) {
            Ok(t) => t,
            Err(why) => {
                refusals.push(refused(&rel, &why));
                continue;
            }
        };
        if target.existing.as_deref() != Some(&*source.text) {
            refusals.push(refused(&rel, &crate::fix::Refused::Changed));
            continue;
        }
        let mut taken = Vec::new();
        let applied = fixes.iter().filter(|f| crate::fix::take(&mut taken, f)).count();
        let Some(text) = crate::fix::apply(&source.text, &taken) else {
            refusals.push(refused(&rel, &"an edit does not fit the file (a portalint bug)"));
            continue;
        };
        if text == *source.text {
            continue;
        }
        planned.push(Planned {
            rel,
            target,
            text,
            note: format!("{applied} {}", if applied == 1 { "fix" } else { "fixes" }),
            fixes: applied,
        });
    }
    planned
}

/// Opens the checked file `rel` (on disk at `path`) for a rewrite: in a folder root, the
/// file the walk named, confined to the root; a root that is a file (the user's choice) is
/// that file, confined to its folder.
fn open(ws: &Workspace, root: &Path, rel: &str, path: &Path) -> Result<crate::fix::Target, String> {
    let (dir, name) = if ws.repo.is_dir {
        (
            root,
            rel.strip_prefix(ws.repo.prefix.as_str()).unwrap_or(rel).to_string(),
        )
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
            name,
        )
    };
    let confined = crate::confine::Root::new(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let at = confined
        .resolve(confined.path(), &name)
        .map_err(|e| e.what().to_string())?;
    crate::fix::Target::open(&confined, &at).map_err(|e| e.to_string())
}

/// Prints (`preview`: a unified diff on stdout, nothing written) or writes each planned file.
/// A file that cannot be written, or changed since it was read, is left as it was and its
/// refusal recorded; the others are still written. Returns whether anything was written.
pub fn carry_out(planned: Vec<Planned>, preview: bool, tally: &mut Tally) -> bool {
    let mut wrote = false;
    for p in planned {
        // A path from the tree: one line, no control characters.
        let shown = crate::report::escape::line(&p.rel);
        if preview {
            print!(
                "{}",
                crate::fix::unified_diff(&shown, p.target.existing.as_deref(), &p.text)
            );
            tally.files += 1;
            tally.fixes += p.fixes;
            continue;
        }
        match p.target.write(&p.text) {
            Ok(()) => {
                eprintln!("fixed {shown}: {}", p.note);
                tally.files += 1;
                tally.fixes += p.fixes;
                wrote = true;
            }
            Err(e) => tally
                .refused
                .push(format!("cannot write `{shown}`: {e}; the file was left as it was")),
        }
    }
    wrote
}
