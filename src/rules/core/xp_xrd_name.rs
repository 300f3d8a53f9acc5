use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an XRD's `metadata.name` is `<spec.names.plural>.<spec.group>`.
    ///
    /// ## Why is this bad?
    /// Crossplane names the generated CRD after the XRD, and the API server requires a CRD
    /// name to be `plural.group`: the XRD is accepted but never becomes established.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: dnsrecord.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: DNSRecord, plural: dnsrecords}
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
    pub XpXrdName {
        id: "xp-xrd-name",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
        fix: true,
    }
}

impl Rule for XpXrdName {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let (Some(plural), Some(group)) = (x.plural(), x.group()) else {
                continue;
            };
            let want = format!("{plural}.{group}");
            let doc = x.doc();
            match doc.root.path(&["metadata", "name"]) {
                Some(n) if n.as_str() == Some(want.as_str()) => {}
                Some(n) => {
                    let plural_node = x.spec().and_then(|s| s.path(&["names", "plural"])).expect("has plural");
                    out.report(
                        doc.span(n),
                        format!("the XRD must be named {code0}", code0 = code(&want)),
                    )
                    .note("expected `<plural>.<group>`")
                    .label(doc.span(plural_node), "plural defined here")
                    .help(format!("rename it to {code0}", code0 = code(&want)))
                    .fix(crate::rules::edit::set_string(
                        &ws.sources.get(doc.file).text,
                        doc.span(n),
                        &want,
                    ));
                }
                None => {
                    out.report(
                        doc.head_span(),
                        format!(
                            "the XRD has no `metadata.name`; it must be {code0}",
                            code0 = code(&want)
                        ),
                    );
                }
            }
        }
    }
}
