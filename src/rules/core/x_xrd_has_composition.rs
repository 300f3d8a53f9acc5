use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags an XRD for which no Composition of the repository has a matching
    /// `compositeTypeRef` (only when the repository has Compositions at all).
    ///
    /// ## Why is this bad?
    /// XRs of that kind can be created but nothing ever composes them.
    ///
    /// ## Example
    /// `configuration/xrd.yaml` defines WebApp,
    /// ```yaml fixture=fail/other-kind file=configuration/xrd.yaml
    /// spec:
    ///   group: openportal.dev
    ///   names:
    ///     kind: WebApp
    /// ```
    /// while the only Composition composes WebService:
    /// ```yaml fixture=fail/other-kind file=configuration/composition.yaml
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: openportal.dev/v1alpha1
    ///     kind: WebService
    /// ```
    ///
    /// Use instead: a Composition of WebApp.
    /// ```yaml fixture=pass/template-repo file=configuration/composition.yaml
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: openportal.dev/v1alpha1
    ///     kind: WebApp
    /// ```
    pub XXrdHasComposition {
        id: "x-xrd-has-composition",
        category: Suspicious,
        severity: Warning,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XXrdHasComposition {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if ws.index.compositions.is_empty() {
            return;
        }
        for x in ws.xrds() {
            let (Some(group), Some(kind)) = (x.group(), x.kind()) else {
                continue;
            };
            if ws.compositions_for(group, kind).next().is_none() {
                let at = x
                    .spec()
                    .and_then(|s| s.path(&["names", "kind"]))
                    .map(|n| x.doc().span(n))
                    .unwrap_or_else(|| x.doc().head_span());
                out.report(at, format!("no Composition composes {code0}", code0 = code(&kind)))
                    .help(format!(
                        "add a Composition with {code0}",
                        code0 = code(&format!(
                            "compositeTypeRef: {{apiVersion: {group}/<version>, kind: {kind}}}"
                        ))
                    ));
            }
        }
    }
}
