use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_dns1123_label, is_templated};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `metadata.namespace`, when set, is a string and a DNS-1123 label as Backstage
    /// reads it: lowercase letters and digits in runs joined by single `-`, at most 63 characters.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (`isValidDnsLabel`).
    ///
    /// ## Example
    /// ```yaml fixture=fail/underscore.yaml
    /// metadata:
    ///   name: payments
    ///   namespace: Team_A
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/dns-label.yaml
    /// metadata:
    ///   name: payments
    ///   namespace: team-a
    /// ```
    pub BsEntNamespace {
        id: "bs-ent-namespace",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsEntNamespace {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            let Some(node) = doc.metadata().and_then(|m| m.get("namespace")) else {
                continue;
            };
            let text = &*ws.sources.get(doc.file).text;
            let ty = crate::model::backstage::yaml12_type(node, text);
            let Some(ns) = node.scalar_text().filter(|_| ty == "string") else {
                out.report(
                    doc.span(node),
                    format!("`metadata.namespace` must be a string, not {ty}"),
                );
                continue;
            };
            // Backstage's DNS label has no `--` (`isValidNamespace`), unlike Kubernetes'.
            if !is_templated(&ns) && (!is_dns1123_label(&ns) || ns.contains("--")) {
                out.report(
                    doc.span(node),
                    format!("{code0} is not a valid entity namespace", code0 = code(&ns)),
                )
                .help("use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit");
            }
        }
    }
}
