use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::core::fn_gotpl_resource_name_annotation::NAME_ANNOTATION;
use crate::rules::{Rule, Sink};
use std::collections::HashMap;

crate::declare_rule! {
    /// ## What it does
    /// Flags a composition-resource-name used by go-templating documents of two different
    /// pipeline steps of one Composition. (Within one template, the same name in the two
    /// branches of an `{{if}}` is legitimate and not reported.)
    ///
    /// ## Why is this bad?
    /// The later step overwrites the desired resource of the earlier one: one of the two
    /// resources is silently never created.
    ///
    /// ## Example
    /// The first step (`render`) renders a ConfigMap named `config`; the second step renders
    /// another resource under the same name:
    /// ```yaml fixture=fail/two-steps file=composition.yaml
    /// template: |
    ///   apiVersion: v1
    ///   kind: ConfigMap
    ///   metadata:
    ///     name: other
    ///     annotations:
    ///       gotemplating.fn.crossplane.io/composition-resource-name: config
    /// ```
    ///
    /// Use instead: a name of its own in the second step.
    /// ```yaml fixture=pass/two-steps file=composition.yaml
    /// template: |
    ///   apiVersion: v1
    ///   kind: ConfigMap
    ///   metadata:
    ///     name: other
    ///     annotations:
    ///       gotemplating.fn.crossplane.io/composition-resource-name: other
    /// ```
    pub FnGotplResourceNameUnique {
        id: "fn-gotpl-resource-name-unique",
        category: Suspicious,
        severity: Warning,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnGotplResourceNameUnique {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let mut first: HashMap<&str, (usize, crate::parse::source::Span)> = HashMap::new();
            for r in ws.composed(&c) {
                let Some(name) = r.static_str(&["metadata", "annotations", NAME_ANNOTATION]) else {
                    continue;
                };
                let at = r.span(
                    r.root
                        .path(&["metadata", "annotations", NAME_ANNOTATION])
                        .expect("present"),
                );
                match first.get(name) {
                    Some((step, prev)) if *step != r.step => {
                        out.report(
                            at,
                            format!(
                                "composition-resource-name {code0} is already used by another step",
                                code0 = code(&name)
                            ),
                        )
                        .label(*prev, "first used here")
                        .help("the later step overwrites the earlier resource; give each resource a unique name");
                    }
                    Some(_) => {}
                    None => {
                        first.insert(name, (r.step, at));
                    }
                }
            }
        }
    }
}
