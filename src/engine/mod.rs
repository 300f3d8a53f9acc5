//! The check as stages that return data: config and options ([`Plan::new`]), then per root
//! discover → parse/model → rules → policy ([`Plan::check_root`], one [`Root`] each), then the
//! changed-lines filter and positions ([`Plan::run`]). `verdict` and `pr` call the stages and
//! read their results; nothing here prints but `--fix`'s report of what it wrote and `--fix --diff`'s diff ([`fixes`]).

pub mod change;
pub mod fixes;
pub mod notes;
pub mod rendering;
pub mod settings;
pub mod stream;
pub mod warm;

use crate::cli::{CheckArgs, ProfileArg};
use crate::config::{self, Config, FailOn, Level, Profile};
use crate::error::{AppError, EXIT_CLEAN, EXIT_FINDINGS};
use crate::model::{self, Repo, RuleOptions, Workspace};
use crate::report::{self, Located, Summary};
use crate::rules::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleId, Sink, ALL_RULES};
use rayon::prelude::*;
use settings::Settings;
use std::path::{Path, PathBuf};

/// The result of `check`.
#[derive(Debug)]
pub struct Outcome {
    /// Findings, positions resolved, sorted.
    pub diagnostics: Vec<Located>,
    /// Totals.
    pub summary: Summary,
    /// The effective fail level.
    pub fail_on: FailOn,
    /// `--allow-empty`: a run that checked no file is clean rather than an error.
    pub allow_empty: bool,
    /// What the run could not check, said once per run (printed on stderr): files named on
    /// the command line that are not manifests, XRs checked without their XRD.
    pub notes: Vec<String>,
    /// With `--fix`: what was fixed and refused (printed on stderr after the report).
    pub fixes: Option<fixes::Tally>,
}

impl Outcome {
    /// True when no file was checked and nothing was found: the run proves nothing.
    pub fn checked_nothing(&self) -> bool {
        self.summary.files == 0 && self.diagnostics.is_empty()
    }

    /// The exit code for this outcome: 2 when it checked nothing (unless `--allow-empty`).
    pub fn exit_code(&self) -> u8 {
        if self.checked_nothing() && !self.allow_empty {
            return crate::error::EXIT_ERROR;
        }
        let failing = match self.fail_on {
            FailOn::Error => self.summary.errors,
            FailOn::Warning => self.summary.errors + self.summary.warnings,
        };
        if failing > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        }
    }
}

/// Rule ids (and aliases) of the command line or config, typed; an unknown one is a usage
/// error with a suggestion.
pub fn parse_ids(ids: &[String]) -> Result<Vec<RuleId>, AppError> {
    let expanded: Result<Vec<Vec<RuleId>>, AppError> = ids
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            RuleId::expand(s).ok_or_else(|| {
                let ids = ALL_RULES.iter().map(|r| r.as_str());
                let hint = crate::parse::text::suggest(s, ids.chain(crate::rules::ALIASES.iter().map(|(a, _)| *a)))
                    .map(|h| format!(" (did you mean `{h}`?)"))
                    .unwrap_or_default();
                AppError::Usage(format!("unknown rule `{s}`{hint}; `portalint rules` lists them"))
            })
        })
        .collect();
    Ok(expanded?.into_iter().flatten().collect())
}

fn settings(args: &CheckArgs, cfg: &Config) -> Result<Settings, AppError> {
    let mut s = Settings::default();
    let cfg_ids = |v: &Option<Vec<String>>| parse_ids(v.as_deref().unwrap_or(&[]));
    let mut source = "";
    if !args.select.is_empty() {
        s.select = Some(parse_ids(&args.select)?);
        source = "`--select`";
        if s.select.as_ref().is_some_and(Vec::is_empty) {
            return Err(AppError::Usage(
                "`--select` names no rule: the check would run nothing and pass; name the rules to run \
                 (`portalint rules` lists them) or leave `--select` out to run every rule"
                    .into(),
            ));
        }
    } else if cfg.select.is_some() {
        s.select = Some(cfg_ids(&cfg.select)?);
        source = "the config's `select`";
        if s.select.as_ref().is_some_and(Vec::is_empty) {
            return Err(AppError::Usage(
                "the config's `select` names no rule: the check would run nothing and pass".into(),
            ));
        }
    }
    s.ignore = parse_ids(&args.ignore)?;
    s.ignore.extend(cfg_ids(&cfg.ignore)?);
    for (id, level) in cfg.rules.iter().flatten() {
        let sev = match level {
            Level::Off => None,
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        };
        for rule in parse_ids(std::slice::from_ref(id))? {
            s.levels.insert(rule, sev);
        }
    }
    for (glob, ids) in cfg.per_path_ignores.iter().flatten() {
        let matcher = globset::Glob::new(glob)
            .map_err(|e| AppError::Usage(format!("invalid glob `{glob}`: {e}")))?
            .compile_matcher();
        let rules = if ids.iter().any(|i| i == "all") {
            Vec::new()
        } else {
            parse_ids(ids)?
        };
        s.per_path.push((matcher, rules));
    }
    // Selected, then every one of them ignored or turned off: no rule would run.
    if let Some(sel) = &s.select {
        let off = |r: &RuleId| s.ignore.contains(r) || matches!(s.levels.get(r), Some(None));
        if sel.iter().all(off) {
            return Err(AppError::Usage(format!(
                "every rule {source} selects is ignored or turned off (`ignore`, `--ignore` or `rules: {{id: off}}`): \
                 the check would run nothing and pass"
            )));
        }
    }
    Ok(s)
}

fn rule_options(cfg: &Config, policy: Option<&crate::gate::policy::Policy>) -> RuleOptions {
    let mut o = RuleOptions::default();
    if let Some(p) = policy {
        o.gate = true;
        o.platform_team = p.platform_team.clone();
        if let Some(a) = &p.owner_annotations {
            o.owner_annotations = a.clone();
        }
    }
    if let Some(op) = &cfg.openportal {
        o.openportal = op.clone();
    }
    let pack = |pick: fn(&crate::config::Packs) -> Option<crate::config::Switch>| {
        cfg.packs
            .as_ref()
            .and_then(pick)
            .and_then(crate::config::Switch::forced)
    };
    o.score = pack(|p| p.score);
    o.innominatus = pack(|p| p.innominatus);
    o.backstage = pack(|p| p.backstage);
    o.onboarding = pack(|p| p.onboarding);
    if let Some(ob) = &cfg.onboarding {
        o.onboarding_options = ob.clone();
    }
    if let Some(b) = &cfg.backstage {
        o.backstage_options = b.clone();
    }
    if let Some(or) = &cfg.orders {
        o.orders = or.clone();
    }
    o.kubernetes_version = cfg
        .kubernetes_version
        .as_deref()
        .and_then(|v| crate::schema::celenv::KubeVersion::parse(v).ok());
    if let Some(l) = cfg.limits {
        o.limits = l;
    }
    o
}

/// Days since each entity file first appeared in the root's git history (empty outside git).
fn catalog_file_ages(ws: &model::Workspace, root: &Path) -> std::collections::BTreeMap<String, u64> {
    let Ok(repo) = crate::git::Repository::open(root) else {
        return Default::default();
    };
    let prefix = ws.repo.prefix.as_str();
    let mut files: Vec<String> = ws
        .entities()
        .map(|d| ws.rel(d).strip_prefix(prefix).unwrap_or(ws.rel(d)).to_string())
        .collect();
    files.dedup();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    repo.first_seen(&files, 10_000)
        .into_iter()
        .map(|(rel, t)| (format!("{prefix}{rel}"), (now - t).max(0) as u64 / 86_400))
        .collect()
}

/// The URL of the git remote `origin` of the repository at `root`, as git reads it
/// (includes, worktrees, `insteadOf` left aside), through gix.
fn origin_url(root: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    gix::open(&abs).ok().and_then(|repo| {
        repo.config_snapshot()
            .string("remote.origin.url")
            .map(|u| u.to_string())
    })
}

/// (owner, name) of a remote URL: `git@github.com:acme/x.git`, `https://github.com/acme/x/`,
/// `ssh://git@host/acme/x`; the owner is `None` when the URL has a single path segment.
fn owner_and_name(url: &str) -> (Option<String>, String) {
    let mut parts = url.trim_end_matches('/').rsplit(['/', ':']);
    let name = parts.next().unwrap_or("").trim_end_matches(".git").to_string();
    let owner = parts
        .next()
        .filter(|o| !o.is_empty() && !o.contains('@') && !o.contains('.'))
        .map(str::to_string);
    (owner, name)
}

/// The repository name: config, then the git remote `origin`, then the directory name.
/// True when the repository name comes from config or the git remote `origin` rather than the
/// checkout folder ([`repo_name`]'s last resort).
fn repo_named(root: &Path, cfg: &Config) -> bool {
    cfg.openportal.as_ref().is_some_and(|o| o.repo_name.is_some()) || origin_url(root).is_some()
}

fn repo_name(root: &Path, cfg: &Config) -> String {
    if let Some(n) = cfg.openportal.as_ref().and_then(|o| o.repo_name.clone()) {
        return n;
    }
    if let Some(url) = origin_url(root) {
        return owner_and_name(&url).1;
    }
    let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    abs.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The owner of the repository from its git remote `origin` (config `openportal.github-org`
/// is applied by the rules over it).
fn repo_org(root: &Path) -> Option<String> {
    owner_and_name(&origin_url(root)?).0
}

/// Runs the rules over one workspace and applies the policy.
pub fn run_rules(ws: &Workspace, settings: &Settings) -> Result<Vec<Diagnostic>, AppError> {
    run_rules_where(ws, settings, |_| true)
}

/// The costliest rules on large repositories (measured with callgrind on 10 000 orders:
/// `x-xr-schema` about 40 % of the rules' instructions, then these).
const SCHEDULED_FIRST: &[RuleId] = &[
    RuleId::XXrSchema,
    RuleId::OrderDuplicate,
    RuleId::XXrKindHasXrd,
    RuleId::OspOrdKustomizationSync,
];

/// Runs the enabled rules that `keep` accepts over one workspace and applies the policy.
pub fn run_rules_where(
    ws: &Workspace,
    settings: &Settings,
    keep: impl Fn(RuleId) -> bool,
) -> Result<Vec<Diagnostic>, AppError> {
    let mut enabled = settings.enabled(ws);
    enabled.retain(|&r| keep(r));
    // The rules that check every order against its XRD's schema cost more than a third of
    // the rules' work on an orders repository: started first, they never leave the other
    // threads waiting on them at the end (a rule is one task). The report is sorted later,
    // so the order does not show.
    enabled.sort_by_key(|r| !SCHEDULED_FIRST.contains(r));
    // Each rule keeps a few times the per-file cap, so that suppressions still leave the
    // cap's worth to show, and counts the rest: memory stays bounded whatever a file makes.
    let max = ws.options.limits.findings_per_file;
    let keep_per_file = max.saturating_mul(4).max(max);
    type Found = (Vec<Diagnostic>, Vec<(crate::parse::source::FileId, usize)>);
    let results: Vec<Result<(RuleId, Found), AppError>> = enabled
        .par_iter()
        .map(|&id| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut sink = Sink::capped(id, keep_per_file);
                id.rule().check(ws, &mut sink);
                (id, sink.finish())
            }))
            .map_err(|p| {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                AppError::Internal(format!("rule `{id}` panicked: {msg}"))
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut dropped = std::collections::HashMap::new();
    for r in results {
        let (id, (found, over)) = r?;
        all.extend(found);
        dropped.extend(over.into_iter().map(|(file, n)| ((id, file), n)));
    }
    Ok(cap_per_file(
        settings::apply(all, ws, settings, &enabled),
        max,
        &dropped,
    ))
}

/// Keeps at most `max` findings of each rule in each file (the first by position) and
/// replaces the rest by one finding of the same rule that counts them, so a file built to
/// make many findings cannot flood the output.
/// `dropped` counts the findings the rules' sinks did not keep.
fn cap_per_file(
    mut diags: Vec<Diagnostic>,
    max: usize,
    dropped: &std::collections::HashMap<(RuleId, crate::parse::source::FileId), usize>,
) -> Vec<Diagnostic> {
    let mut counts: std::collections::HashMap<(RuleId, crate::parse::source::FileId), usize> = Default::default();
    for d in &diags {
        *counts.entry((d.rule, d.primary.span.file)).or_default() += 1;
    }
    for (key, n) in dropped {
        if let Some(c) = counts.get_mut(key) {
            *c += n;
        }
    }
    if counts.values().all(|&n| n <= max) {
        return diags;
    }
    diags.sort_by_key(|d| (d.primary.span.file, d.rule, d.primary.span.start, d.primary.span.end));
    let mut out = Vec::with_capacity(diags.len().min(counts.len() * (max + 1)));
    let mut seen: std::collections::HashMap<(RuleId, crate::parse::source::FileId), usize> = Default::default();
    for d in diags {
        let key = (d.rule, d.primary.span.file);
        let k = seen.entry(key).or_default();
        *k += 1;
        if *k <= max {
            out.push(d);
        } else if *k == max + 1 {
            out.push(more_findings(d, counts[&key] - max, max));
        }
    }
    // Where suppressions left `max` or fewer but the sink dropped some, the count still
    // goes after the last one shown.
    for (key, n) in &counts {
        let shown = seen.get(key).copied().unwrap_or(0);
        if *n > max && shown <= max {
            if let Some(last) = out.iter().rfind(|d| (d.rule, d.primary.span.file) == *key) {
                let d = last.clone();
                out.push(more_findings(d, n - shown, max));
            }
        }
    }
    out
}

/// The finding that stands for `more` findings of `d`'s rule in `d`'s file not shown.
fn more_findings(d: Diagnostic, more: usize, max: usize) -> Diagnostic {
    Diagnostic {
        message: format!("… and {more} more findings of this rule in this file, not shown"),
        secondary: Vec::new(),
        help: Some(format!(
            "portalint shows at most {max} findings of one rule per file (config `limits.findings-per-file`); \
             fix these and run again"
        )),
        fix: None,
        ..d
    }
}

/// Reads the XRD sources of `--xrds` (relative to the working directory) and config `xrds:`
/// (relative to the config file).
fn load_sources(
    args: &CheckArgs,
    cfg: &Config,
    base: Option<&Path>,
    max_size: u64,
    cache: &crate::external::Cache,
) -> Result<Vec<model::Input>, AppError> {
    let cwd = PathBuf::from(".");
    let specs = args
        .xrds
        .iter()
        .map(|s| (s.as_str(), cwd.as_path()))
        .chain(cfg.xrds.iter().flatten().map(|s| (s.as_str(), base.unwrap_or(&cwd))));
    let mut inputs = Vec::new();
    for (spec, dir) in specs {
        let source = crate::external::Source::parse(spec, dir).map_err(AppError::Usage)?;
        inputs.extend(crate::external::load(&source, max_size, cache).map_err(AppError::Usage)?);
    }
    // A catalog among the sources pins template packages: read each mapped template
    // repository at the pinned tag (config `catalog.packages`).
    let packages = cfg.catalog.as_ref().and_then(|c| c.packages.as_ref());
    if let Some(packages) = packages {
        for (name, tag) in crate::external::pinned_packages(&inputs) {
            let Some(spec) = packages.get(&name) else { continue };
            let source = crate::external::Source::package(spec, &tag, base.unwrap_or(&cwd));
            let loaded = crate::external::load(&source, max_size, cache)
                .map_err(|e| AppError::Usage(format!("package `{name}:{tag}`: {e}")))?;
            inputs.extend(loaded);
        }
    }
    Ok(inputs)
}

/// Reads the CRDs of `--crds` (relative to the working directory).
fn load_crds(
    args: &CheckArgs,
    cfg: &Config,
    base: Option<&Path>,
    max_size: u64,
    cache: &crate::external::Cache,
) -> Result<model::rendered::Crds, AppError> {
    let cwd = PathBuf::from(".");
    let specs: Vec<(&str, &Path)> = args
        .crds
        .iter()
        .map(|s| (s.as_str(), cwd.as_path()))
        .chain(cfg.crds.iter().flatten().map(|s| (s.as_str(), base.unwrap_or(&cwd))))
        .collect();
    let mut texts: Vec<(String, crate::parse::yaml::Parsed)> = Vec::new();
    for (spec, dir) in &specs {
        let source = crate::external::Source::parse(spec, dir).map_err(AppError::Usage)?;
        let inputs = crate::external::load(&source, max_size, cache)
            .map_err(|e| AppError::Usage(e.replace("XRD source", "CRD source")))?;
        for i in inputs {
            if let model::InputContent::Yaml(text) = &i.content {
                texts.push((i.rel.clone(), crate::parse::yaml::parse(text)));
            }
        }
    }
    let crds = model::rendered::Crds::from_docs(
        texts
            .iter()
            .flat_map(|(rel, p)| p.docs.iter().map(move |d| (&*d.root, rel.as_str()))),
    );
    if !specs.is_empty() && crds.is_empty() {
        let named: Vec<&str> = specs.iter().map(|(s, _)| *s).collect();
        return Err(AppError::Usage(format!(
            "the CRD sources `{}` hold no CustomResourceDefinition",
            named.join("`, `")
        )));
    }
    Ok(crds)
}

/// Loads the config for a check (explicit, discovered, or none).
pub fn load_config(args: &CheckArgs) -> Result<(Config, Option<PathBuf>), AppError> {
    if args.isolated {
        return Ok((Config::default(), None));
    }
    let first = (args.root.as_ref().or(args.paths.first()))
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let (path, trust) = match &args.config {
        Some(p) => {
            if !p.exists() {
                return Err(AppError::Usage(format!("config file `{}` does not exist", p.display())));
            }
            (p.clone(), config::Trust::User)
        }
        None => match config::discover(&first) {
            Some(p) => {
                let trust = config::Trust::found_at(&p)
                    .map_err(|e| AppError::Usage(format!("cannot read the folder of `{}`: {e}", p.display())))?;
                (p, trust)
            }
            None => return Ok((Config::default(), None)),
        },
    };
    let cfg = config::load(&path, &trust).map_err(AppError::Config)?;
    let base = std::fs::canonicalize(&path)
        .ok()
        .and_then(|c| c.parent().map(Path::to_path_buf));
    // A found config that is a symlink (inside the repository) names paths from where it
    // was found, as its checks above took them.
    let base = match &trust {
        config::Trust::Tree { dir, .. } => std::fs::canonicalize(dir).ok().or(base),
        config::Trust::User => base,
    };
    Ok((cfg, base))
}

/// The policy the config names: inline, or a file relative to the config file's directory.
pub fn resolve_policy(cfg: &Config, base: Option<&Path>) -> Result<Option<crate::gate::policy::Policy>, AppError> {
    use crate::gate::policy::PolicySource;
    match &cfg.policy {
        None => Ok(None),
        Some(PolicySource::Inline(p)) => Ok(Some((**p).clone())),
        Some(PolicySource::File(f)) => {
            let path = base.unwrap_or(Path::new(".")).join(f);
            let meta = std::fs::metadata(&path)
                .map_err(|e| AppError::Usage(format!("cannot read the policy file `{}`: {e}", path.display())))?;
            if !meta.is_file() || meta.len() > config::MAX_CONFIG_SIZE {
                return Err(AppError::Usage(format!(
                    "the policy file `{}` is not a regular file of at most {} bytes; not read",
                    path.display(),
                    config::MAX_CONFIG_SIZE
                )));
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|e| AppError::Usage(format!("cannot read the policy file `{}`: {e}", path.display())))?;
            crate::gate::policy::load_file(&path, &text)
                .map(Some)
                .map_err(AppError::Config)
        }
    }
}

/// Checks the paths of `args` and returns the outcome (library entry point for tests).
pub fn check(args: &CheckArgs) -> Result<Outcome, AppError> {
    let (cfg, base) = load_config(args)?;
    let policy = resolve_policy(&cfg, base.as_deref())?;
    Plan::new(args, &cfg, base.as_deref(), policy.as_ref())?.run()
}

/// What a check of `args` needs, read once for all its roots: settings, rule options, the
/// XRD sources.
pub struct Plan<'a> {
    args: &'a CheckArgs,
    cfg: Config,
    base: Option<PathBuf>,
    settings: Settings,
    roots: Vec<PathBuf>,
    profile: Option<bool>,
    exclude: globset::GlobSet,
    max_size: u64,
    cache: crate::external::Cache,
    options: RuleOptions,
    external: Vec<model::Input>,
    /// The CRDs of `--crds`.
    crds: std::sync::Arc<model::rendered::Crds>,
    /// `--root` with PATHs: report only on these (and their dependents).
    named: Option<change::Named>,
    /// `--fix`: what the roots checked so far fixed.
    fixed: std::sync::Mutex<fixes::Tally>,
}

impl Plan<'_> {
    /// Findings `per-path-ignores` left out so far, over every root checked.
    pub fn per_path_ignored(&self) -> usize {
        self.settings
            .per_path_ignored
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A root checked in memory.
pub struct InMemory {
    /// Its workspace.
    pub ws: Workspace,
    /// Its findings, policy applied, before any changed-files filter.
    pub findings: Vec<Diagnostic>,
    /// The change it was compared with (`--base`).
    pub git: Option<crate::engine::change::GitContext>,
}

/// One checked root.
pub enum Root {
    /// Checked in memory.
    InMemory(Box<InMemory>),
    /// Streamed, being too large to hold: its findings, located.
    Streamed(stream::Checked),
}

impl<'a> Plan<'a> {
    /// The plan for `args` with a given config (its directory `base`) and policy.
    pub fn new(
        args: &'a CheckArgs,
        cfg: &Config,
        base: Option<&Path>,
        policy: Option<&crate::gate::policy::Policy>,
    ) -> Result<Plan<'a>, AppError> {
        let cfg = cfg.clone();
        let base = base.map(Path::to_path_buf);
        let settings = settings(args, &cfg)?;
        let roots: Vec<PathBuf> = match &args.root {
            Some(root) => vec![root.clone()],
            None if args.paths.is_empty() => vec![PathBuf::from(".")],
            None => args.paths.clone(),
        };
        for p in roots
            .iter()
            .chain(args.root.is_some().then_some(&args.paths).into_iter().flatten())
        {
            if !p.exists() {
                let why = match std::fs::symlink_metadata(p) {
                    Ok(_) => "is a symlink that cannot be resolved (broken or a loop)",
                    Err(_) => "does not exist",
                };
                return Err(AppError::Usage(format!("path `{}` {why}", p.display())));
            }
        }
        let named = match &args.root {
            Some(root) if !root.is_dir() => {
                return Err(AppError::Usage(format!("--root `{}` is not a folder", root.display())))
            }
            Some(root) if !args.paths.is_empty() => Some(change::Named::resolve(root, &args.paths)?),
            _ => None,
        };
        let profile = match args.profile {
            Some(ProfileArg::Auto) => Profile::Auto,
            Some(ProfileArg::Core) => Profile::Core,
            Some(ProfileArg::Openportal) => Profile::Openportal,
            None => cfg.profile.unwrap_or_default(),
        };
        let profile = match profile {
            Profile::Auto => None,
            Profile::Core => Some(false),
            Profile::Openportal => Some(true),
        };
        let mut exclude = globset::GlobSetBuilder::new();
        for g in cfg.exclude.iter().flatten() {
            exclude
                .add(globset::Glob::new(g).map_err(|e| AppError::Usage(format!("invalid exclude glob `{g}`: {e}")))?);
        }
        let exclude = exclude.build().map_err(|e| AppError::Usage(e.to_string()))?;
        let max_size = cfg.max_file_size();
        let cache = crate::external::Cache {
            dir: args.cache_dir.clone(),
            offline: args.offline,
        };
        let options = rule_options(&cfg, policy);
        let external = load_sources(args, &cfg, base.as_deref(), max_size, &cache)?;
        let crds = std::sync::Arc::new(load_crds(args, &cfg, base.as_deref(), max_size, &cache)?);
        Ok(Plan {
            args,
            cfg,
            base,
            settings,
            roots,
            profile,
            exclude,
            max_size,
            cache,
            options,
            external,
            crds,
            named,
            fixed: Default::default(),
        })
    }

    /// The render stage: the given CRDs and what the workspace's XRs render, for the rules.
    fn render_stage(&self, ws: &mut Workspace) {
        ws.crds = self.crds.clone();
        ws.renders = rendering::render(ws, self.args.render);
    }

    /// The roots to check (the paths of the command line, `.` when none).
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Checks one root: discovers and reads it (or streams it), builds its workspace, runs
    /// the rules and applies the policy.
    pub fn check_root(&self, root: &Path) -> Result<Root, AppError> {
        let Plan {
            args,
            cfg,
            base,
            settings,
            profile,
            exclude,
            max_size,
            cache,
            options,
            external,
            ..
        } = self;
        let (profile, max_size) = (*profile, *max_size);
        let root = &root.to_path_buf();
        let prefix = if self.roots.len() > 1 && root.is_dir() {
            let s = root.to_string_lossy().replace('\\', "/");
            format!("{}/", s.trim_end_matches('/'))
        } else {
            String::new()
        };
        let root_dir = if root.is_dir() {
            root.clone()
        } else {
            root.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let root_dir = if root_dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root_dir
        };
        let path_from_config = base.as_ref().and_then(|b| {
            let abs = std::fs::canonicalize(&root_dir).ok()?;
            Some(abs.strip_prefix(b).ok()?.to_string_lossy().replace('\\', "/"))
        });
        // `exclude` globs, like `per-path-ignores`, are paths from the config file's folder.
        let exclude_base = match path_from_config.as_deref() {
            Some(d) if !d.is_empty() => format!("{d}/"),
            _ => String::new(),
        };
        let exclude = crate::discover::Exclude {
            globs: exclude,
            base: &exclude_base,
        };
        let mut repo = Repo {
            name: repo_name(root, cfg),
            named: repo_named(root, cfg),
            org: repo_org(root),
            is_dir: root.is_dir(),
            prefix: prefix.clone(),
            path_from_config,
            ..Repo::default()
        };
        // With `--head`, the head is read from git: the work tree is not walked at all. Against
        // a base, the work tree's YAML files are read only when the change needs them.
        let (found, git_ctx) = match (&args.base, &args.head, &args.release) {
            (None, _, None) => {
                let mut found = crate::discover::discover_unread(root, &prefix, exclude, max_size);
                repo.left_out = std::sync::Arc::new(std::mem::take(&mut found.left_out));
                // Named files are reported on with their dependents, which needs the whole
                // workspace at once: such a check is not streamed.
                let streams = repo.is_dir && !args.verdict && self.named.is_none();
                if streams && found.unread_bytes() > args.stream_above {
                    let job = stream::Job {
                        root,
                        repo: repo.clone(),
                        profile,
                        options,
                        external,
                        settings,
                        max_size,
                        batch_size: args.batch_size,
                        crds: self.crds.clone(),
                        render: args.render,
                    };
                    let left_out = repo.left_out.clone();
                    let fix = args.fix.then_some((exclude, &self.fixed));
                    let mut checked = stream_root(found, &job, fix, args.diff)?;
                    checked.left_out = left_out;
                    return Ok(Root::Streamed(checked));
                }
                let (inputs, paths) = found.read_all(max_size);
                let found = crate::discover::Discovered {
                    inputs,
                    paths,
                    ..Default::default()
                };
                (found, None)
            }
            (_, Some(_), _) => {
                let found = crate::discover::Discovered::default();
                let git = change::GitContext::open(args, root)?.with_head(args, root, &found, &prefix)?;
                (found, Some(git))
            }
            // Changed-files mode on the work tree: the walk runs while the repository, the base's
            // tree and the index are read; the walk does not stat files, the git listing does.
            _ => {
                // The walk goes to the thread pool; gix's handle stays on this thread.
                let mut walked = None;
                let opened = rayon::in_place_scope(|scope| {
                    scope.spawn(|_| walked = Some(crate::discover::discover_listing(root, &prefix, exclude, max_size)));
                    change::GitContext::open(args, root)
                });
                let mut found: crate::discover::Discovered = walked.unwrap_or_default();
                repo.left_out = std::sync::Arc::new(std::mem::take(&mut found.left_out));
                let git = opened?.with_head(args, root, &found, &prefix)?;
                (found, Some(git))
            }
        };
        let (inputs, file_paths) = match (&git_ctx, &args.head) {
            (Some(g), Some(head)) => {
                let (inputs, paths, excluded) = g.head_inputs(head, max_size, exclude);
                if !excluded.is_empty() {
                    // Paths as the head's inputs name them (root-relative).
                    repo.left_out = std::sync::Arc::new(crate::discover::LeftOut {
                        excluded,
                        ignored: Vec::new(),
                    });
                }
                (inputs, paths)
            }
            (Some(g), None) => g.worktree_inputs(found, &prefix, max_size),
            (None, _) => (found.inputs, found.paths),
        };
        let (base_inputs, pr) = match &git_ctx {
            Some(g) => (g.base_inputs(&prefix), Some(g.context())),
            None => (Vec::new(), None),
        };
        let (mut pr, mut base_inputs, mut root_external) = (pr, base_inputs, external.clone());
        if let (Some(p), Some(packages)) = (pr.as_mut(), cfg.catalog.as_ref().and_then(|c| c.packages.as_ref())) {
            let orders = match &args.orders {
                Some(spec) => Some(crate::external::Source::parse(spec, Path::new(".")).map_err(AppError::Usage)?),
                None => None,
            };
            let packages = crate::engine::change::Packages {
                specs: packages,
                dir: base.as_deref().unwrap_or(Path::new(".")),
                max_size,
                cache,
            };
            let (more_external, more_base) =
                crate::engine::change::catalog_inputs(p, &inputs, &base_inputs, &packages, orders.as_ref())
                    .map_err(AppError::Usage)?;
            root_external.extend(more_external);
            base_inputs.extend(more_base);
        }
        let inputs = model::Inputs {
            files: inputs,
            paths: file_paths,
            external: root_external,
            base: base_inputs,
        };
        let mut ws = model::build(inputs, pr, repo.clone(), profile, options.clone());
        if ws.repo.onboarding && ws.repo.is_dir {
            ws.file_age_days = catalog_file_ages(&ws, root);
        }
        self.render_stage(&mut ws);
        let mut findings = run_rules(&ws, settings)?;
        // `--fix`: regenerate the order kustomizations and apply the findings' fixes, then
        // check again what is now on disk, until nothing is left to apply.
        let rounds = if args.fix { fixes::MAX_ROUNDS } else { 0 };
        for _ in 0..rounds {
            let mut tally = self.fixed.lock().unwrap_or_else(|p| p.into_inner());
            let mut planned = fixes::kustomizations(&ws.repo, &ws.options, &ws.paths, root)?;
            // Only what is reported is fixed: the change's findings with `--base`, the named
            // files' with `--root DIR PATH...`.
            let (shown, _) = self.reported(&ws, findings.clone(), git_ctx.as_ref())?;
            planned.extend(fixes::findings(&ws, &shown, root, &mut tally.refused));
            if planned.is_empty() || !fixes::carry_out(planned, args.diff, &mut tally) {
                break;
            }
            drop(tally);
            // The old workspace goes before the tree is read again: two at once doubled the
            // peak memory of a large repository's `--fix`.
            let pr = ws.pr.clone();
            drop(ws);
            let found = crate::discover::discover(root, &prefix, exclude, max_size);
            let inputs = model::Inputs {
                files: found.inputs,
                paths: found.paths,
                external: external.clone(),
                base: Vec::new(),
            };
            ws = model::build(inputs, pr, repo.clone(), profile, options.clone());
            if ws.repo.onboarding && ws.repo.is_dir {
                ws.file_age_days = catalog_file_ages(&ws, root);
            }
            self.render_stage(&mut ws);
            findings = run_rules(&ws, settings)?;
        }
        Ok(Root::InMemory(Box::new(InMemory {
            ws,
            findings,
            git: git_ctx,
        })))
    }

    /// The findings of a root that are reported: those the change touches (`--base`, unless
    /// for a verdict) and, with `--root DIR PATH...`, those on the PATHs and their dependents;
    /// with how many were left out.
    fn reported(
        &self,
        ws: &Workspace,
        mut diags: Vec<Diagnostic>,
        git: Option<&change::GitContext>,
    ) -> Result<(Vec<Diagnostic>, usize), AppError> {
        let mut skipped = 0;
        if let Some(g) = git.filter(|_| !self.args.verdict) {
            let (kept, n) = g.filter(ws, diags, self.args.only_changed_lines);
            diags = kept;
            skipped += n;
        }
        if let Some(named) = &self.named {
            let (kept, n) = named.filter(ws, diags, self.args.allow_empty)?;
            diags = kept;
            skipped += n;
        }
        Ok((diags, skipped))
    }

    /// Checks every root, filters to the change (`--base`), resolves positions and totals.
    pub fn run(&self) -> Result<Outcome, AppError> {
        let mut located = Vec::new();
        let mut summary = Summary::default();
        let mut missing: Vec<notes::MissingXrds> = Vec::new();
        let mut unchecked: Vec<String> = Vec::new();
        let mut skipped_files = Vec::new();
        for root in &self.roots {
            let from = located.len();
            // A file named on the command line that is not a manifest is not read as one: it
            // is skipped, and the run says so (and why).
            if root.is_file() && !crate::discover::is_manifest(root) {
                skipped_files.push(format!(
                    "`{}` was skipped: not a `.yaml`, `.yml` or `.json` file, so not a manifest portalint checks",
                    root.display()
                ));
                continue;
            }
            match self.check_root(root)? {
                Root::Streamed(checked) => {
                    summary.excluded += checked.left_out.excluded.len();
                    summary.ignored += checked.left_out.ignored.len();
                    summary.files += checked.files;
                    summary.quality.extend(checked.quality);
                    summary.documents += checked.documents;
                    located.extend(checked.located);
                }
                Root::InMemory(checked) => {
                    let InMemory { ws, findings, git } = *checked;
                    if let Some(n) = notes::unchecked_rendered(&ws) {
                        unchecked.push(n);
                    }
                    if let Some(m) = notes::missing_xrds(&ws, root) {
                        match missing.iter_mut().find(|x| x.template_root == m.template_root) {
                            Some(x) => x.merge(m),
                            None => missing.push(m),
                        }
                    }
                    let (diags, skipped) = self.reported(&ws, findings, git.as_ref())?;
                    summary.skipped += skipped;
                    if self.args.fix {
                        let mut tally = self.fixed.lock().unwrap_or_else(|p| p.into_inner());
                        tally.fixable_left += diags.iter().filter(|d| d.fix.is_some()).count();
                    }
                    if root.is_file() && crate::discover::is_json(root) && ws.local_files == 0 {
                        skipped_files.push(format!(
                            "`{}` was skipped: a JSON file is checked when it holds an object with `apiVersion` and `kind`, and this one holds none",
                            root.display()
                        ));
                    }
                    summary.files += ws.local_files;
                    summary.documents += ws.docs.len();
                    summary.excluded += ws.repo.left_out.excluded.len();
                    summary.ignored += ws.repo.left_out.ignored.len();
                    if ws.repo.onboarding {
                        summary.quality.extend(model::onboarding::quality(&ws));
                    }
                    located.extend(diags.iter().map(|d| report::locate(d, &ws.sources)));
                    // Freeing every text and tree takes as long as a tenth of the check: done
                    // on the pool while the findings are sorted and rendered (a process that
                    // exits first leaves it to the system).
                    rayon::spawn(move || drop(ws));
                }
            }
            // A bare repository (`--head` on it) has no files on disk: its paths are the tree's.
            let bare = root.join("HEAD").is_file() && root.join("objects").is_dir();
            if self.args.paths_from_cwd && !bare {
                let (internal, shown) = shown_paths(root, self.roots.len() > 1);
                for d in &mut located[from..] {
                    d.reprefix(&internal, &shown);
                }
            }
        }
        summary.per_path_ignored = self
            .settings
            .per_path_ignored
            .load(std::sync::atomic::Ordering::Relaxed);
        summary.errors = located.iter().filter(|d| d.severity == Severity::Error).count();
        summary.warnings = located.iter().filter(|d| d.severity == Severity::Warning).count();
        // By file (walk order), position and rule: the same order however the files were read.
        located.sort_by(|a, b| {
            crate::discover::walk_order(&a.primary.path, &b.primary.path)
                .then(a.primary.line.cmp(&b.primary.line))
                .then(a.primary.column.cmp(&b.primary.column))
                .then(a.rule.as_str().cmp(b.rule.as_str()))
        });
        // The run's budget: the first findings in report order are listed, the rest counted
        // (the totals above include them, so the exit code does not change).
        let budget = self.options.limits.findings;
        if located.len() > budget {
            summary.not_shown = located.len() - budget;
            located.truncate(budget);
        }
        let fail_on = self.args.fail_on.or(self.cfg.fail_on).unwrap_or_default();
        Ok(Outcome {
            diagnostics: located,
            summary,
            fail_on,
            allow_empty: self.args.allow_empty,
            notes: skipped_files
                .into_iter()
                .chain(missing.iter().map(notes::MissingXrds::message))
                .chain(unchecked)
                .collect(),
            fixes: self
                .args
                .fix
                .then(|| std::mem::take(&mut *self.fixed.lock().unwrap_or_else(|p| p.into_inner()))),
        })
    }
}

/// How the paths of a root's findings start inside the check (`internal`: the root's prefix,
/// empty for a lone root; for a file root, its path as given) and how they are shown: relative
/// to the current directory, whatever form the root was given in (`configuration/`,
/// `./configuration`, an absolute path; `../other` when it is outside the current directory).
/// Checking `configuration/` reports `configuration/composition.yaml`.
fn shown_paths(root: &Path, several: bool) -> (String, String) {
    let given = root.to_string_lossy().replace('\\', "/");
    let internal = if root.is_dir() {
        if several {
            format!("{}/", given.trim_end_matches('/'))
        } else {
            String::new()
        }
    } else {
        given.clone()
    };
    let Some(rel) = relative_to_cwd(root) else {
        return (internal.clone(), internal);
    };
    let shown = if root.is_dir() {
        if rel.is_empty() {
            rel
        } else {
            format!("{rel}/")
        }
    } else {
        rel
    };
    (internal, shown)
}

/// `path` relative to the current directory, `/`-separated (`""` for the directory itself;
/// `..` steps when it is outside); `None` when either cannot be resolved.
pub fn relative_to_cwd(path: &Path) -> Option<String> {
    let here = std::env::current_dir().ok()?.canonicalize().ok()?;
    // A file by its folder (a symlinked file keeps its own name).
    let there = match (path.is_dir(), path.file_name()) {
        (false, Some(name)) => {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            std::fs::canonicalize(parent).ok()?.join(name)
        }
        _ => std::fs::canonicalize(path).ok()?,
    };
    let a: Vec<_> = here.components().collect();
    let b: Vec<_> = there.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        // Another drive (Windows): no relative path.
        return Some(there.to_string_lossy().replace('\\', "/"));
    }
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), a.len() - common).collect();
    parts.extend(b[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    Some(parts.join("/"))
}

/// Streams one root ([`crate::stream`]); with `fix` (the exclude globs and the run's tally),
/// the kustomizations are regenerated after the scan, and the root is walked and scanned again
/// when one changed. The findings' own fixes are not applied to a streamed root (its texts
/// are not held): the tally says so.
fn stream_root(
    found: crate::discover::Discovered,
    job: &stream::Job<'_>,
    fix: Option<(crate::discover::Exclude<'_>, &std::sync::Mutex<fixes::Tally>)>,
    preview: bool,
) -> Result<stream::Checked, AppError> {
    let mut scan = stream::scan(found, job);
    if let Some((exclude, tally)) = fix {
        let repo = Repo {
            orders: scan.layout,
            ..job.repo.clone()
        };
        let planned = fixes::kustomizations(&repo, job.options, scan.paths(), job.root)?;
        let mut tally = tally.lock().unwrap_or_else(|p| p.into_inner());
        tally.streamed += 1;
        if fixes::carry_out(planned, preview, &mut tally) {
            let found = crate::discover::discover_unread(job.root, &job.repo.prefix, exclude, job.max_size);
            scan = stream::scan(found, job);
        }
    }
    stream::check(scan, job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_capped_per_rule_and_file_with_a_count() {
        use crate::parse::source::{FileId, Span};
        use crate::rules::diagnostic::{Label, Severity};
        let rule = RuleId::from_id("k8s-label-value").expect("rule");
        let other = RuleId::from_id("k8s-label-key").expect("rule");
        let d = |r: RuleId, file: u32, at: u32| Diagnostic {
            rule: r,
            severity: Severity::Error,
            message: format!("finding at {at}"),
            primary: Label {
                span: Span::new(FileId(file), at, at + 1),
                message: None,
            },
            secondary: Vec::new(),
            help: None,
            fix: None,
        };
        let mut all: Vec<Diagnostic> = (0..2_500).rev().map(|i| d(rule, 0, i)).collect();
        all.extend((0..10).map(|i| d(other, 0, i)));
        all.extend((0..1_000).map(|i| d(rule, 1, i)));
        let kept = cap_per_file(all, 1_000, &Default::default());
        assert_eq!(kept.len(), 1_000 + 1 + 10 + 1_000);
        let last = kept
            .iter()
            .rfind(|x| x.rule == rule && x.primary.span.file == FileId(0))
            .expect("some");
        assert!(last.message.contains("1500 more findings"), "{}", last.message);
        assert_eq!(
            last.primary.span.start, 1_000,
            "the count points at the first finding not shown"
        );
    }

    /// A rule that makes millions of findings in one file costs memory for the cap's worth:
    /// the sink keeps the first by position, whatever order the rule reports in, and the
    /// count of the rest reaches the "… and N more" finding.
    #[test]
    fn a_capped_sink_keeps_the_first_by_position_and_counts_the_rest() {
        use crate::parse::source::{FileId, Span};
        let rule = RuleId::from_id("k8s-label-value").expect("rule");
        let mut sink = Sink::capped(rule, 3);
        for i in (0..10u32).rev() {
            sink.report(Span::new(FileId(0), i, i + 1), format!("m{i}")).help("h");
        }
        sink.report(Span::new(FileId(1), 0, 1), "other file");
        let (kept, dropped) = sink.finish();
        let mut zero: Vec<(u32, String)> = kept
            .iter()
            .filter(|d| d.primary.span.file == FileId(0))
            .map(|d| (d.primary.span.start, d.message.clone()))
            .collect();
        zero.sort();
        assert_eq!(zero, [(0, "m0".into()), (1, "m1".into()), (2, "m2".into())]);
        assert_eq!(dropped, vec![(FileId(0), 7)]);
        let dropped: std::collections::HashMap<_, _> = dropped.into_iter().map(|(f, n)| ((rule, f), n)).collect();
        let shown = cap_per_file(kept, 2, &dropped);
        let more = shown
            .iter()
            .find(|d| d.message.contains("more findings"))
            .expect("a count");
        assert!(more.message.contains("… and 8 more"), "{}", more.message);
        // Suppressions may leave fewer than the cap; the dropped ones are still counted.
        let (kept, _) = {
            let mut sink = Sink::capped(rule, 3);
            for i in 0..3u32 {
                sink.report(Span::new(FileId(0), i, i + 1), "m");
            }
            sink.finish()
        };
        let kept: Vec<_> = kept.into_iter().take(1).collect();
        let dropped = std::collections::HashMap::from([((rule, FileId(0)), 5)]);
        let shown = cap_per_file(kept, 2, &dropped);
        assert_eq!(shown.len(), 2);
        assert!(shown[1].message.contains("… and 5 more"), "{}", shown[1].message);
    }

    /// The defaults a config section gets when it is empty or absent are the option types'
    /// `Default`s: one source, whichever way the section is left out.
    #[test]
    fn an_empty_or_missing_section_gives_the_option_types_defaults() {
        let trust = crate::config::Trust::User;
        let empty = crate::config::parse(
            Path::new("c.yaml"),
            "openportal: {}\norders: {}\nonboarding: {}\nbackstage: {}\n",
            &trust,
        )
        .expect("valid");
        let absent = Config::default();
        for cfg in [&empty, &absent] {
            let o = rule_options(cfg, None);
            let d = RuleOptions::default();
            assert_eq!(o.openportal, d.openportal);
            assert_eq!(o.orders, d.orders);
            assert_eq!(o.onboarding_options, d.onboarding_options);
            assert_eq!(o.backstage_options, d.backstage_options);
            assert_eq!(o.owner_annotations, d.owner_annotations);
        }
        assert_eq!(RuleOptions::default().openportal.github_org, None);
        // A key set in a section keeps the section's other defaults.
        let one =
            crate::config::parse(Path::new("c.yaml"), "onboarding: {quality-threshold: 75}\n", &trust).expect("valid");
        let o = rule_options(&one, None);
        assert_eq!(o.onboarding_options.quality_threshold, 75);
        assert_eq!(o.onboarding_options.experimental_max_days, 90);
    }

    /// The schema shows each default, taken from the same types.
    #[test]
    fn the_schema_shows_the_defaults() {
        let schema: serde_json::Value = serde_json::from_str(&crate::config::json_schema()).expect("json");
        let defs = &schema["definitions"];
        assert_eq!(
            defs["OpenPortalOptions"]["properties"]["github-org"]["default"],
            serde_json::Value::Null
        );
        assert_eq!(
            defs["OnboardingOptions"]["properties"]["quality-threshold"]["default"],
            60
        );
        assert_eq!(
            defs["OrdersOptions"]["properties"]["platform-namespaces"]["default"][4],
            "kube-*"
        );
        assert_eq!(schema["properties"]["max-file-size"]["default"], 5 * 1024 * 1024);
        assert_eq!(defs["Policy"]["properties"]["max-files"]["default"], 1);
    }

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn repo_name_comes_from_config_then_the_remote_then_the_folder() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("checkout-folder");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let cfg = Config::default();
        assert_eq!(repo_name(&dir, &cfg), "checkout-folder");
        git(&dir, &["init", "-q"]);
        assert_eq!(repo_name(&dir, &cfg), "checkout-folder", "no remote: the folder");
        git(
            &dir,
            &["remote", "add", "origin", "git@github.com:acme/template-dns-record.git"],
        );
        assert_eq!(repo_name(&dir, &cfg), "template-dns-record");
        assert_eq!(repo_org(&dir).as_deref(), Some("acme"));
        git(
            &dir,
            &["remote", "set-url", "origin", "https://github.com/acme/catalog-orders/"],
        );
        assert_eq!(repo_name(&dir, &cfg), "catalog-orders");
        assert_eq!(repo_org(&dir).as_deref(), Some("acme"));
        for (url, owner) in [
            (
                "ssh://git@github.example.com/platform-team/catalog.git",
                Some("platform-team"),
            ),
            ("catalog", None),
        ] {
            assert_eq!(owner_and_name(url).0.as_deref(), owner, "{url}");
        }
        let named = Config {
            openportal: Some(crate::config::OpenPortal {
                repo_name: Some("from-config".into()),
                ..Default::default()
            }),
            ..Config::default()
        };
        assert_eq!(repo_name(&dir, &named), "from-config");
    }
}
