use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `spec.crossplane` of a composite resource: it may only hold `compositionRef{name}`,
    /// `compositionSelector{matchLabels}`, `compositionRevisionRef{name}`,
    /// `compositionRevisionSelector{matchLabels}`, `compositionUpdatePolicy` (`Automatic` or
    /// `Manual`) and `resourceRefs[]{apiVersion, kind, name}`; a namespaced XR's `resourceRefs`
    /// have no `namespace`.
    ///
    /// ## Why is this bad?
    /// Crossplane's generated schema rejects anything else, so Flux's apply fails.
    ///
    /// ## Example
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// spec:
    ///   name: demo
    ///   crossplane:
    ///     compositionUpdatePolicy: Always
    ///     compositionRef: {}
    ///     selector: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/valid-block file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// spec:
    ///   name: demo
    ///   replicas: 2
    ///   crossplane:
    ///     compositionUpdatePolicy: Automatic
    ///     compositionRef: {name: whoamiapp}
    /// ```
    pub XpXrCrossplaneBlock {
        id: "xp-xr-crossplane-block",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for XpXrCrossplaneBlock {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        const KEYS: &[&str] = &[
            "compositionRef",
            "compositionSelector",
            "compositionRevisionRef",
            "compositionRevisionSelector",
            "compositionUpdatePolicy",
            "resourceRefs",
        ];
        for d in ws.xr_candidates() {
            let Some(cp) = d.root.path(&["spec", "crossplane"]) else {
                continue;
            };
            let namespaced = ws
                .order_xrd(d)
                .map(|(x, claim)| claim || x.is_namespaced())
                .unwrap_or(true);
            for e in cp.as_map().unwrap_or(&[]) {
                match e.key.as_str() {
                    k if !KEYS.contains(&k) => {
                        let dm = out.report(
                            d.key_span(e),
                            format!(
                                "{code0} is not a Crossplane field",
                                code0 = code(&format!("spec.crossplane.{k}"))
                            ),
                        );
                        if let Some(s) = crate::parse::text::suggest(k, KEYS.iter().copied()) {
                            dm.help(format!("did you mean {code0}?", code0 = code(&s)));
                        }
                    }
                    "compositionUpdatePolicy" if !matches!(e.value.as_str(), Some("Automatic" | "Manual")) => {
                        out.report(
                            d.span(&e.value),
                            format!(
                                "`compositionUpdatePolicy` must be `Automatic` or `Manual`, found {code0}",
                                code0 = code(&(e.value.scalar_text().unwrap_or_default()))
                            ),
                        );
                    }
                    "compositionRef" | "compositionRevisionRef" if e.value.get("name").is_none() => {
                        out.report(d.key_span(e), format!("{code0} needs `name`", code0 = code(&e.key)));
                    }
                    "compositionSelector" | "compositionRevisionSelector" if e.value.get("matchLabels").is_none() => {
                        out.report(
                            d.key_span(e),
                            format!("{code0} needs `matchLabels`", code0 = code(&e.key)),
                        );
                    }
                    "resourceRefs" => {
                        for r in e.value.as_seq().unwrap_or(&[]) {
                            for k in ["apiVersion", "kind"] {
                                if r.get(k).is_none() {
                                    out.report(
                                        d.span(r),
                                        format!("a resource reference needs {code0}", code0 = code(&k)),
                                    );
                                }
                            }
                            if namespaced {
                                if let Some(ns) = r.entry("namespace") {
                                    out.report(
                                        d.key_span(ns),
                                        "a namespaced XR's resource references have no `namespace`",
                                    );
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}
