//! `portalint verdict`: orchestration and rendering. Reads the config, the policy and
//! CODEOWNERS from the **base** revision, checks the post-merge tree (base + the PR's changes
//! since the merge base), and hands everything to [`crate::gate::evaluate`].

use crate::cli::{CheckArgs, OutputFormat, VerdictArgs};
use crate::config::{self, Config};
use crate::error::{AppError, EXIT_ERROR};
use crate::gate::codeowners::{self, CodeOwners};
use crate::gate::policy::{Policy, PolicySource};
use crate::gate::{Decision, Verdict};
use std::io::Write;
use std::path::PathBuf;

/// A verdict with the revisions it was computed for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// The JSON format version.
    pub version: u32,
    /// The decision as a word.
    pub decision: Decision,
    /// The process exit code for it.
    pub exit_code: u8,
    /// The base as given and the commit it was.
    pub base: String,
    /// The base commit.
    pub base_commit: String,
    /// The evaluated head commit (a bot merges only this SHA).
    pub head_commit: String,
    /// Findings left out because they are in the baseline (`--baseline`).
    pub baselined: usize,
    /// The verdict (its `decision` is the one above: written once).
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The base's CODEOWNERS (the bot requests reviews from it).
    #[serde(skip)]
    pub codeowners: Option<CodeOwners>,
    /// The post-merge findings on the lines the PR changed (the bot's line comments).
    #[serde(skip)]
    pub changed_line_findings: Vec<crate::report::Located>,
    /// Their totals.
    #[serde(skip)]
    pub changed_line_summary: crate::report::Summary,
    /// Symlinks, executable files and submodules the PR adds or changes (not in `changes`,
    /// which lists the files read).
    #[serde(skip)]
    pub special: Vec<String>,
}

/// Runs the command: prints the verdict, returns the exit code (0, 10, 11; 2 on errors).
pub fn run(args: &VerdictArgs, out: &mut dyn Write) -> u8 {
    match verdict(args) {
        Ok(report) => {
            let written = match args.format {
                // Control characters of the PR's text as `\uXXXX` (`report::escape`).
                OutputFormat::Json => {
                    crate::report::escape::write_json_pretty(&mut *out, &report).and_then(|_| writeln!(out))
                }
                OutputFormat::Text => render_text(&report, out),
            };
            if let Err(e) = written {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("error: cannot write the verdict: {e}");
                    return EXIT_ERROR;
                }
            }
            report.exit_code
        }
        Err(e) => {
            crate::error::print_error(&e);
            EXIT_ERROR
        }
    }
}

/// The branch name a revision spells, if it spells one (`origin/main` → `main`; not a SHA).
fn branch_name(rev: &str) -> Option<&str> {
    let name = rev
        .strip_prefix("refs/heads/")
        .or_else(|| rev.strip_prefix("refs/remotes/origin/"))
        .or_else(|| rev.strip_prefix("origin/"))
        .unwrap_or(rev);
    let sha_like = name.len() >= 7 && name.chars().all(|c| c.is_ascii_hexdigit());
    (!sha_like && !name.contains('~') && !name.contains('^') && !name.contains('@')).then_some(name)
}

/// Computes the verdict (library entry point for tests).
pub fn verdict(args: &VerdictArgs) -> Result<Report, AppError> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(AppError::Usage(format!(
            "{code0} is not a directory",
            code0 = crate::parse::text::code(&root.display())
        )));
    }
    let baseline = match &args.baseline {
        Some(p) => Some(crate::report::baseline::Baseline::load(p).map_err(AppError::Usage)?),
        None => None,
    };
    let repo = crate::git::Repository::open(&root).map_err(AppError::Usage)?;
    let listing = repo.listing(&args.base).map_err(AppError::Usage)?;
    let base_text = |path: &str| listing.get(path).and_then(|id| repo.text(*id));
    let label = |path: &str| PathBuf::from(format!("{}:{path}", args.base));

    // Everything that decides comes from the base revision.
    let mut deciding: Vec<String> = config::FILE_NAMES.iter().map(|s| s.to_string()).collect();
    deciding.extend(codeowners::LOCATIONS.iter().map(|s| s.to_string()));
    let mut cfg = Config::default();
    // A config named on the command line (the maintainers' choice, never the PR's) replaces
    // the base's; its policy file is read next to it.
    let user_config = args.config.as_ref().map(|p| (p, p.parent().map(PathBuf::from)));
    if let Some((path, _)) = &user_config {
        cfg = config::load(path, &config::Trust::User).map_err(AppError::Config)?;
    } else if let Some(name) = config::FILE_NAMES.iter().find(|n| listing.contains_key(**n)) {
        let text = base_text(name).ok_or_else(|| {
            AppError::Usage(format!(
                "cannot read {code0} at {code1}",
                code0 = crate::parse::text::code(&name),
                code1 = crate::parse::text::code(&args.base)
            ))
        })?;
        let trust = config::Trust::Tree {
            root: crate::confine::Root::new(&root).map_err(|e| {
                AppError::Usage(format!(
                    "cannot read {code0}: {e}",
                    code0 = crate::parse::text::code(&root.display())
                ))
            })?,
            dir: root.clone(),
        };
        cfg = config::parse(&label(name), &text, &trust).map_err(AppError::Config)?;
    }
    let policy: Policy = match &cfg.policy {
        None => Policy::default(),
        Some(PolicySource::Inline(p)) => (**p).clone(),
        Some(PolicySource::File(f)) if user_config.is_some() => {
            let dir = user_config.as_ref().and_then(|(_, d)| d.clone()).unwrap_or_default();
            let path = dir.join(f);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                AppError::Usage(format!(
                    "cannot read the policy file {code0}: {e}",
                    code0 = crate::parse::text::code(&path.display())
                ))
            })?;
            crate::gate::policy::load_file(&path, &text).map_err(AppError::Config)?
        }
        Some(PolicySource::File(f)) => {
            let path = f.trim_start_matches("./").to_string();
            let text = base_text(&path).ok_or_else(|| {
                AppError::Usage(format!(
                    "the policy file {code0} is not in the base revision {code1}",
                    code0 = crate::parse::text::code(&path),
                    code1 = crate::parse::text::code(&args.base)
                ))
            })?;
            deciding.push(path.clone());
            crate::gate::policy::load_file(&label(&path), &text).map_err(AppError::Config)?
        }
    };
    let owners: Option<CodeOwners> = codeowners::LOCATIONS
        .iter()
        .find_map(|loc| base_text(loc))
        .map(|t| CodeOwners::parse(&t));

    let check_args = CheckArgs {
        xrds: args.xrds.clone(),
        cache_dir: args.cache_dir.clone(),
        offline: args.offline,
        base: Some(args.base.clone()),
        head: Some(args.head.clone().unwrap_or_else(|| "HEAD".to_string())),
        verdict: true,
        ..CheckArgs::new(vec![root.clone()])
    };
    let head_rev = check_args.head.clone().unwrap_or_default();
    let before = repo.special_entries(&args.base).map_err(AppError::Usage)?;
    let special: Vec<(String, &'static str)> = repo
        .special_entries(&head_rev)
        .map_err(AppError::Usage)?
        .into_iter()
        .filter(|(p, entry)| before.get(p) != Some(entry))
        .map(|(p, (kind, _))| (p, kind))
        .collect();
    let special_paths: Vec<String> = special.iter().map(|(p, _)| p.clone()).collect();
    let target = args.target_branch.as_deref().or_else(|| branch_name(&args.base));
    let config_dir = std::fs::canonicalize(&root).ok();
    let plan = crate::engine::Plan::new(&check_args, &cfg, config_dir.as_deref(), Some(&policy))?;
    let crate::engine::Root::InMemory(checked) = plan.check_root(&root)? else {
        return Err(AppError::Internal("a verdict's root was streamed".into()));
    };
    let crate::engine::InMemory { ws, findings, git } = *checked;
    // `--baseline`: the findings it holds are neither a reason nor a line comment.
    let mut baselined = 0;
    let findings = match &baseline {
        Some(b) => {
            let located: Vec<crate::report::Located> =
                findings.iter().map(|d| crate::report::locate(d, &ws.sources)).collect();
            let new = b.new_findings(&located);
            let before = findings.len();
            let kept: Vec<_> = findings
                .into_iter()
                .zip(new)
                .filter(|(_, n)| *n)
                .map(|(d, _)| d)
                .collect();
            baselined = before - kept.len();
            kept
        }
        None => findings,
    };
    // The findings the base already had (same fingerprint): checked only when an error could
    // decide, and only when the policy looks at them.
    let existing = if policy.existing_findings() != crate::gate::policy::ExistingFindings::Block
        && findings
            .iter()
            .any(|d| d.severity == crate::rules::diagnostic::Severity::Error)
    {
        // The base itself: head = base, so no change and every file read.
        let base_args = CheckArgs {
            head: Some(args.base.clone()),
            ..check_args.clone()
        };
        let base_plan = crate::engine::Plan::new(&base_args, &cfg, config_dir.as_deref(), Some(&policy))?;
        existing_in_base(&base_plan, &root, &ws, &findings, &head_rev, &args.base)?
    } else {
        Vec::new()
    };
    let (ws, diags) = (&ws, findings.as_slice());
    let (git, merge) = git
        .as_ref()
        .and_then(|g| Some((g, g.merge()?)))
        .ok_or_else(|| AppError::Internal("verdict without a merge context".into()))?;
    let request = crate::gate::Request {
        ws,
        diagnostics: diags,
        existing: &existing,
        changes: &merge.changes,
        policy: &policy,
        codeowners: owners.as_ref(),
        author: args.author.as_deref().map(|a| a.trim_start_matches('@')),
        branch: args.branch.as_deref(),
        target_branch: target,
        deciding_files: &deciding,
        conflicts: &merge.conflicts,
        special: &special,
    };
    let verdict = crate::gate::evaluate(&request);
    // The PR's own lines: for every path it changed the post-merge file is its head version.
    let (kept, skipped) = git.filter(ws, diags.to_vec(), true);
    let mut summary = crate::report::Summary {
        files: ws.local_files,
        documents: ws.docs.len(),
        skipped,
        baselined,
        excluded: ws.repo.left_out.excluded.len(),
        per_path_ignored: plan.per_path_ignored(),
        ..Default::default()
    };
    for d in &kept {
        match d.severity {
            crate::rules::diagnostic::Severity::Error => summary.errors += 1,
            crate::rules::diagnostic::Severity::Warning => summary.warnings += 1,
            crate::rules::diagnostic::Severity::Info => {}
        }
    }
    Ok(Report {
        version: 1,
        decision: verdict.decision,
        exit_code: verdict.decision.exit_code(),
        base: args.base.clone(),
        base_commit: merge.base_commit.clone(),
        head_commit: merge.head_commit.clone(),
        baselined,
        verdict,
        codeowners: owners,
        changed_line_findings: kept.iter().map(|d| crate::report::locate(d, &ws.sources)).collect(),
        changed_line_summary: summary,
        special: special_paths,
    })
}

/// For each post-merge finding, whether the base revision has one with the same fingerprint
/// ([`crate::report::fingerprint`], revision prefixes of the paths removed on both sides).
fn existing_in_base(
    base_plan: &crate::engine::Plan,
    root: &std::path::Path,
    ws: &crate::model::Workspace,
    findings: &[crate::rules::diagnostic::Diagnostic],
    head_rev: &str,
    base_rev: &str,
) -> Result<Vec<bool>, AppError> {
    let crate::engine::Root::InMemory(checked) = base_plan.check_root(root)? else {
        return Err(AppError::Internal("a verdict's base was streamed".into()));
    };
    let located = |diags: &[crate::rules::diagnostic::Diagnostic], sources, rev: &str| {
        let mut out: Vec<crate::report::Located> = diags.iter().map(|d| crate::report::locate(d, sources)).collect();
        for l in &mut out {
            l.reprefix(&format!("{rev}:"), "");
        }
        out
    };
    let before: std::collections::HashSet<String> =
        crate::report::fingerprint::fingerprints(&located(&checked.findings, &checked.ws.sources, base_rev))
            .into_iter()
            .collect();
    Ok(
        crate::report::fingerprint::fingerprints(&located(findings, &ws.sources, head_rev))
            .iter()
            .map(|f| before.contains(f))
            .collect(),
    )
}

/// The verdict as text; what comes from the PR (paths, messages, names) is written through
/// [`crate::report::escape::line`]: one line each, no control characters.
/// Where a reason points (`file:line:col: `) and its rule (` [id]`), for the text output.
fn place(reason: &crate::gate::Reason) -> (String, String) {
    use crate::report::escape::line;
    let at = match (&reason.file, reason.line, reason.column) {
        (Some(f), Some(l), Some(c)) => format!("{}:{l}:{c}: ", line(f)),
        (Some(f), _, _) => format!("{}: ", line(f)),
        _ => String::new(),
    };
    let rule = reason
        .rule
        .as_ref()
        .map(|r| format!(" [{}]", line(r)))
        .unwrap_or_default();
    (at, rule)
}

fn render_text(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    use crate::report::escape::line;
    let v = &r.verdict;
    writeln!(out, "verdict: {}", r.decision.as_str())?;
    writeln!(
        out,
        "  evaluated {} merged into {} ({})",
        short(&r.head_commit),
        line(&r.base),
        short(&r.base_commit)
    )?;
    if r.baselined > 0 {
        writeln!(out, "  {}", crate::report::baseline::not_shown(r.baselined))?;
    }
    if let Some(left) = r.changed_line_summary.left_out() {
        writeln!(out, "  not checked: {left}")?;
    }
    let new_errors = v
        .reasons
        .iter()
        .filter(|r| r.code == crate::gate::ReasonCode::Lint)
        .count();
    if new_errors + v.existing.len() > 0 {
        writeln!(
            out,
            "  error findings: {new_errors} new, {} existing in the base",
            v.existing.len()
        )?;
    }
    if !v.requesters.is_empty() {
        writeln!(out, "  requested by {}", line(&v.requesters.join(", ")))?;
    }
    writeln!(out, "changes:")?;
    for (k, p) in &v.changes {
        writeln!(out, "  {k} {}", line(p))?;
    }
    if !v.reasons.is_empty() {
        writeln!(out, "reasons:")?;
    }
    for reason in &v.reasons {
        let level = match reason.decision {
            Decision::Reject => "reject",
            _ => "review",
        };
        let (at, rule) = place(reason);
        writeln!(out, "  {level:<6} {} {at}{}{rule}", reason.code, line(&reason.message))?;
    }
    if !v.existing.is_empty() {
        writeln!(out, "existing (already in {}, not deciding):", line(&r.base))?;
    }
    for reason in &v.existing {
        let (at, rule) = place(reason);
        writeln!(out, "  {} {at}{}{rule}", reason.code, line(&reason.message))?;
    }
    if !v.quotas.is_empty() {
        writeln!(out, "quotas:")?;
    }
    for q in &v.quotas {
        let mut limits = Vec::new();
        if let Some(s) = &q.soft {
            limits.push(format!("soft {}", line(s)));
        }
        if let Some(h) = &q.hard {
            limits.push(format!("hard {}", line(h)));
        }
        writeln!(
            out,
            "  {}: {} → {} ({})",
            line(&q.quota),
            line(&q.before),
            line(&q.after),
            limits.join(", ")
        )?;
    }
    Ok(())
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
