//! The config file `.portalint.yaml`: upward discovery, typed loading with positions, and
//! the JSON Schema generated from the same types (`schemas/config.schema.json`).

pub use crate::error::{not_a_mapping, yaml_named, ConfigError};
use crate::parse::yaml;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The option sections are the rules' option types: their defaults are written there once.
pub use crate::model::backstage::BackstageOptions as Backstage;
pub use crate::model::onboarding::OnboardingOptions as Onboarding;
pub use crate::model::options::{OpenPortalOptions as OpenPortal, OrdersLayout, OrdersOptions as Orders};
use crate::parse::text::code;

/// The file names searched for, in order.
pub const FILE_NAMES: &[&str] = &[".portalint.yaml", ".portalint.yml"];

/// Which rule packs run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Core rules always; Open Service Portal rules when an XRD uses the `openportal.dev` group.
    #[default]
    Auto,
    /// YAML, Kubernetes and Crossplane rules only.
    Core,
    /// Core rules plus the Open Service Portal conventions.
    Openportal,
}

/// A rule's configured severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Do not run the rule.
    Off,
    /// Report as a warning.
    Warning,
    /// Report as an error.
    Error,
}

/// The lowest severity that makes `portalint check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Only errors fail the run.
    #[default]
    Error,
    /// Warnings fail the run too.
    Warning,
}

/// Whether a rule pack that detects its files runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Switch {
    /// When its files are present (default).
    #[default]
    Auto,
    /// Always.
    On,
    /// Never.
    Off,
}

impl Switch {
    /// `None` for auto, else whether the pack runs.
    pub fn forced(self) -> Option<bool> {
        match self {
            Switch::Auto => None,
            Switch::On => Some(true),
            Switch::Off => Some(false),
        }
    }
}

/// Rule packs detected from the files present, each switchable.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Packs {
    /// Score workload specs (`apiVersion: score.dev/*`): the `score-*` rules.
    pub score: Option<Switch>,
    /// innominatus providers, workflows and admin config: the `inn-*` rules.
    pub innominatus: Option<Switch>,
    /// Backstage catalog entities and software templates: the `bs-*` rules.
    pub backstage: Option<Switch>,
    /// Business-unit onboarding gates for `bu-<unit>-infrastructure` repositories: the
    /// `bu-*` rules and the quality score.
    pub onboarding: Option<Switch>,
}

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "portalint configuration (.portalint.yaml)")]
pub struct Config {
    /// Rule packs to run: `auto`, `core` or `openportal`.
    #[schemars(default = "Config::default_profile")]
    pub profile: Option<Profile>,
    /// Packs for the platform's other file types, detected unless switched: `score`,
    /// `innominatus`, `backstage`.
    pub packs: Option<Packs>,
    /// Options of the Backstage rules.
    pub backstage: Option<Backstage>,
    /// Options of the business-unit onboarding rules.
    pub onboarding: Option<Onboarding>,
    /// Lowest severity that fails the run: `error` or `warning`.
    #[schemars(default = "Config::default_fail_on")]
    pub fail_on: Option<FailOn>,
    /// Run only these rules (ids).
    pub select: Option<Vec<String>>,
    /// Never run these rules (ids).
    pub ignore: Option<Vec<String>>,
    /// Per-rule severity: `off`, `warning` or `error`.
    pub rules: Option<BTreeMap<String, Level>>,
    /// Glob (relative to the root) → rule ids to ignore in matching files (`all` for every rule).
    pub per_path_ignores: Option<BTreeMap<String, Vec<String>>>,
    /// Globs of files not to check at all.
    pub exclude: Option<Vec<String>>,
    /// Work budgets per file and per object (alias expansion, findings, schema steps).
    pub limits: Option<crate::model::options::Limits>,
    /// The Kubernetes version of the platform's API servers (`1.N`): the CEL libraries an
    /// XRD's validation rules may use are those a CRD created on it may use (what 1.N-1
    /// introduced). Default: the newest.
    #[schemars(regex(pattern = r"^v?1\.[0-9]+(\.[0-9]+)?$"))]
    pub kubernetes_version: Option<String>,
    /// Files larger than this many bytes are reported and skipped.
    #[schemars(default = "Config::default_max_file_size")]
    pub max_file_size: Option<u64>,
    /// Open Service Portal options.
    pub openportal: Option<OpenPortal>,
    /// XRD sources for repositories that hold none (orders): files, folders or
    /// `git+file:///path@ref`, relative to this file.
    pub xrds: Option<Vec<String>>,
    /// CRD sources that rendered composed resources are checked against (schema, scope,
    /// served versions): files, folders or `git+file:///path@ref`, relative to this file.
    pub crds: Option<Vec<String>>,
    /// Options for a catalog-orders repository.
    pub orders: Option<Orders>,
    /// Options for a catalog repository.
    pub catalog: Option<Catalog>,
    /// The order policy for `portalint verdict` (and the PR-gate rules): inline, or the path
    /// of a YAML file holding it, relative to this file.
    pub policy: Option<crate::gate::policy::PolicySource>,
}

/// Options of the catalog rules.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Catalog {
    /// Package (e.g. `ghcr.io/org/configuration-x`) → git source of its template repository
    /// (`git+file:///path`); its XRDs are read at the tag the catalog pins.
    pub packages: Option<std::collections::BTreeMap<String, String>>,
}

impl Config {
    fn default_profile() -> Option<Profile> {
        Some(Profile::default())
    }

    fn default_fail_on() -> Option<FailOn> {
        Some(FailOn::default())
    }

    fn default_max_file_size() -> Option<u64> {
        Some(crate::discover::DEFAULT_MAX_FILE_SIZE)
    }

    /// `max-file-size`, or its default (5 MiB).
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size.unwrap_or(crate::discover::DEFAULT_MAX_FILE_SIZE)
    }
}

/// Who chose a config file, which decides where the paths in it may point.
#[derive(Debug, Clone)]
pub enum Trust {
    /// Named by the user (`--config`, an action input): its paths may point anywhere.
    User,
    /// Found in the checked tree (discovered upward, or read from the base revision): the
    /// paths it names must stay inside `root`; relative ones are taken from `dir`.
    Tree {
        /// The repository the file belongs to.
        root: crate::confine::Root,
        /// The folder its relative paths start from (the config file's folder).
        dir: PathBuf,
    },
}

impl Trust {
    /// The trust of a config file found at `path` in the checked tree.
    pub fn found_at(path: &Path) -> std::io::Result<Trust> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Ok(Trust::Tree {
            root: crate::confine::Root::of_config_dir(dir)?,
            dir: dir.to_path_buf(),
        })
    }
}

/// Config files larger than this are refused unread.
pub const MAX_CONFIG_SIZE: u64 = 1 << 20;

/// Finds the config file for `start` (a file or directory), searching upward.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(start).ok()?;
    let mut dir = if abs.is_file() {
        abs.parent()?.to_path_buf()
    } else {
        abs
    };
    loop {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// Loads and validates a config file. A file found in the tree (`trust` is
/// [`Trust::Tree`]) that is a symlink to outside its repository is refused unread.
pub fn load(path: &Path, trust: &Trust) -> Result<Config, ConfigError> {
    let refuse = |message: String| ConfigError {
        path: path.to_path_buf(),
        text: String::new(),
        span: (0, 0),
        message,
        help: None,
    };
    if let Trust::Tree { root, .. } = trust {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link && !root.holds(path) {
            return Err(refuse(
                "the config file is a symlink to a file outside the repository; not read".into(),
            ));
        }
    }
    let meta = std::fs::metadata(path).map_err(|e| refuse(format!("cannot read the config file: {e}")))?;
    if !meta.is_file() {
        return Err(refuse("the config file is not a regular file; not read".into()));
    }
    if meta.len() > MAX_CONFIG_SIZE {
        return Err(refuse(format!(
            "the config file is {} bytes, over the limit of {MAX_CONFIG_SIZE} bytes; not read",
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| refuse(format!("cannot read the config file: {e}")))?;
    parse(path, &text, trust)
}

/// Parses config text of the file at `path`, chosen with `trust`.
pub fn parse(path: &Path, text: &str, trust: &Trust) -> Result<Config, ConfigError> {
    let fail = |span: (u32, u32), message: String, help: Option<String>| ConfigError {
        path: path.to_path_buf(),
        text: text.to_string(),
        span,
        message,
        help,
    };
    const KEYS: &str = "portalint config keys";
    let parsed = yaml::parse(text);
    if let Some(p) = parsed.problems.first() {
        if !yaml_named(path) {
            return Err(not_a_mapping(path, KEYS));
        }
        return Err(fail((p.start, p.end), p.message.clone(), None));
    }
    let Some(doc) = parsed.docs.first() else {
        return Ok(Config::default());
    };
    if doc.root.as_map().is_none() && !doc.root.is_null() {
        return Err(not_a_mapping(path, KEYS));
    }
    if parsed.docs.len() > 1 {
        return Err(fail((0, 0), "the config file must hold one YAML document".into(), None));
    }
    let config: Config = crate::parse::de::from_node(&doc.root).map_err(|e| {
        let help = e
            .message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
            .and_then(|field| crate::parse::text::suggest(field, config_keys().iter().map(String::as_str)))
            .map(|s| format!("did you mean {code0}?", code0 = code(&s)));
        fail(e.span, e.message.clone(), help)
    })?;
    // Rule ids are strings only at this edge: check them here, pointing at each one.
    let check_id = |node: &yaml::Node, id: &str| -> Result<(), ConfigError> {
        if id == "all" || crate::rules::RuleId::expand(id).is_some() {
            return Ok(());
        }
        let ids = crate::rules::ALL_RULES
            .iter()
            .map(|r| r.as_str())
            .chain(crate::rules::ALIASES.iter().map(|(a, _)| *a));
        Err(fail(
            (node.start, node.end),
            format!("unknown rule {code0}", code0 = code(&id)),
            crate::parse::text::suggest(id, ids).map(|s| format!("did you mean {code0}?", code0 = code(&s))),
        ))
    };
    if let (Some(v), Some(n)) = (&config.kubernetes_version, doc.root.get("kubernetes-version")) {
        if let Err(why) = crate::schema::celenv::KubeVersion::parse(v) {
            return Err(fail((n.start, n.end), why, None));
        }
    }
    for key in ["select", "ignore"] {
        for item in doc.root.get(key).and_then(yaml::Node::as_seq).unwrap_or(&[]) {
            check_id(item, item.as_str().unwrap_or(""))?;
        }
    }
    // `select: []` (or a list of empty ids) would run no rule and pass on everything.
    if let Some(sel) = doc.root.get("select") {
        let named = sel
            .as_seq()
            .is_some_and(|items| items.iter().any(|i| i.as_str().is_some_and(|s| !s.is_empty())));
        if !named {
            return Err(fail(
                (sel.start, sel.end),
                "`select` selects no rule: the check would run nothing and pass".into(),
                Some("list the rules to run, or remove `select` to run every rule".into()),
            ));
        }
    }
    for e in doc.root.get("rules").and_then(yaml::Node::as_map).unwrap_or(&[]) {
        let key_node = yaml::Node {
            start: e.key_start,
            end: e.key_end,
            value: yaml::Value::Null,
            quoted: false,
        };
        check_id(&key_node, &e.key)?;
    }
    for e in doc
        .root
        .get("per-path-ignores")
        .and_then(yaml::Node::as_map)
        .unwrap_or(&[])
    {
        if let Err(err) = globset::Glob::new(&e.key) {
            return Err(fail((e.key_start, e.key_end), format!("invalid glob: {err}"), None));
        }
        for item in e.value.as_seq().unwrap_or(&[]) {
            check_id(item, item.as_str().unwrap_or(""))?;
        }
    }
    if let Some(policy) = doc.root.get("policy").filter(|p| p.as_map().is_some()) {
        crate::gate::policy::validate(policy, &|span, m| fail(span, m, None))?;
    }
    for item in doc.root.get("exclude").and_then(yaml::Node::as_seq).unwrap_or(&[]) {
        if let Err(err) = globset::Glob::new(item.as_str().unwrap_or("")) {
            return Err(fail((item.start, item.end), format!("invalid glob: {err}"), None));
        }
    }
    // A cluster is a folder of the repository, whoever wrote the config: `--fix` writes there.
    let clusters = doc.root.get("orders").and_then(|o| o.get("clusters"));
    for item in clusters.and_then(yaml::Node::as_seq).unwrap_or(&[]) {
        let c = Path::new(item.as_str().unwrap_or(""));
        if !c
            .components()
            .all(|p| matches!(p, std::path::Component::Normal(_) | std::path::Component::CurDir))
        {
            return Err(fail(
                (item.start, item.end),
                format!(
                    "`orders.clusters` entry {code0} is not a folder of the repository",
                    code0 = code(&c.display())
                ),
                Some("name cluster folders relative to the repository root, without `..`".into()),
            ));
        }
    }
    if let Trust::Tree { root, dir } = trust {
        confine_paths(
            &doc.root,
            root,
            dir,
            &|n: &yaml::Node, key: &str, spec: &str, why: crate::confine::Escape| {
                let how = if key == "xrds" || key == "crds" {
                    "give the source on the command line (`--xrds` or `--crds`)"
                } else {
                    "move the file into the repository"
                };
                fail(
                    (n.start, n.end),
                    format!(
                        "{code0} names {code1}, which {}; not read",
                        why.what(),
                        code0 = code(&key),
                        code1 = code(&spec)
                    ),
                    Some(format!(
                        "a config found in the checked tree may only name files inside its repository: {how}, \
                     or name this config with `--config` to trust the paths it gives"
                    )),
                )
            },
        )?;
    }
    Ok(config)
}

/// Checks that every path the config names (`policy`, `xrds`, `crds`, `catalog.packages`) resolves
/// inside `root`, relative to `dir`.
fn confine_paths(
    root_node: &yaml::Node,
    root: &crate::confine::Root,
    dir: &Path,
    refuse: &dyn Fn(&yaml::Node, &str, &str, crate::confine::Escape) -> ConfigError,
) -> Result<(), ConfigError> {
    let check = |n: &yaml::Node, key: &str, path: &str| -> Result<(), ConfigError> {
        let spec = n.as_str().unwrap_or("");
        root.resolve(dir, path)
            .map(|_| ())
            .map_err(|why| refuse(n, key, spec, why))
    };
    if let Some(p) = root_node.get("policy").filter(|p| p.as_str().is_some()) {
        check(p, "policy", p.as_str().unwrap_or(""))?;
    }
    for key in ["xrds", "crds"] {
        for n in root_node.get(key).and_then(yaml::Node::as_seq).unwrap_or(&[]) {
            let spec = n.as_str().unwrap_or("");
            match crate::external::Source::parse(spec, Path::new("")) {
                Ok(crate::external::Source::Path(p, _)) => check(n, key, &p.to_string_lossy())?,
                Ok(crate::external::Source::Git { repo, .. }) => check(n, key, &repo.to_string_lossy())?,
                // Remote sources are read from the user's cache, never from a path the file names.
                Ok(crate::external::Source::Remote(..)) | Err(_) => {}
            }
        }
    }
    let packages = root_node.get("catalog").and_then(|c| c.get("packages"));
    for e in packages.and_then(yaml::Node::as_map).unwrap_or(&[]) {
        let spec = e.value.as_str().unwrap_or("");
        if let crate::external::Source::Git { repo, .. } = crate::external::Source::package(spec, "", Path::new("")) {
            check(&e.value, "catalog.packages", &repo.to_string_lossy())?;
        }
    }
    Ok(())
}

/// Every key the config accepts, at any depth (for "did you mean"): read from the JSON
/// Schema generated from the config types, so the list cannot drift from them.
fn config_keys() -> &'static [String] {
    static KEYS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        fn walk(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                        out.extend(props.keys().cloned());
                    }
                    m.values().for_each(|x| walk(x, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        let schema = serde_json::to_value(schemars::schema_for!(Config)).unwrap_or_default();
        let mut keys = std::collections::BTreeSet::new();
        walk(&schema, &mut keys);
        keys.into_iter().collect()
    })
}

/// The config JSON Schema, pretty-printed (the content of `schemas/config.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Config);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_list_is_the_types_keys() {
        let keys = config_keys();
        for k in [
            "per-path-ignores",
            "experimental-max-days",
            "auto-merge-kinds",
            "cel",
            "known-entities",
            "repo-url",
        ] {
            assert!(keys.iter().any(|x| x == k), "`{k}` missing from {keys:?}");
        }
        assert!(!keys.iter().any(|k| k.contains('_')), "keys are kebab-case: {keys:?}");
        let e = parse(Path::new("c.yaml"), "per-path-ignore: {}\n", &Trust::User).expect_err("unknown key");
        assert_eq!(e.help.as_deref(), Some("did you mean `per-path-ignores`?"));
    }
}
