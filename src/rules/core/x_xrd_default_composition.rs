use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `spec.defaultCompositionRef.name` and `spec.enforcedCompositionRef.name` of
    /// an XRD name a Composition of the repository whose `compositeTypeRef` targets that XRD.
    ///
    /// ## Why is this bad?
    /// Every XR that does not pick a composition itself fails to compose ("cannot select
    /// composition"). A common slip is using the XRD name (`webapps.openportal.dev`) instead of
    /// the Composition name.
    ///
    /// ## Example
    /// The Composition (`configuration/composition.yaml`) is named `webapp`:
    /// ```yaml fixture=fail/xrd-name file=configuration/xrd.yaml
    /// defaultCompositionRef:
    ///   name: webapps.openportal.dev
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-repo file=configuration/xrd.yaml
    /// defaultCompositionRef:
    ///   name: webapp
    /// ```
    pub XXrdDefaultComposition {
        id: "x-xrd-default-composition",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XXrdDefaultComposition {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if ws.index.compositions.is_empty() {
            return;
        }
        for x in ws.xrds() {
            let (Some(spec), Some(group), Some(kind)) = (x.spec(), x.group(), x.kind()) else {
                continue;
            };
            for key in ["defaultCompositionRef", "enforcedCompositionRef"] {
                let Some(node) = spec.path(&[key, "name"]) else {
                    continue;
                };
                let Some(name) = node.as_str() else { continue };
                let named: Vec<_> = ws.compositions_named(name).collect();
                if named.is_empty() {
                    let candidates: Vec<&str> = ws.compositions_for(group, kind).filter_map(|c| c.name()).collect();
                    let d = out.report(
                        x.doc().span(node),
                        format!(
                            "{code0} names {code1}, but no Composition has that name",
                            code0 = code(&key),
                            code1 = code(&name)
                        ),
                    );
                    match crate::parse::text::suggest(name, candidates.iter().copied()).or(candidates.first().copied())
                    {
                        Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                        None => d.help("add the Composition or fix the name"),
                    };
                } else if !named
                    .iter()
                    .any(|c| c.type_gvk().is_some_and(|(g, _, k)| g == group && k == kind))
                {
                    let c = named[0];
                    let at = c.type_ref().map(|r| c.doc.span(r)).unwrap_or_else(|| c.doc.head_span());
                    out.report(
                        x.doc().span(node),
                        format!(
                            "Composition {code0} does not compose {code1}",
                            code0 = code(&name),
                            code1 = code(&kind)
                        ),
                    )
                    .label(at, "its compositeTypeRef is here");
                }
            }
        }
    }
}
