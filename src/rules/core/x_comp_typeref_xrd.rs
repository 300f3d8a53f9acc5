use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each Composition's `compositeTypeRef` names an XRD of the repository
    /// (`<spec.group>/<version>` and `spec.names.kind`) and targets its referenceable version.
    /// Compositions whose group no XRD of the repository defines are left alone (their XRD
    /// lives elsewhere).
    ///
    /// ## Why is this bad?
    /// No XR will ever select a Composition for a type that does not exist, and Crossplane
    /// requires Compositions to target only the referenceable version.
    ///
    /// ## Example
    /// `configuration/xrd.yaml` defines the kind WebApp in the group `openportal.dev` with the
    /// one referenceable version `v1alpha1`:
    /// ```yaml fixture=fail/wrong-version file=configuration/composition.yaml
    /// compositeTypeRef:
    ///   apiVersion: openportal.dev/v1beta1
    ///   kind: WebApp
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-repo file=configuration/composition.yaml
    /// compositeTypeRef:
    ///   apiVersion: openportal.dev/v1alpha1
    ///   kind: WebApp
    /// ```
    pub XCompTyperefXrd {
        id: "x-comp-typeref-xrd",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XCompTyperefXrd {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let Some((group, version, kind)) = c.type_gvk() else {
                continue;
            };
            let Some(r) = c.type_ref() else { continue };
            let doc = c.doc;
            let at = r.get("apiVersion").map(|n| doc.span(n)).unwrap_or_else(|| doc.span(r));
            let candidates = ws.xrds_for(group, kind, doc.file);
            if candidates
                .iter()
                .any(|x| x.referenceable().and_then(|v| v.name) == Some(version))
            {
                continue;
            }
            if candidates.is_empty() && ws.index.xrd_by_gk.contains_key(&(group.to_string(), kind.to_string())) {
                continue;
            }
            match candidates.first().copied() {
                Some(x) => {
                    let Some(refv) = x.referenceable() else { continue };
                    let Some(rv) = refv.name else { continue };
                    if rv != version {
                        out.report(
                            at,
                            format!(
                                "the Composition targets {code0}, but the referenceable version of {code1} is {code2}",
                                code0 = code(&format!("{group}/{version}")),
                                code1 = code(&kind),
                                code2 = code(&rv)
                            ),
                        )
                        .label(
                            x.doc().span(refv.node.get("name").unwrap_or(refv.node)),
                            "referenceable version defined here",
                        )
                        .help(format!(
                            "use {code0}",
                            code0 = code(&format!("apiVersion: {group}/{rv}"))
                        ));
                    }
                }
                None => {
                    let same_group: Vec<&str> = ws
                        .xrds()
                        .filter(|x| x.group() == Some(group))
                        .filter_map(|x| x.kind())
                        .collect();
                    if same_group.is_empty() {
                        continue;
                    }
                    let kat = r.get("kind").map(|n| doc.span(n)).unwrap_or(at);
                    let d = out.report(
                        kat,
                        format!(
                            "no XRD in the repository defines {code0} in group {code1}",
                            code0 = code(&kind),
                            code1 = code(&group)
                        ),
                    );
                    if let Some(s) = crate::parse::text::suggest(kind, same_group.iter().copied()) {
                        d.help(format!("did you mean {code0}?", code0 = code(&s)));
                    }
                }
            }
        }
    }
}
