use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags two go-templating documents of one render under the same
    /// composition-resource-name, found by rendering the repository's example XRs
    /// (docs/render.md): two documents of one template (a `range` that names every item
    /// alike, a copied document), or documents of two steps of different kinds. A later step
    /// that renders the same kind under the same name again (to change it) is not reported.
    /// A document without the annotation fails the render (`xp-render-failed`).
    ///
    /// ## Why is this bad?
    /// function-go-templating keeps one desired resource per name, the last one it reads:
    /// the other is silently never created.
    ///
    /// ## Example
    /// A `range` names every ConfigMap `config`:
    /// ```yaml fixture=fail/range file=apis/composition.yaml
    ///           {{- range $i, $n := .observed.composite.resource.spec.names }}
    ///           ---
    ///           apiVersion: v1
    ///           kind: ConfigMap  # expect: xp-render-resource-name-unique
    ///           metadata:
    ///             name: {{ $n }}
    ///             annotations:
    ///               gotemplating.fn.crossplane.io/composition-resource-name: config
    /// ```
    ///
    /// Use instead: a name per item.
    /// ```yaml fixture=pass/range file=apis/composition.yaml
    ///           {{- range $i, $n := .observed.composite.resource.spec.names }}
    ///           ---
    ///           apiVersion: v1
    ///           kind: ConfigMap
    ///           metadata:
    ///             name: {{ $n }}
    ///             annotations:
    ///               gotemplating.fn.crossplane.io/composition-resource-name: config-{{ $i }}
    /// ```
    pub XpRenderResourceNameUnique {
        id: "xp-render-resource-name-unique",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpRenderResourceNameUnique {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let mut seen = std::collections::HashSet::new();
        for (r, _, xr) in ws.each_render() {
            for x in &r.replaced {
                if x.first_step != x.then_step && x.first == x.then {
                    continue;
                }
                let Some(span) = x.then_origin.or(x.first_origin) else {
                    continue;
                };
                if !seen.insert((span, x.name.clone())) {
                    continue;
                }
                let (at, label) = ws.rendered_for(xr);
                let d = out.report(
                    span,
                    format!(
                        "this {code0} is rendered under the composition-resource-name {code1}, which the \
                         {code2} before it already has: only the last one is composed",
                        code0 = code(&x.then.1),
                        code1 = code(&x.name),
                        code2 = code(&x.first.1)
                    ),
                );
                if let Some(first) = x.first_origin.filter(|f| *f != span) {
                    d.label(first, "the resource it replaces");
                }
                d.label(at, label)
                    .help("give each composed resource a name of its own (in a `range`, add the index or key)");
            }
        }
    }
}
