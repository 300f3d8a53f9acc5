//! The options of the Backstage rules (config `backstage:`): extra actions, their outputs,
//! extra filters and entities known from the org catalog.

/// Options of the Backstage rules (config `backstage:`); every list is empty by default.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BackstageOptions {
    /// Scaffolder actions your Backstage registers beyond the built-in and common module ones
    /// (`acme:deploy`).
    pub actions: Vec<String>,
    /// Outputs of custom actions, for `steps.<id>.output.<name>` checks (action id → names).
    pub action_outputs: std::collections::BTreeMap<String, Vec<String>>,
    /// Nunjucks filters your Backstage registers beyond the built-in ones.
    pub filters: Vec<String>,
    /// Entity references of your org catalog that are not in the checked repositories
    /// (`group:default/platform-team`); references to them resolve.
    pub known_entities: Vec<String>,
}
