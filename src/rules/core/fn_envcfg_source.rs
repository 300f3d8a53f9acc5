use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks function-environment-configs inputs: each `spec.environmentConfigs[]` is
    /// `type: Reference` (the default; needs `ref.name`) or `type: Selector` (needs
    /// `selector.matchLabels[]`, each with `key` and `type` `FromCompositeFieldPath` (needs
    /// `valueFromFieldPath`) or `Value` (needs `value`)). `selector.mode` is `Single` or
    /// `Multiple`; `policy.resolution` is `Required` or `Optional`.
    ///
    /// ## Why is this bad?
    /// The function fails every reconcile and the composition never runs.
    ///
    /// ## Example
    /// ```yaml fixture=fail/sources.yaml
    /// environmentConfigs:
    /// - type: Reference
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// environmentConfigs:
    /// - type: Reference
    ///   ref: {name: dns-config}
    /// ```
    pub FnEnvcfgSource {
        id: "fn-envcfg-source",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnEnvcfgSource {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let doc = c.doc;
            for s in c.steps().iter().filter(|s| s.is_environment_configs()) {
                let Some(items) = s
                    .input
                    .and_then(|i| i.path(&["spec", "environmentConfigs"]))
                    .and_then(Node::as_seq)
                else {
                    continue;
                };
                for e in items {
                    let at = e.get("type").map(|n| doc.span(n)).unwrap_or_else(|| doc.span(e));
                    match e.get("type").and_then(Node::as_str).unwrap_or("Reference") {
                        "Reference" => {
                            if e.path(&["ref", "name"]).is_none() {
                                out.report(at, "a `Reference` environment config needs `ref.name`");
                            }
                        }
                        "Selector" => {
                            let labels = e
                                .path(&["selector", "matchLabels"])
                                .and_then(Node::as_seq)
                                .unwrap_or(&[]);
                            if labels.is_empty() {
                                out.report(at, "a `Selector` environment config needs `selector.matchLabels`");
                            }
                            for l in labels {
                                if l.get("key").is_none() {
                                    out.report(doc.span(l), "`matchLabels` entry needs `key`");
                                }
                                match l.get("type").and_then(Node::as_str).unwrap_or("FromCompositeFieldPath") {
                                    "FromCompositeFieldPath" if l.get("valueFromFieldPath").is_none() => {
                                        out.report(
                                            doc.span(l),
                                            "a `FromCompositeFieldPath` label needs `valueFromFieldPath`",
                                        );
                                    }
                                    "Value" if l.get("value").is_none() => {
                                        out.report(doc.span(l), "a `Value` label needs `value`");
                                    }
                                    "FromCompositeFieldPath" | "Value" => {}
                                    other => {
                                        out.report(
                                            doc.span(l),
                                            format!(
                                                "label type must be `FromCompositeFieldPath` or `Value`, found {code0}",
                                                code0 = code(&other)
                                            ),
                                        );
                                    }
                                }
                            }
                            if let Some(m) = e.path(&["selector", "mode"]) {
                                if !matches!(m.as_str(), Some("Single" | "Multiple")) {
                                    out.report(doc.span(m), "`selector.mode` must be `Single` or `Multiple`");
                                }
                            }
                        }
                        other => {
                            out.report(
                                at,
                                format!(
                                    "environment config `type` must be `Reference` or `Selector`, found {code0}",
                                    code0 = code(&other)
                                ),
                            );
                        }
                    }
                    if let Some(r) = e.path(&["policy", "resolution"]) {
                        if !matches!(r.as_str(), Some("Required" | "Optional")) {
                            out.report(doc.span(r), "`policy.resolution` must be `Required` or `Optional`");
                        }
                    }
                }
            }
        }
    }
}
