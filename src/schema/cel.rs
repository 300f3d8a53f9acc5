//! `x-kubernetes-validations` CEL rules, evaluated client-side with kube-cel (the Kubernetes
//! CEL library). A rule kube-cel cannot compile or evaluate is reported as such, never treated
//! as passing.

use crate::parse::yaml::Node;

/// The outcome of one failed or unevaluable rule.
#[derive(Debug, Clone)]
pub struct CelFinding {
    /// Dotted path of the field the rule is attached to (`spec`, `spec.size`).
    pub field_path: String,
    /// The message (the rule's `message`, or what went wrong).
    pub message: String,
    /// The CEL expression.
    pub rule: String,
    /// True when the rule evaluated to false; false when it could not be evaluated.
    pub failed: bool,
}

/// True when a schema has any `x-kubernetes-validations` (so CEL needs to run at all).
pub fn has_rules(schema: &Node) -> bool {
    match &schema.value {
        crate::parse::yaml::Value::Map(entries) => entries
            .iter()
            .any(|e| e.key == "x-kubernetes-validations" || has_rules(&e.value)),
        crate::parse::yaml::Value::Seq(items) => items.iter().any(has_rules),
        _ => false,
    }
}

/// A schema compiled for CEL evaluation.
pub struct Compiled(kube_cel::CompiledSchema);

/// Compiles the CEL rules of a schema.
pub fn compile(schema: &Node) -> Compiled {
    Compiled(kube_cel::compile_schema(&schema.to_json()))
}

/// Evaluates the rules against an object (defaults applied first, as the API server does).
pub fn evaluate(compiled: &Compiled, object: &Node) -> Vec<CelFinding> {
    let Err(errors) = kube_cel::validate_compiled(&compiled.0, &object.to_json(), None) else {
        return Vec::new();
    };
    errors
        .into_vec()
        .into_iter()
        .map(|e| CelFinding {
            failed: e.kind == kube_cel::ErrorKind::ValidationFailure,
            field_path: e.field_path,
            message: e.message,
            rule: e.rule,
        })
        .collect()
}
