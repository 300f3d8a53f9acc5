use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::is_dns1035_label;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `spec.names`: `kind` and `plural` are required; `plural`, `singular`,
    /// `lower(kind)` and `lower(listKind)` must be DNS-1035 labels; `plural` and `singular`
    /// must be lowercase. The same holds for `spec.claimNames` (the XRD CRD's CEL rules
    /// check both; the claim CRD Crossplane renders carries the claim names).
    ///
    /// ## Why is this bad?
    /// The XRD's CEL validation or the generated CRD's validation rejects it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: DNSRecords.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: DNSRecord, plural: DNSRecords}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecords.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: DNSRecord, plural: dnsrecords}
    /// ```
    pub XpXrdNames {
        id: "xp-xrd-names",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
        fix: true,
    }
}

impl Rule for XpXrdNames {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let Some(spec) = x.spec() else { continue };
            if let Some(names) = spec.get("names") {
                for req in ["kind", "plural"] {
                    if names.get(req).is_none() {
                        out.report(
                            doc.span_of_key(spec, "names"),
                            format!("{code0} is required", code0 = code(&format!("spec.names.{req}"))),
                        );
                    }
                }
            }
            // `claimNames` missing its `kind` or `plural` is the XRD CRD's `required`
            // (`xp-schema`); its values are held to the same rules as `names`.
            for (field, names) in ["names", "claimNames"]
                .into_iter()
                .filter_map(|f| Some((f, spec.get(f)?)))
            {
                check_names(ws, doc, field, names, out);
            }
        }
    }
}

/// Checks the values of one names block (`spec.names` or `spec.claimNames`).
fn check_names(ws: &Workspace, doc: &crate::model::Doc, field: &str, names: &crate::parse::yaml::Node, out: &mut Sink) {
    for key in ["plural", "singular", "kind", "listKind"] {
        let Some(node) = names.get(key) else { continue };
        let Some(v) = node.as_str() else { continue };
        let lowered = v.to_lowercase();
        let checked = if matches!(key, "kind" | "listKind") {
            lowered.as_str()
        } else {
            v
        };
        if matches!(key, "plural" | "singular") && v != lowered {
            out.report(
                doc.span(node),
                format!(
                    "{code0} must be lowercase, found {code1}",
                    code0 = code(&format!("{field}.{key}")),
                    code1 = code(&v)
                ),
            )
            .help(format!("use {code0}", code0 = code(&lowered)))
            .fix(crate::rules::edit::set_string(
                &ws.sources.get(doc.file).text,
                doc.span(node),
                &lowered,
            ));
        } else if !is_dns1035_label(checked) {
            out.report(
                doc.span(node),
                format!(
                    "{code0} {code1} is not a valid DNS-1035 label",
                    code0 = code(&format!("{field}.{key}")),
                    code1 = code(&v)
                ),
            )
            .help("use letters, digits and `-`, starting with a letter, at most 63 characters");
        }
    }
}
