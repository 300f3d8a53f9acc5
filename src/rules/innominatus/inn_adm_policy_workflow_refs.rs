use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `workflowPolicies.requiredPlatformWorkflows[]` and `allowedProductWorkflows[]`
    /// (`<product>/<name>`) resolve under `workflowsRoot` to `platform/<name>.yaml` and
    /// `products/<product>/<name>.yaml`.
    ///
    /// ## Why is this bad?
    /// A required platform workflow that does not exist is never run; an allowed product workflow
    /// that does not exist allows nothing.
    ///
    /// ## Example
    /// The platform has only `workflows/platform/security-scan.yaml` and
    /// `workflows/products/shop/database-setup.yaml`:
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// workflowPolicies:
    ///   workflowsRoot: ./workflows
    ///   requiredPlatformWorkflows:
    ///     - security-scan
    ///     - cost-monitoring
    ///   allowedProductWorkflows:
    ///     - shop/database-setup
    ///     - analytics/data-pipeline
    ///     - pipeline
    /// ```
    ///
    /// Use instead: restore the file, or drop the entry.
    pub InnAdmPolicyWorkflowRefs {
        id: "inn-adm-policy-workflow-refs",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnAdmPolicyWorkflowRefs {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        let Some(policies) = doc.root.get("workflowPolicies") else {
            return;
        };
        let root = policies.str_at(&["workflowsRoot"]).unwrap_or("./workflows");
        let Some(base) = ws.from_root(root) else { return };
        let exists =
            |rel: &str| ws.has_file(&format!("{base}/{rel}.yaml")) || ws.has_file(&format!("{base}/{rel}.yml"));
        for item in policies
            .get("requiredPlatformWorkflows")
            .and_then(|r| r.as_seq())
            .unwrap_or(&[])
        {
            let name = item.scalar_text().unwrap_or_default();
            if !exists(&format!("platform/{name}")) {
                out.report(
                    doc.span(item),
                    format!(
                        "required platform workflow {code0} does not exist ({code1})",
                        code0 = code(&name),
                        code1 = code(&format!("{base}/platform/{name}.yaml"))
                    ),
                );
            }
        }
        for item in policies
            .get("allowedProductWorkflows")
            .and_then(|r| r.as_seq())
            .unwrap_or(&[])
        {
            let entry = item.scalar_text().unwrap_or_default();
            let Some((product, name)) = entry.split_once('/') else {
                out.report(
                    doc.span(item),
                    format!("{code0} is not `<product>/<workflow>`", code0 = code(&entry)),
                );
                continue;
            };
            if !exists(&format!("products/{product}/{name}")) {
                out.report(
                    doc.span(item),
                    format!(
                        "product workflow {code0} does not exist ({code1})",
                        code0 = code(&entry),
                        code1 = code(&format!("{base}/products/{product}/{name}.yaml"))
                    ),
                );
            }
        }
    }
}
