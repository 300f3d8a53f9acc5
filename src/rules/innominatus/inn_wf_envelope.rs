use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks a workflow's envelope. Provider workflows (`providers/<team>/workflows/`) should be
    /// `innominatus.io/v1alpha1` `Workflow` with a `metadata.name`. Product workflows
    /// (`workflow.dev/v1` `ProductWorkflow`) need `metadata.name`, `description`, `product`, `owner`
    /// and `phase`; `phase` is `pre-deployment`, `deployment` or `post-deployment`; `spec.triggers`
    /// are among `product_deployment`, `first_deployment`, `manual`; and `product` is the
    /// `<product>` folder of `workflows/products/<product>/`.
    ///
    /// ## Why is this bad?
    /// The product-team guide's schema: the platform picks product workflows by product, phase and
    /// trigger, so a workflow with a wrong value is never run.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=workflows/products/shop/database-setup.yaml
    /// apiVersion: workflow.dev/v1
    /// kind: ProductWorkflow
    /// metadata:
    ///   name: database-setup
    ///   description: Database setup
    ///   product: store
    ///   phase: predeploy
    /// spec:
    ///   triggers:
    ///     - on_push
    /// ```
    ///
    /// Use instead: `phase: pre-deployment`, plus description, product and owner:
    /// ```yaml fixture=pass/platform file=workflows/products/shop/database-setup.yaml
    /// apiVersion: workflow.dev/v1
    /// kind: ProductWorkflow
    /// metadata:
    ///   name: database-setup
    ///   description: Database setup
    ///   product: shop
    ///   owner: shop-team
    ///   phase: pre-deployment
    /// spec:
    ///   triggers: [product_deployment]
    /// ```
    pub InnWfEnvelope {
        id: "inn-wf-envelope",
        category: Style,
        severity: Warning,
        pack: Innominatus,
    }
}

const PHASES: &[&str] = &["pre-deployment", "deployment", "post-deployment"];
const TRIGGERS: &[&str] = &["product_deployment", "first_deployment", "manual"];

impl Rule for InnWfEnvelope {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            let rel = ws.local_rel(doc);
            if innominatus::is_provider_workflow(rel) {
                if doc.api_version != "innominatus.io/v1alpha1" || doc.kind != "Workflow" {
                    out.report(
                        doc.head_span(),
                        format!(
                            "a provider workflow should be `innominatus.io/v1alpha1` `Workflow`, not {code0} {code1}",
                            code0 = code(&doc.api_version),
                            code1 = code(&doc.kind)
                        ),
                    );
                }
                if doc.name().is_none() {
                    out.report(
                        doc.span_of_key(&doc.root, "metadata"),
                        "the workflow has no `metadata.name`",
                    );
                }
                continue;
            }
            if doc.kind != "ProductWorkflow" {
                continue;
            }
            let meta = doc.metadata();
            let missing: Vec<&str> = ["name", "description", "product", "owner", "phase"]
                .into_iter()
                .filter(|k| {
                    meta.and_then(|m| m.get(k))
                        .and_then(|v| v.as_str())
                        .is_none_or(|s| s.is_empty())
                })
                .collect();
            if !missing.is_empty() {
                out.report(
                    doc.span_of_key(&doc.root, "metadata"),
                    format!(
                        "a product workflow needs {code0}",
                        code0 = code(&format!("metadata.{}", missing.join("`, `metadata.")))
                    ),
                );
            }
            if let Some(phase) = meta.and_then(|m| m.get("phase")) {
                let p = phase.as_str().unwrap_or("");
                if !p.is_empty() && !PHASES.contains(&p) {
                    let d = out.report(doc.span(phase), format!("{code0} is not a phase", code0 = code(&p)));
                    match crate::parse::text::suggest(p, PHASES.iter().copied()) {
                        Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                        None => d.help(format!("use one of {}", PHASES.join(", "))),
                    };
                }
            }
            for t in doc
                .root
                .path(&["spec", "triggers"])
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                let name = t.as_str().unwrap_or("");
                if !TRIGGERS.contains(&name) {
                    out.report(doc.span(t), format!("{code0} is not a trigger", code0 = code(&name)))
                        .help(format!("use one of {}", TRIGGERS.join(", ")));
                }
            }
            let folder = rel.split('/').collect::<Vec<_>>();
            let dir = folder.windows(3).find(|w| w[0] == "products").map(|w| w[1]);
            if let (Some(dir), Some(product)) = (dir, meta.and_then(|m| m.get("product"))) {
                if product.as_str().is_some_and(|p| !p.is_empty() && p != dir) {
                    out.report(
                        doc.span(product),
                        format!(
                            "product {code0} lives in {code1}",
                            code0 = code(&(product.as_str().unwrap_or(""))),
                            code1 = code(&format!("products/{dir}/"))
                        ),
                    );
                }
            }
        }
    }
}
