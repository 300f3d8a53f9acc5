//! The typed options of the rules, as the config file spells them (`openportal:`, `orders:`;
//! `backstage:` and `onboarding:` live beside their models). These types are the config
//! types: `config::Config` embeds them, their `Default` is the one place each default is
//! written, and the JSON Schema (defaults included) and the config key list are derived from
//! them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Options of the Open Service Portal rule pack (config `openportal:`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct OpenPortalOptions {
    /// Repository name, when it cannot be read from the git remote or the directory name.
    pub repo_name: Option<String>,
    /// Functions the platform installs (osp-comp-functions-available).
    pub platform_functions: Vec<String>,
    /// EnvironmentConfig names the platform defines (osp-comp-envconfig-exists).
    pub environment_configs: Vec<String>,
    /// Template names for the `openportal.dev/template-*` annotations beyond the built-in ones
    /// (osp-xrd-template-selector-values).
    pub custom_template_names: Vec<String>,
    /// GitHub organisation (owner) of the checked repository, for the rules that name its
    /// URL (osp-xrd-source-location, osp-ord-source-file-url). Unset: the owner in the git
    /// remote `origin`; without one, those rules accept any owner and check the rest.
    pub github_org: Option<String>,
    /// XRD kinds that may be cluster-scoped (osp-xrd-scope).
    pub cluster_scoped_kinds: Vec<String>,
}

impl Default for OpenPortalOptions {
    fn default() -> Self {
        OpenPortalOptions {
            repo_name: None,
            platform_functions: strings(&[
                "function-go-templating",
                "function-patch-and-transform",
                "function-auto-ready",
                "function-environment-configs",
            ]),
            environment_configs: strings(&["dns-config", "cloudflare-config"]),
            custom_template_names: Vec::new(),
            github_org: None,
            cluster_scoped_kinds: strings(&["ManagedNamespace"]),
        }
    }
}

/// The folder layout of an orders repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "kebab-case")]
pub enum OrdersLayout {
    /// Detect from the files.
    #[default]
    Auto,
    /// `namespaces/<namespace>/<type>/<name>.yaml` (seed 000).
    Namespaces,
    /// `<cluster>/<namespace>/<Kind>/<name>.yaml` (catalog-orders README).
    Clusters,
}

impl OrdersLayout {
    /// The layout forced by config (`None`: detect from the files).
    pub fn forced(self) -> Option<super::Layout> {
        match self {
            OrdersLayout::Auto => None,
            OrdersLayout::Namespaces => Some(super::Layout::Namespaces),
            OrdersLayout::Clusters => Some(super::Layout::Clusters),
        }
    }
}

/// Options of a catalog-orders repository (config `orders:`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct OrdersOptions {
    /// The folder layout.
    pub layout: OrdersLayout,
    /// Cluster folders Flux syncs (unset: the top-level folders with a kustomization.yaml).
    pub clusters: Option<Vec<String>>,
    /// Namespaces XRs must not be ordered into (`kube-*` style globs allowed).
    pub platform_namespaces: Vec<String>,
    /// The repository's web URL, for `terasky.backstage.io/source-file-url`
    /// (unset: https://github.com/<openportal.github-org>/<repo-name>).
    pub repo_url: Option<String>,
}

impl Default for OrdersOptions {
    fn default() -> Self {
        OrdersOptions {
            layout: OrdersLayout::Auto,
            clusters: None,
            platform_namespaces: strings(&[
                "crossplane-system",
                "flux-system",
                "external-dns",
                "ingress-nginx",
                "kube-*",
                "default",
            ]),
            repo_url: None,
        }
    }
}

/// Budgets that bound the work one file or object may cause (config `limits:`). Each one
/// hit is a finding that names the file and the key; the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// Findings of one rule shown per file; the rest are counted in one finding.
    pub findings_per_file: usize,
    /// Findings shown in one run, over every root (the first in report order); the rest are
    /// counted (summary `not_shown`), so a run's output stays bounded whatever it checks.
    pub findings: usize,
    /// Nodes YAML anchors and aliases may copy in one file (all its documents).
    pub yaml_alias_nodes: usize,
    /// Key and scalar bytes YAML anchors and aliases may copy in one file.
    pub yaml_alias_bytes: usize,
    /// YAML nodes one file may hold.
    pub yaml_nodes: usize,
    /// Schema nodes one object's validation may visit (`anyOf` branches included).
    pub schema_steps: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            findings_per_file: 1_000,
            findings: 100_000,
            yaml_alias_nodes: crate::parse::yaml::ALIAS_NODE_BUDGET,
            yaml_alias_bytes: crate::parse::yaml::ALIAS_BYTE_BUDGET,
            yaml_nodes: crate::parse::yaml::NODE_BUDGET,
            schema_steps: crate::schema::MAX_STEPS,
        }
    }
}

impl Limits {
    /// The YAML parser's budget.
    pub fn yaml(&self) -> crate::parse::yaml::Limits {
        crate::parse::yaml::Limits {
            alias_nodes: self.yaml_alias_nodes,
            alias_bytes: self.yaml_alias_bytes,
            nodes: self.yaml_nodes,
        }
    }
}

/// The annotations naming an order's owner when the policy names none, in order of
/// preference (policy `owner-annotations`).
pub fn default_owner_annotations() -> Vec<String> {
    strings(&["terasky.backstage.io/owner", "backstage.io/owner"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_section_is_the_defaults() {
        let p: OpenPortalOptions = serde_json::from_str("{}").expect("parses");
        assert_eq!(p, OpenPortalOptions::default());
        assert_eq!(p.github_org, None, "no organisation is built in");
        let o: OrdersOptions = serde_json::from_str(r#"{"clusters": ["prod"]}"#).expect("parses");
        assert_eq!(o.platform_namespaces, OrdersOptions::default().platform_namespaces);
        assert_eq!(o.clusters, Some(vec!["prod".to_string()]));
    }
}
