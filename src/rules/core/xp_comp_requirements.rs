use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks step `requirements.requiredResources` and `requirements.requiredSchemas`:
    /// `requirementName`, `apiVersion` and `kind` are required, `requirementName` is unique
    /// within the list, and `name` and `matchLabels` are mutually exclusive.
    ///
    /// ## Why is this bad?
    /// The API server rejects the Composition ("name and matchLabels are mutually exclusive").
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
    ///     functionRef: {name: function-go-templating}
    ///     requirements:
    ///       requiredResources:
    ///       - requirementName: config
    ///         apiVersion: v1
    ///         kind: ConfigMap
    ///         name: platform
    ///         matchLabels: {app: platform}
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
    ///     functionRef: {name: function-go-templating}
    ///     requirements:
    ///       requiredResources:
    ///       - requirementName: config
    ///         apiVersion: v1
    ///         kind: ConfigMap
    ///         name: platform
    /// ```
    pub XpCompRequirements {
        id: "xp-comp-requirements",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompRequirements {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let doc = c.doc;
            for s in c.steps() {
                let Some(req) = s.node.get("requirements") else {
                    continue;
                };
                for list in ["requiredResources", "requiredSchemas"] {
                    let items = req.get(list).and_then(Node::as_seq).unwrap_or(&[]);
                    for (i, it) in items.iter().enumerate() {
                        for key in ["requirementName", "apiVersion", "kind"] {
                            if it.get(key).is_none() {
                                out.report(
                                    doc.span(it),
                                    format!("{code0} entry has no {code1}", code0 = code(&list), code1 = code(&key)),
                                );
                            }
                        }
                        if it.get("name").is_some() && it.get("matchLabels").is_some() {
                            out.report(
                                doc.span_of_key(it, "matchLabels"),
                                "`name` and `matchLabels` are mutually exclusive",
                            )
                            .help("select one resource by `name`, or many by `matchLabels`");
                        }
                        let rn = it.get("requirementName").and_then(Node::as_str);
                        if let Some(n) = rn {
                            if let Some(first) = items[..i]
                                .iter()
                                .find(|o| o.get("requirementName").and_then(Node::as_str) == Some(n))
                            {
                                out.report(
                                    doc.span(it.get("requirementName").unwrap_or(it)),
                                    format!("requirement {code0} is listed twice", code0 = code(&n)),
                                )
                                .label(doc.span(first), "first listed here");
                            }
                        }
                    }
                }
            }
        }
    }
}
