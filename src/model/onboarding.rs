//! Business-unit onboarding (RULES.md §4): BU repositories detected by their name
//! (`bu-<unit>-infrastructure`), the tenant each entity belongs to, and the catalog quality
//! score reported per repository.

use super::backstage::{self, EntityRef};
use super::{Doc, Workspace};
use crate::parse::source::Span;

/// How a repository name reads as a BU repository name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuName {
    /// `bu-<unit>-infrastructure` with a valid unit.
    Valid(String),
    /// `bu-<unit>-infrastructure` whose unit is not a DNS-1123 label.
    BadUnit(String),
    /// Looks like a BU repository but will not be detected (`BU-…`, `bu_…`, `-infra`, …).
    NearMiss,
    /// Not a BU repository name.
    Other,
}

/// Classifies a repository name.
pub fn classify(name: &str) -> BuName {
    if let Some(unit) = name.strip_prefix("bu-").and_then(|r| r.strip_suffix("-infrastructure")) {
        return if crate::parse::names::is_dns1123_label(unit) {
            BuName::Valid(unit.to_string())
        } else {
            BuName::BadUnit(unit.to_string())
        };
    }
    if looks_bu(name) {
        BuName::NearMiss
    } else {
        BuName::Other
    }
}

/// True when a name reads as a BU repository name at all (`bu-`/`bu_` in any case): the
/// names [`classify`] does not call `Other`. Allocates nothing (it runs for every path).
fn looks_bu(name: &str) -> bool {
    name.get(..3)
        .is_some_and(|h| h.eq_ignore_ascii_case("bu-") || h.eq_ignore_ascii_case("bu_"))
}

/// The folder (with its trailing `/`, including the root's prefix) of the first BU-looking
/// directory among the first three of a path's directories.
fn bu_folder_of<'p>(path: &'p str, prefix: &str) -> Option<(&'p str, &'p str)> {
    let local = path.strip_prefix(prefix).unwrap_or(path);
    let base = path.len() - local.len();
    let mut start = 0;
    for seg in local.split('/').take(3) {
        let end = start + seg.len();
        // The last segment is the file name, not a folder.
        if end >= local.len() {
            return None;
        }
        if looks_bu(seg) {
            return Some((seg, &path[..base + end + 1]));
        }
        start = end + 1;
    }
    None
}

/// A BU repository among the checked files: the root itself, or a folder holding a checkout.
#[derive(Debug, Clone)]
pub struct BuRepo {
    /// The repository name.
    pub name: String,
    /// How the name reads.
    pub class: BuName,
    /// Path prefix of its files relative to the root (`""` for the root, else `dir/`).
    pub prefix: String,
}

impl BuRepo {
    /// The tenant unit, when the name is valid.
    pub fn unit(&self) -> Option<&str> {
        match &self.class {
            BuName::Valid(u) => Some(u),
            _ => None,
        }
    }
}

/// Options of the onboarding rules (config `onboarding:`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct OnboardingOptions {
    /// `spec.type` of the Group that registers a tenant.
    pub group_type: String,
    /// Allowed `spec.lifecycle` values.
    pub lifecycles: Vec<String>,
    /// Quality score (0-100) below which an entity is reported.
    #[schemars(range(max = 100))]
    pub quality_threshold: u32,
    /// Platform group names no unit may take.
    pub platform_groups: Vec<String>,
    /// Label marking an entity's tenant when it sets no namespace.
    pub tenant_label: String,
    /// Days after which an entity's file (first commit) should no longer be `experimental`
    /// (needs the repository's git history).
    pub experimental_max_days: u64,
}

impl Default for OnboardingOptions {
    fn default() -> Self {
        OnboardingOptions {
            group_type: "business-unit".into(),
            lifecycles: ["experimental", "production", "deprecated"].map(String::from).to_vec(),
            quality_threshold: 60,
            platform_groups: ["platform", "platform-team", "admins"].map(String::from).to_vec(),
            tenant_label: "openportal.dev/tenant".into(),
            experimental_max_days: 90,
        }
    }
}

/// The BU repositories of a root, found once when the workspace is built (`forced` is the
/// config's `packs.onboarding`): the root when its name reads as one, else its folders named
/// like one; forced on, the root even when neither is; forced off, none.
pub fn find(name: &str, paths: &crate::parse::paths::PathSet, prefix: &str, forced: Option<bool>) -> Vec<BuRepo> {
    let root = || {
        vec![BuRepo {
            name: name.to_string(),
            class: classify(name),
            prefix: prefix.to_string(),
        }]
    };
    match forced {
        Some(false) => Vec::new(),
        _ if looks_bu(name) => root(),
        _ => match bu_folders(paths, prefix) {
            folders if folders.is_empty() && forced == Some(true) => root(),
            folders => folders,
        },
    }
}

/// Folders (up to three levels deep) whose name reads as a BU repository.
fn bu_folders(paths: &crate::parse::paths::PathSet, prefix: &str) -> Vec<BuRepo> {
    let mut out: Vec<BuRepo> = Vec::new();
    // What a path says depends on its folder alone, and in walk order a folder's files follow
    // each other: each folder is read once.
    let mut last_dir = None;
    for p in paths.iter() {
        let dir = p.bytes().rposition(|b| b == b'/').map_or("", |i| &p[..i]);
        if last_dir == Some(dir) {
            continue;
        }
        last_dir = Some(dir);
        let Some((name, folder)) = bu_folder_of(p, prefix) else {
            continue;
        };
        if !out.iter().any(|b| b.prefix == folder) {
            out.push(BuRepo {
                name: name.to_string(),
                class: classify(name),
                prefix: folder.to_string(),
            });
        }
    }
    out
}

impl Workspace {
    /// The BU repository a document belongs to.
    pub fn tenant_of(&self, doc: &Doc) -> Option<&BuRepo> {
        let rel = self.rel(doc);
        match self.bu_repos.as_slice() {
            // The root itself is the BU repository.
            [root] if root.prefix == self.repo.prefix => rel.starts_with(&root.prefix).then_some(root),
            // Else the BU-named folder the file is in (found the way `find` found them).
            _ => {
                let (_, folder) = bu_folder_of(rel, &self.repo.prefix)?;
                self.bu_by_prefix.get(folder).map(|&i| &self.bu_repos[i])
            }
        }
    }

    /// The entities of each BU repository.
    pub fn tenant_entities(&self) -> Vec<(&BuRepo, &Doc)> {
        self.entities().filter_map(|d| Some((self.tenant_of(d)?, d))).collect()
    }

    /// Where to report a finding about a BU repository as a whole: its `catalog-info.yaml`,
    /// else its first file.
    pub fn repo_anchor(&self, repo: &BuRepo) -> Option<Span> {
        let catalog = format!("{}catalog-info.yaml", repo.prefix);
        if self.sources.find(&catalog).is_some() {
            return Some(self.span_for_path(&catalog));
        }
        self.sources
            .iter()
            .find(|(_, f)| f.rel.starts_with(&repo.prefix))
            .map(|(id, _)| Span::file_start(id))
    }

    /// True when `group` (a key `group:ns/name`) is the unit's group or one of its descendants
    /// among the checked Groups.
    pub fn in_tenant_tree(&self, group: &str, unit: &str) -> bool {
        let mut at = group.to_string();
        for _ in 0..64 {
            if EntityRef::parse(&at).name.eq_ignore_ascii_case(unit) {
                return true;
            }
            let Some(doc) = self.entities_by_key(&at).next() else {
                return false;
            };
            let Some(parent) = doc.root.str_at(&["spec", "parent"]) else {
                return false;
            };
            at = EntityRef::parse(parent).key("Group", backstage::namespace(doc));
        }
        false
    }
}

/// The kinds the quality score rates.
pub const RATED_KINDS: &[&str] = &["Component", "API", "Resource", "System"];

/// Placeholder text that marks unfinished metadata.
const PLACEHOLDERS: &[&str] = &["TODO", "TBD", "FIXME", "changeme", "CHANGEME", "${{", "lorem ipsum"];

/// One weighted check of the quality score.
pub struct QualityCheck {
    /// Short name, as reported.
    pub name: &'static str,
    /// Points it is worth (the weights sum to 100).
    pub weight: u32,
}

/// The checks of the quality score, in report order.
pub const QUALITY_CHECKS: &[QualityCheck] = &[
    QualityCheck {
        name: "description",
        weight: 25,
    },
    QualityCheck {
        name: "owner-resolves",
        weight: 20,
    },
    QualityCheck {
        name: "system",
        weight: 15,
    },
    QualityCheck {
        name: "tags",
        weight: 10,
    },
    QualityCheck {
        name: "links-or-docs",
        weight: 10,
    },
    QualityCheck {
        name: "no-placeholders",
        weight: 10,
    },
    QualityCheck {
        name: "mature-lifecycle",
        weight: 10,
    },
];

/// The minimum description length for the description check.
pub const MIN_DESCRIPTION: usize = 20;

/// The quality checks an entity fails.
pub fn failing_checks(ws: &Workspace, doc: &Doc) -> Vec<&'static str> {
    let meta = doc.metadata();
    let str_of = |keys: &[&str]| doc.root.str_at(keys).map(str::trim).filter(|s| !s.is_empty());
    let mut failing = Vec::new();
    if str_of(&["metadata", "description"]).is_none_or(|d| d.chars().count() < MIN_DESCRIPTION) {
        failing.push("description");
    }
    let owner_ok = str_of(&["spec", "owner"]).is_some_and(|o| {
        let r = EntityRef::parse(o);
        let key = r.key("Group", backstage::namespace(doc));
        r.problem().is_none() && (ws.resolves(&key) || !ws.knows_kind(r.kind.unwrap_or("Group")))
    });
    if !owner_ok {
        failing.push("owner-resolves");
    }
    if doc.kind != "System" && str_of(&["spec", "system"]).is_none() {
        failing.push("system");
    }
    let tags = meta.and_then(|m| m.get("tags")).and_then(|t| t.as_seq()).unwrap_or(&[]);
    if !tags
        .iter()
        .any(|t| t.as_str().is_some_and(crate::parse::names::is_backstage_tag))
    {
        failing.push("tags");
    }
    let links = meta
        .and_then(|m| m.get("links"))
        .and_then(|l| l.as_seq())
        .is_some_and(|l| !l.is_empty());
    if !links && doc.annotation("backstage.io/techdocs-ref").is_none() {
        failing.push("links-or-docs");
    }
    let experimental = doc.root.str_at(&["spec", "lifecycle"]) == Some("experimental");
    let age = ws.file_age_days.get(ws.rel(doc)).copied();
    if experimental && age.is_some_and(|days| days > ws.options.onboarding_options.experimental_max_days) {
        failing.push("mature-lifecycle");
    }
    let mut strings = Vec::new();
    crate::parse::yaml::string_nodes(&doc.root, &mut strings);
    if strings
        .iter()
        .any(|n| n.as_str().is_some_and(|s| PLACEHOLDERS.iter().any(|p| s.contains(p))))
    {
        failing.push("no-placeholders");
    }
    failing
}

/// An entity's quality score, 0 to 100: the weights of the checks it passes.
pub fn score(failing: &[&str]) -> u32 {
    QUALITY_CHECKS
        .iter()
        .filter(|c| !failing.contains(&c.name))
        .map(|c| c.weight)
        .sum()
}

/// The quality of one BU repository's catalog, for the JSON summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoQuality {
    /// The repository name.
    pub repo: String,
    /// Its unit, when the name is valid.
    pub unit: Option<String>,
    /// The mean score of its rated entities (`None` when it has none).
    pub score: Option<u32>,
    /// How many entities were rated.
    pub entities: usize,
    /// Entities below the threshold.
    pub below_threshold: usize,
    /// How many entities fail each check.
    pub failing: Vec<(&'static str, usize)>,
}

/// The quality of every BU repository of the workspace.
pub fn quality(ws: &Workspace) -> Vec<RepoQuality> {
    let threshold = ws.options.onboarding_options.quality_threshold;
    let entities = ws.tenant_entities();
    ws.bu_repos
        .iter()
        .map(|repo| {
            let rated: Vec<Vec<&'static str>> = entities
                .iter()
                .filter(|(r, d)| std::ptr::eq(*r, repo) && RATED_KINDS.contains(&d.kind.as_str()))
                .map(|(_, d)| failing_checks(ws, d))
                .collect();
            let scores: Vec<u32> = rated.iter().map(|f| score(f)).collect();
            let total: u32 = scores.iter().sum();
            RepoQuality {
                repo: repo.name.clone(),
                unit: repo.unit().map(str::to_string),
                score: (!scores.is_empty()).then(|| (f64::from(total) / scores.len() as f64).round() as u32),
                entities: scores.len(),
                below_threshold: scores.iter().filter(|s| **s < threshold).count(),
                failing: QUALITY_CHECKS
                    .iter()
                    .map(|c| (c.name, rated.iter().filter(|f| f.contains(&c.name)).count()))
                    .filter(|(_, n)| *n > 0)
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(classify("bu-finance-infrastructure"), BuName::Valid("finance".into()));
        assert_eq!(
            classify("bu-Finance_EU-infrastructure"),
            BuName::BadUnit("Finance_EU".into())
        );
        for near in [
            "BU-finance-infrastructure",
            "bu_finance",
            "bu-finance-infra",
            "bu-finance-infrastructure-old",
        ] {
            assert_eq!(classify(near), BuName::NearMiss, "{near}");
        }
        assert_eq!(classify("build-tools"), BuName::Other);
        assert_eq!(
            bu_folder_of("acme/bu-a-infrastructure/x.yaml", ""),
            Some(("bu-a-infrastructure", "acme/bu-a-infrastructure/"))
        );
        assert_eq!(bu_folder_of("r/Bu_x/y.yaml", "r/"), Some(("Bu_x", "r/Bu_x/")));
        assert_eq!(bu_folder_of("bu-a-infrastructure.yaml", ""), None);
        assert_eq!(bu_folder_of("a/b/c/bu-x/y.yaml", ""), None);
        assert_eq!(QUALITY_CHECKS.iter().map(|c| c.weight).sum::<u32>(), 100);
    }
}
