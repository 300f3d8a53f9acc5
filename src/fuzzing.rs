//! Entry points for the fuzz targets (`fuzz/`) and their regression tests: run every rule on
//! files given in memory, as `portalint check` would on a repository holding them.

use crate::model::{self, Input, InputContent, Repo, RuleOptions};

/// Checks `(path, text)` files as one repository (Open Service Portal pack on); returns the
/// number of findings. Panics only on a bug (which is what the fuzzers look for).
pub fn check_files(files: &[(&str, &str)]) -> usize {
    findings(files).len()
}

/// The rule ids of the findings of [`check_files`], in report order.
pub fn findings(files: &[(&str, &str)]) -> Vec<&'static str> {
    // The binary's rule threads get 16 MiB stacks (app::main); so do these.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(16 << 20).build_global();
    let inputs = model::Inputs {
        files: files
            .iter()
            .map(|(rel, text)| Input {
                rel: rel.to_string(),
                path: rel.into(),
                content: InputContent::Yaml((*text).into()),
            })
            .collect(),
        paths: files.iter().map(|(rel, _)| rel.to_string()).collect(),
        external: Vec::new(),
        base: Vec::new(),
    };
    let repo = Repo {
        name: "template-fuzz".into(),
        is_dir: true,
        ..Repo::default()
    };
    let ws = model::build(inputs, None, repo, Some(true), RuleOptions::default());
    match crate::engine::run_rules(&ws, &crate::engine::settings::Settings::default()) {
        Ok(d) => d.iter().map(|d| d.rule.meta().id).collect(),
        Err(e) => panic!("{e:?}"),
    }
}

/// An XRD whose `spec` carries `rule` as a CEL validation (with `messageExpression` the same
/// text), checked with an example XR: drives the CEL parser, type checker and evaluator on
/// hostile expressions inside an otherwise valid XRD. Returns the rule ids of the findings.
pub fn cel_rule(rule: &str) -> Vec<&'static str> {
    let rule = serde_json::to_string(rule).unwrap_or_default();
    let xrd = format!(
        "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\n\
         metadata:\n  name: things.openportal.dev\nspec:\n  group: openportal.dev\n  \
         names: {{kind: Thing, plural: things}}\n  versions:\n  - name: v1alpha1\n    served: true\n    \
         referenceable: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        \
         properties:\n          spec:\n            type: object\n            \
         x-kubernetes-validations:\n            - rule: {rule}\n              messageExpression: {rule}\n            \
         properties:\n              size: {{type: integer}}\n              ratio: {{type: number}}\n              \
         name: {{type: string}}\n              when: {{type: string, format: date-time}}\n              \
         port: {{x-kubernetes-int-or-string: true}}\n              \
         tags: {{type: array, items: {{type: string}}, x-kubernetes-list-type: set}}\n              \
         labels: {{type: object, additionalProperties: {{type: string}}}}\n"
    );
    let example = "apiVersion: openportal.dev/v1alpha1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  \
                   size: 3\n  ratio: 2\n  name: héllo\n  when: \"2026-01-02T03:04:05Z\"\n  port: http\n  \
                   tags: [a, b]\n  labels: {a: b}\n";
    findings(&[("configuration/xrd.yaml", &xrd), ("examples/thing.yaml", example)])
}

/// A Composition whose function-go-templating step renders `template` inline: drives the Go
/// template parser and the rules that read templates. Returns the rule ids of the findings.
pub fn go_template(template: &str) -> Vec<&'static str> {
    let template = serde_json::to_string(template).unwrap_or_default();
    let composition = format!(
        "apiVersion: apiextensions.crossplane.io/v1\nkind: Composition\nmetadata:\n  name: things\n\
         spec:\n  compositeTypeRef:\n    apiVersion: openportal.dev/v1alpha1\n    kind: Thing\n  \
         mode: Pipeline\n  pipeline:\n  - step: render\n    functionRef:\n      \
         name: function-go-templating\n    input:\n      \
         apiVersion: gotemplating.fn.crossplane.io/v1beta1\n      kind: GoTemplate\n      \
         source: Inline\n      inline:\n        template: {template}\n"
    );
    findings(&[("configuration/composition.yaml", &composition)])
}

/// An XRD whose `openAPIV3Schema` is `schema` (YAML or JSON text, indented into place) with an
/// example XR: drives the structural-schema checks, defaults and validation on hostile
/// schemas. Returns the rule ids of the findings.
pub fn schema(schema: &str) -> Vec<&'static str> {
    let mut indented = String::with_capacity(schema.len() + schema.len() / 8);
    for line in schema.lines() {
        indented.push_str("        ");
        indented.push_str(line);
        indented.push('\n');
    }
    let xrd = format!(
        "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\n\
         metadata:\n  name: things.openportal.dev\nspec:\n  group: openportal.dev\n  \
         names: {{kind: Thing, plural: things}}\n  versions:\n  - name: v1alpha1\n    served: true\n    \
         referenceable: true\n    schema:\n      openAPIV3Schema:\n{indented}"
    );
    let example = "apiVersion: openportal.dev/v1alpha1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  \
                   size: 3\n  name: x\n  tags: [a, b, a]\n  nested: {a: {b: [1, 2]}}\n";
    findings(&[("configuration/xrd.yaml", &xrd), ("examples/thing.yaml", example)])
}

#[cfg(test)]
mod tests {
    /// The wrappers put the fuzzed text where the rules read it: a false rule, a template that
    /// does not parse and a schema the example breaks each give their finding, valid ones do
    /// not (a wrapper that lost its input would fail here instead of fuzzing nothing).
    #[test]
    fn the_wrappers_reach_the_rules() {
        let xr = |ids: Vec<&str>| ids.contains(&"x-xr-schema");
        assert!(!xr(super::cel_rule(
            "self.size > 1 && self.tags.size() == 2 && self.labels.a == 'b'"
        )));
        assert!(xr(super::cel_rule("self.size > 100")));
        assert!(super::go_template("{{ if }}").contains(&"fn-gotpl-parse"));
        assert!(!super::go_template("apiVersion: v1\nkind: ConfigMap\n").contains(&"fn-gotpl-parse"));
        let open =
            "type: object\nproperties:\n  spec:\n    type: object\n    x-kubernetes-preserve-unknown-fields: true";
        assert!(!xr(super::schema(open)));
        let strict =
            "type: object\nproperties:\n  spec:\n    type: object\n    properties:\n      size: {type: string}";
        assert!(xr(super::schema(strict)));
    }
}
