//! The options of the Backstage rules (config `backstage:`): extra actions, their outputs,
//! extra filters and entities known from the org catalog.

/// Options of the Backstage rules (config `backstage:`).
#[derive(Debug, Clone, Default)]
pub struct BackstageOptions {
    /// Scaffolder action ids registered beyond the built-in list.
    pub actions: Vec<String>,
    /// Outputs of custom actions (action id → output names), for step-output checks.
    pub action_outputs: Vec<(String, Vec<String>)>,
    /// Nunjucks filters registered beyond the built-in and Backstage ones.
    pub filters: Vec<String>,
    /// Entity references known from the org catalog (`group:default/platform-team`).
    pub known_entities: Vec<String>,
}
