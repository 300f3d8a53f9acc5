use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each `workflowPolicies.security.requireApproval[]` entry of `admin-config.yaml`
    /// is one of `policies.allowedEnvironments`.
    ///
    /// ## Why is this bad?
    /// An approval rule for an environment that does not exist protects nothing; usually the name
    /// differs (`prod` for `production`) and the real environment runs without approval.
    ///
    /// ## Example
    /// `policies.allowedEnvironments` lists `development`, `staging` and `production`:
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// security:
    ///   requireApproval:
    ///     - prod
    /// ```
    ///
    /// Use instead: `requireApproval: [production]`.
    pub InnAdmApprovalEnvs {
        id: "inn-adm-approval-envs",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnAdmApprovalEnvs {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        let Some(allowed) = doc
            .root
            .path(&["policies", "allowedEnvironments"])
            .and_then(|a| a.as_seq())
        else {
            return;
        };
        let names: Vec<String> = allowed.iter().filter_map(|a| a.scalar_text()).collect();
        let items = doc
            .root
            .path(&["workflowPolicies", "security", "requireApproval"])
            .and_then(|a| a.as_seq())
            .unwrap_or(&[]);
        for item in items {
            let env = item.scalar_text().unwrap_or_default();
            if names.contains(&env) {
                continue;
            }
            let d = out.report(
                doc.span(item),
                format!("{code0} is not an allowed environment", code0 = code(&env)),
            );
            let near = names.iter().find(|n| n.starts_with(env.as_str())).map(String::as_str);
            match near.or_else(|| crate::parse::text::suggest(&env, names.iter().map(String::as_str))) {
                Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                None => d.help("list it under `policies.allowedEnvironments`"),
            };
        }
    }
}
