use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks step `credentials`: names are unique, `source` is `None` or `Secret`, and
    /// `Secret` needs `secretRef` with `name` and `namespace`. The Composition CRD's CEL rule
    /// as written (`self.source == 'Secret' && has(self.secretRef)`) also rejects `source:
    /// None` entries; that is reported too, because the API server does reject them.
    ///
    /// ## Why is this bad?
    /// The API server rejects the Composition, or the function runs without the credentials
    /// it needs.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef: {apiVersion: example.org/v1, kind: Web}
    ///   pipeline:
    ///   - step: render
    ///     functionRef: {name: function-kcl}
    ///     credentials:
    ///     - name: aws
    ///       source: Secret
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef: {apiVersion: example.org/v1, kind: Web}
    ///   pipeline:
    ///   - step: render
    ///     functionRef: {name: function-kcl}
    ///     credentials:
    ///     - name: aws
    ///       source: Secret
    ///       secretRef: {name: aws-creds, namespace: crossplane-system}
    /// ```
    pub XpCompCredentials {
        id: "xp-comp-credentials",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompCredentials {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let doc = c.doc;
            for s in c.steps() {
                let creds = s.node.get("credentials").and_then(Node::as_seq).unwrap_or(&[]);
                for (i, cr) in creds.iter().enumerate() {
                    let name = cr.get("name").and_then(Node::as_str);
                    if let Some(n) = name {
                        if let Some(first) = creds[..i]
                            .iter()
                            .find(|o| o.get("name").and_then(Node::as_str) == Some(n))
                        {
                            out.report(
                                doc.span(cr.get("name").unwrap_or(cr)),
                                format!("credential {code0} is listed twice", code0 = code(&n)),
                            )
                            .label(doc.span(first), "first listed here");
                        }
                    }
                    let src_node = cr.get("source");
                    match src_node.and_then(Node::as_str) {
                        Some("Secret") => {
                            let r = cr.get("secretRef");
                            let missing: Vec<&str> = ["name", "namespace"]
                                .into_iter()
                                .filter(|k| r.and_then(|r| r.get(k)).is_none())
                                .collect();
                            if !missing.is_empty() {
                                out.report(
                                    doc.span(src_node.expect("has source")),
                                    format!(
                                        "`source: Secret` needs `secretRef` with {}",
                                        crate::parse::text::list(&missing, 2)
                                    ),
                                );
                            }
                        }
                        Some("None") => {
                            out.report(doc.span(src_node.expect("has source")), "the Composition CRD rejects `source: None` credentials")
                                .help("its validation rule requires `source: Secret` with a `secretRef`; remove the entry instead");
                        }
                        Some(other) => {
                            out.report(
                                doc.span(src_node.expect("has source")),
                                format!(
                                    "credential source must be `None` or `Secret`, found {code0}",
                                    code0 = code(&other)
                                ),
                            );
                        }
                        None => {
                            out.report(doc.span(cr), "credential has no `source`");
                        }
                    }
                }
            }
        }
    }
}
