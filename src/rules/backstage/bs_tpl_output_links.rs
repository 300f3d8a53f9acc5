use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every `spec.output.links[]` item has a `url` or an `entityRef`.
    ///
    /// ## Why is this bad?
    /// A link without a target is rejected by the schema, or shown as a dead link after the run.
    ///
    /// ## Example
    /// ```yaml fixture=fail/no-target.yaml
    /// output:
    ///   links:
    ///     - title: Repository
    ///       icon: github
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/targets.yaml
    /// output:
    ///   links:
    ///     - title: Repository
    ///       url: ${{ steps.publish.output.remoteUrl }}
    ///     - title: Open in catalog
    ///       entityRef: ${{ steps['register'].output.entityRef }}
    /// ```
    pub BsTplOutputLinks {
        id: "bs-tpl-output-links",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplOutputLinks {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let links =
                t.0.root
                    .path(&["spec", "output", "links"])
                    .and_then(|l| l.as_seq())
                    .unwrap_or(&[]);
            for link in links.iter().filter(|l| l.as_map().is_some()) {
                if link.get("url").is_none() && link.get("entityRef").is_none() {
                    out.report(t.0.span(link), "an output link needs a `url` or an `entityRef`");
                }
            }
        }
    }
}
