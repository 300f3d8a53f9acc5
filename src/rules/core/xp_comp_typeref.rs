use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `spec.compositeTypeRef` is present with both `apiVersion` (a
    /// `group/version`) and `kind`. (Changing it on an existing Composition is a PR-diff check
    /// of a later release: the field is immutable.)
    ///
    /// ## Why is this bad?
    /// The API server rejects the Composition; without a type nothing selects it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef:
    ///     kind: Web
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: example.org/v1
    ///     kind: Web
    /// ```
    pub XpCompTyperef {
        id: "xp-comp-typeref",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompTyperef {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let doc = c.doc;
            let Some(r) = c.type_ref() else {
                let at = doc.span_of_key(&doc.root, "spec");
                out.report(at, "the Composition has no `spec.compositeTypeRef`")
                    .help("name the XR type it composes: `{apiVersion: <group>/<version>, kind: <Kind>}`");
                continue;
            };
            for key in ["apiVersion", "kind"] {
                if r.get(key).and_then(|n| n.as_str()).is_none_or(str::is_empty) {
                    out.report(
                        doc.span_of_key(c.spec().unwrap_or(r), "compositeTypeRef"),
                        format!("{code0} is required", code0 = code(&format!("compositeTypeRef.{key}"))),
                    );
                }
            }
            if let Some(n) = r.get("apiVersion") {
                if n.as_str().is_some_and(|a| !a.contains('/')) {
                    out.report(doc.span(n), "`compositeTypeRef.apiVersion` must be `<group>/<version>`")
                        .help("composite resources always have an API group");
                }
            }
        }
    }
}
