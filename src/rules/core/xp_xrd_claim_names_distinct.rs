use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `claimNames.{kind,plural,singular,listKind}` differ from the matching
    /// `names.*`.
    ///
    /// ## Why is this bad?
    /// Crossplane refuses to render the claim CRD: the claim and the XR would have the same
    /// resource name.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   names: {kind: Web, plural: webs}
    ///   claimNames: {kind: Web, plural: webclaims}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: xwebs.example.org
    /// spec:
    ///   names: {kind: XWeb, plural: xwebs}
    ///   claimNames: {kind: Web, plural: webs}
    /// ```
    pub XpXrdClaimNamesDistinct {
        id: "xp-xrd-claim-names-distinct",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdClaimNamesDistinct {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let Some(spec) = x.spec() else { continue };
            let (Some(names), Some(claims)) = (spec.get("names"), spec.get("claimNames")) else {
                continue;
            };
            for key in ["kind", "plural", "singular", "listKind"] {
                let (Some(n), Some(c)) = (names.get(key), claims.get(key)) else {
                    continue;
                };
                if n.as_str().is_some() && n.as_str() == c.as_str() {
                    out.report(
                        x.doc().span(c),
                        format!(
                            "{code0} equals {code1} ({code2})",
                            code0 = code(&format!("claimNames.{key}")),
                            code1 = code(&format!("names.{key}")),
                            code2 = code(&(c.as_str().unwrap_or("")))
                        ),
                    )
                    .label(x.doc().span(n), "XR name defined here");
                }
            }
        }
    }
}
