//! The order policy: who may order what where, how much, and what needs a human. Written in
//! `.portalint.yaml` under `policy:` (or in a file `policy:` names), typed here, validated
//! with positions (globs, patterns, quantities and CEL expressions compile at load time).

use crate::error::ConfigError;
use crate::parse::yaml::{self, Node};
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// `policy:` in the config: the policy itself, or the path of a YAML file holding it
/// (relative to the config file).
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum PolicySource {
    /// The path of a policy file.
    File(String),
    /// The policy.
    Inline(Box<Policy>),
}

impl<'de> Deserialize<'de> for PolicySource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PolicySource;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a policy mapping or the path of a policy file")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<PolicySource, E> {
                Ok(PolicySource::File(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PolicySource, A::Error> {
                Policy::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|p| PolicySource::Inline(Box::new(p)))
            }
        }
        d.deserialize_any(V)
    }
}

/// Hard or soft: a hard breach rejects the PR, a soft one sends it to review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Strength {
    /// Reject the PR.
    #[default]
    Hard,
    /// Require a human review.
    Soft,
}

/// The order policy.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Policy {
    /// The branch Flux syncs; a PR into another branch is never auto-merged.
    #[schemars(default = "Policy::default_base_branch")]
    pub base_branch: Option<String>,
    /// Logins of the Backstage app bots that open PRs on behalf of users: for their PRs the
    /// requester is the owner named in the order's owner annotation.
    pub bots: Option<Vec<String>>,
    /// Logins allowed to have a PR auto-merged (default: anyone; bots included when listed).
    pub authors: Option<Vec<String>>,
    /// Branch names allowed for auto-merge, a regular expression
    /// (e.g. `^create-[a-z0-9-]+-resource$`; checked when the branch is known).
    pub branch_pattern: Option<String>,
    /// Annotations naming an order's owner, in order of preference.
    #[schemars(default = "crate::model::options::default_owner_annotations")]
    pub owner_annotations: Option<Vec<String>>,
    /// Team name (as in CODEOWNERS `@org/<team>` or `group:default/<team>`) → member logins.
    pub teams: Option<BTreeMap<String, Vec<String>>>,
    /// The platform team (`@org/platform`): must own the CODEOWNERS fallback and `system/`.
    pub platform_team: Option<String>,
    /// Cluster folders (globs) whose orders always need a review (e.g. `*-prod`).
    pub protected_clusters: Option<Vec<String>>,
    /// At most this many files per auto-merged PR, all in one cluster and namespace.
    #[schemars(default = "Policy::default_max_files")]
    pub max_files: Option<usize>,
    /// Kinds that may be auto-merged anywhere (a block's list adds to it). A kind on no list
    /// needs a review unless its XRD carries `openportal.dev/auto-merge: "true"`.
    pub auto_merge_kinds: Option<Vec<String>>,
    /// Limits and conditions for the orders a selector matches; every matching block applies.
    pub rules: Option<Vec<Block>>,
    /// What the verdict does with an error finding that was already in the base revision
    /// (same fingerprint as the baseline's and SARIF's): `ignore` (not listed), `report`
    /// (listed as existing, does not decide; the default) or `block` (a reason that rejects,
    /// like a new one).
    #[schemars(default = "Policy::default_existing_findings")]
    pub existing_findings: Option<ExistingFindings>,
}

/// `existing-findings:` what the verdict does with the findings the base already had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ExistingFindings {
    /// Not listed, not deciding.
    Ignore,
    /// Listed as existing; they do not decide.
    #[default]
    Report,
    /// A reason that rejects the PR, as a new finding does.
    Block,
}

impl Policy {
    fn default_base_branch() -> Option<String> {
        Some("main".into())
    }

    fn default_max_files() -> Option<usize> {
        Some(1)
    }

    fn default_existing_findings() -> Option<ExistingFindings> {
        Some(ExistingFindings::Report)
    }

    /// `existing-findings` (default `report`).
    pub fn existing_findings(&self) -> ExistingFindings {
        self.existing_findings.unwrap_or_default()
    }

    /// The branch Flux syncs (`base-branch`, default `main`).
    pub fn base_branch(&self) -> String {
        self.base_branch
            .clone()
            .or_else(Self::default_base_branch)
            .unwrap_or_default()
    }

    /// The most files an auto-merged PR may change (`max-files`, default 1).
    pub fn max_files(&self) -> usize {
        self.max_files.or_else(Self::default_max_files).unwrap_or(1)
    }
}

/// Which orders a block applies to (all of them when empty).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Selector {
    /// Cluster folder glob.
    pub cluster: Option<String>,
    /// Namespace glob.
    pub namespace: Option<String>,
    /// Kinds.
    pub kinds: Option<Vec<String>>,
}

/// A policy block.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Block {
    /// A name for messages.
    pub name: Option<String>,
    /// Which orders the block applies to.
    #[serde(rename = "match")]
    pub selector: Option<Selector>,
    /// Only these kinds may be ordered here (a hard limit).
    pub allowed_kinds: Option<Vec<String>>,
    /// These kinds may not be ordered here (a hard limit).
    pub denied_kinds: Option<Vec<String>>,
    /// Kinds that may be auto-merged here.
    pub auto_merge_kinds: Option<Vec<String>>,
    /// Maximum numbers of orders.
    pub count: Option<Vec<CountLimit>>,
    /// Maximum sums of a numeric or quantity field.
    pub sum: Option<Vec<SumLimit>>,
    /// Per-order field limits.
    pub fields: Option<Vec<FieldLimit>>,
    /// Conditions that make an order sensitive (review required).
    pub sensitive: Option<Vec<Sensitive>>,
    /// Custom CEL rules over the order (`object`).
    pub cel: Option<Vec<CelRule>>,
}

/// What a count or sum is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Per {
    /// Per cluster and namespace.
    #[default]
    Namespace,
    /// Per cluster (every namespace the selector matches).
    Cluster,
    /// Per owning team (CODEOWNERS owner of the namespace folder), across clusters.
    Team,
}

/// A count limit.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CountLimit {
    /// The kind counted (default: every kind the block matches).
    pub kind: Option<String>,
    /// Grouping (default: namespace).
    pub per: Option<Per>,
    /// Above this many, a review is required.
    pub soft: Option<u64>,
    /// Above this many, the PR is rejected.
    pub hard: Option<u64>,
}

/// A sum limit over a field; numbers and Kubernetes quantities (`10Gi`, `500m`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SumLimit {
    /// The kind whose field is summed.
    pub kind: String,
    /// Dotted field path (`spec.replicas`); an omitted field takes the XRD's default.
    pub field: String,
    /// Grouping (default: namespace).
    pub per: Option<Per>,
    /// Only orders for which this CEL expression over `object` is true.
    pub when: Option<String>,
    /// Above this sum, a review is required.
    pub soft: Option<Limit>,
    /// Above this sum, the PR is rejected.
    pub hard: Option<Limit>,
}

/// A limit: a number or a quantity string.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum Limit {
    /// A number.
    Number(f64),
    /// A quantity (`10Gi`).
    Quantity(String),
}

impl Limit {
    /// The limit's text.
    pub fn text(&self) -> String {
        match self {
            Limit::Number(n) => format!("{n}"),
            Limit::Quantity(s) => s.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Limit;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a quantity such as `10Gi`")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Limit, E> {
                Ok(Limit::Quantity(n.to_string()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Limit, E> {
                Ok(Limit::Quantity(n.to_string()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Limit, E> {
                Ok(Limit::Number(n))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Limit, E> {
                Ok(Limit::Quantity(s.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A limit on one field of each order.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FieldLimit {
    /// The kind (default: every kind the block matches).
    pub kind: Option<String>,
    /// Dotted field path; an omitted field takes the XRD's default.
    pub field: String,
    /// Largest allowed value (number or quantity).
    pub max: Option<Limit>,
    /// Smallest allowed value (number or quantity).
    pub min: Option<Limit>,
    /// Allowed values.
    #[serde(rename = "enum")]
    pub one_of: Option<Vec<String>>,
    /// A regular expression the value must match.
    pub pattern: Option<String>,
    /// `hard` (default): a breach rejects; `soft`: a breach needs a review.
    pub level: Option<Strength>,
    /// The message.
    pub message: Option<String>,
}

/// A condition that makes an order sensitive.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Sensitive {
    /// Reason code reported (`R-COSTLY`, `R-EXPOSURE`, …).
    pub reason: String,
    /// The kind (default: every kind the block matches).
    pub kind: Option<String>,
    /// A CEL expression over `object`; when omitted every order of the kind is sensitive.
    pub when: Option<String>,
    /// The message.
    pub message: Option<String>,
}

/// A custom CEL rule: the order passes when the expression is true.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CelRule {
    /// The kind (default: every kind the block matches).
    pub kind: Option<String>,
    /// A CEL expression over `object` (the order), e.g. `object.spec.size in ['small','medium']`.
    pub expression: String,
    /// The message when it is false.
    pub message: Option<String>,
    /// `hard` (default) or `soft`.
    pub level: Option<Strength>,
}

/// Reads a policy file (`policy: <path>`) with `read` and validates it.
pub fn load_file(label: &Path, text: &str) -> Result<Policy, ConfigError> {
    let parsed = yaml::parse(text);
    let fail = |span: (u32, u32), message: String| ConfigError {
        path: label.to_path_buf(),
        text: text.to_string(),
        span,
        message,
        help: None,
    };
    const WHAT: &str = "policy keys";
    if let Some(p) = parsed.problems.first() {
        if !crate::error::yaml_named(label) {
            return Err(crate::error::not_a_mapping(label, WHAT));
        }
        return Err(fail((p.start, p.end), p.message.clone()));
    }
    let Some(doc) = parsed.docs.first() else {
        return Ok(Policy::default());
    };
    if doc.root.as_map().is_none() && !doc.root.is_null() {
        return Err(crate::error::not_a_mapping(label, WHAT));
    }
    let policy: Policy = crate::parse::de::from_node(&doc.root).map_err(|e| fail(e.span, e.message.clone()))?;
    validate(&doc.root, &|span, m| fail(span, m))?;
    Ok(policy)
}

/// Checks what serde cannot at the policy node: globs, regexes, quantities, CEL, reason codes.
pub fn validate(root: &Node, fail: &dyn Fn((u32, u32), String) -> ConfigError) -> Result<(), ConfigError> {
    let at = |n: &Node| (n.start, n.end);
    let glob = |n: &Node| -> Result<(), ConfigError> {
        globset::Glob::new(n.as_str().unwrap_or(""))
            .map(|_| ())
            .map_err(|e| fail(at(n), format!("invalid glob: {e}")))
    };
    let regex = |n: &Node| -> Result<(), ConfigError> {
        regex::Regex::new(n.as_str().unwrap_or(""))
            .map(|_| ())
            .map_err(|e| fail(at(n), format!("invalid regular expression: {e}")))
    };
    let quantity = |n: &Node| -> Result<(), ConfigError> {
        super::quantity::Quantity::of_node(n)
            .map(|_| ())
            .map_err(|e| fail(at(n), e))
    };
    let cel = |n: &Node| -> Result<(), ConfigError> {
        super::cel::compile(n.as_str().unwrap_or(""))
            .map(|_| ())
            .map_err(|e| fail(at(n), format!("invalid CEL expression: {e}")))
    };
    for n in root.get("protected-clusters").and_then(Node::as_seq).unwrap_or(&[]) {
        glob(n)?;
    }
    if let Some(n) = root.get("branch-pattern") {
        regex(n)?;
    }
    let reason = |n: &Node| -> Result<(), ConfigError> {
        let code = n.as_str().unwrap_or("");
        let ok = code.starts_with("R-")
            && code.len() > 2
            && code[2..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(())
        } else {
            Err(fail(
                at(n),
                format!(
                    "reason code {code0} must look like `R-COSTLY`",
                    code0 = crate::parse::text::code(&code)
                ),
            ))
        }
    };
    type Check<'c> = &'c dyn Fn(&Node) -> Result<(), ConfigError>;
    // (list in a block, keys of its items, check of each value)
    let item_checks: [(&str, &[&str], Check); 7] = [
        ("sum", &["soft", "hard"], &quantity),
        ("sum", &["when"], &cel),
        ("fields", &["min", "max"], &quantity),
        ("fields", &["pattern"], &regex),
        ("sensitive", &["reason"], &reason),
        ("sensitive", &["when"], &cel),
        ("cel", &["expression"], &cel),
    ];
    for block in root.get("rules").and_then(Node::as_seq).unwrap_or(&[]) {
        for key in ["cluster", "namespace"] {
            if let Some(n) = block.get("match").and_then(|m| m.get(key)) {
                glob(n)?;
            }
        }
        for (list, keys, check) in &item_checks {
            for item in block.get(list).and_then(Node::as_seq).unwrap_or(&[]) {
                for n in keys.iter().filter_map(|k| item.get(k)) {
                    check(n)?;
                }
            }
        }
    }
    Ok(())
}
