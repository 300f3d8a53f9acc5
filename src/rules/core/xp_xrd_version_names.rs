use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::is_dns1035_label;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every `spec.versions[].name` is a DNS-1035 label and unique.
    ///
    /// ## Why is this bad?
    /// The generated CRD is rejected ("must contain unique version names").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecords.openportal.dev
    /// spec:
    ///   versions:
    ///   - {name: v1alpha1, served: true, referenceable: true}
    ///   - {name: v1alpha1, served: true, referenceable: false}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecords.openportal.dev
    /// spec:
    ///   versions:
    ///   - {name: v1alpha1, served: true, referenceable: false}
    ///   - {name: v1beta1, served: true, referenceable: true}
    /// ```
    pub XpXrdVersionNames {
        id: "xp-xrd-version-names",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdVersionNames {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let versions = x.versions();
            for (i, v) in versions.iter().enumerate() {
                let Some(node) = v.node.get("name") else { continue };
                let Some(name) = v.name else { continue };
                if !is_dns1035_label(name) {
                    out.report(
                        doc.span(node),
                        format!(
                            "version name {code0} is not a valid DNS-1035 label",
                            code0 = code(&name)
                        ),
                    )
                    .help("use a name like `v1alpha1`, `v1beta1` or `v1`");
                }
                if let Some(first) = versions[..i].iter().find(|o| o.name == Some(name)) {
                    let first_node = first.node.get("name").unwrap_or(first.node);
                    out.report(
                        doc.span(node),
                        format!("version {code0} is defined twice", code0 = code(&name)),
                    )
                    .label(doc.span(first_node), "first defined here");
                }
            }
        }
    }
}
