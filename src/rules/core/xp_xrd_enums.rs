use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks XRD enum fields: `defaultCompositionUpdatePolicy` is `Automatic` or `Manual`;
    /// `defaultCompositeDeletePolicy` (v1) is `Background` or `Foreground`;
    /// `conversion.strategy` is `None` or `Webhook`, and `Webhook` needs a `webhook` config.
    ///
    /// ## Why is this bad?
    /// The API server rejects the XRD.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   defaultCompositionUpdatePolicy: auto
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   defaultCompositionUpdatePolicy: Automatic
    /// ```
    pub XpXrdEnums {
        id: "xp-xrd-enums",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdEnums {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let Some(spec) = x.spec() else { continue };
            let fields: [(&str, &[&str]); 2] = [
                ("defaultCompositionUpdatePolicy", &["Automatic", "Manual"]),
                ("defaultCompositeDeletePolicy", &["Background", "Foreground"]),
            ];
            for (key, allowed) in fields {
                let Some(n) = spec.get(key) else { continue };
                let v = n.scalar_text().unwrap_or_default();
                if !allowed.contains(&v.as_str()) {
                    let d = out.report(
                        doc.span(n),
                        format!(
                            "{code0} must be {}, found {code1}",
                            crate::parse::text::list(allowed, 3),
                            code0 = code(&key),
                            code1 = code(&v)
                        ),
                    );
                    if let Some(s) = crate::parse::text::suggest(&v, allowed.iter().copied()) {
                        d.help(format!("did you mean {code0}?", code0 = code(&s)));
                    }
                }
            }
            if let Some(conv) = spec.get("conversion") {
                match conv.str_at(&["strategy"]) {
                    Some("Webhook") if conv.get("webhook").is_none() => {
                        out.report(
                            doc.span_of_key(conv, "strategy"),
                            "`conversion.strategy: Webhook` requires `conversion.webhook`",
                        );
                    }
                    Some("Webhook" | "None") | None => {}
                    Some(other) => {
                        out.report(
                            doc.span_of_key(conv, "strategy"),
                            format!(
                                "`conversion.strategy` must be `None` or `Webhook`, found {code0}",
                                code0 = code(&other)
                            ),
                        );
                    }
                }
            }
        }
    }
}
