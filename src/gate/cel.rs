//! Policy CEL expressions over an order, bound as `object` (as in a ValidatingAdmissionPolicy),
//! with the Kubernetes CEL library. An expression that cannot be evaluated, or that yields
//! something other than a boolean, is an [`Evaluation::Error`], never a pass.

use kube_cel::cel::{Context, Program, Value};
use kube_cel::KubeCelExt;

/// A compiled expression.
pub struct Compiled(Program);

/// The result of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evaluation {
    /// The expression is true.
    True,
    /// The expression is false.
    False,
    /// It could not be evaluated (missing field, type error, not a boolean).
    Error(String),
}

/// Compiles an expression; the error is the parser's message.
pub fn compile(expression: &str) -> Result<Compiled, String> {
    if let Some(why) = crate::schema::cel::refuse(expression) {
        return Err(why);
    }
    // The parser may panic on some hostile input; treat that as a syntax error.
    match std::panic::catch_unwind(|| Program::compile(expression)) {
        Ok(Ok(p)) => Ok(Compiled(p)),
        Ok(Err(e)) => Err(e.to_string().lines().next().unwrap_or("syntax error").to_string()),
        Err(_) => Err("the expression cannot be parsed".to_string()),
    }
}

/// Evaluates a compiled expression with `object` bound to `object`.
pub fn evaluate(program: &Compiled, object: &serde_json::Value) -> Evaluation {
    let mut ctx = Context::default().with_all();
    if let Err(e) = ctx.add_variable("object", object) {
        return Evaluation::Error(format!("cannot bind `object`: {e}"));
    }
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| program.0.execute(&ctx))) {
        Ok(Ok(Value::Bool(true))) => Evaluation::True,
        Ok(Ok(Value::Bool(false))) => Evaluation::False,
        Ok(Ok(other)) => Evaluation::Error(format!("the expression is not a boolean: {:?}", other.type_of())),
        Ok(Err(e)) => Evaluation::Error(crate::schema::cel::value_free(&e.to_string())),
        Err(_) => Evaluation::Error("the evaluation failed".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::{compile, evaluate, Evaluation};
    use serde_json::json;

    #[test]
    fn true_false_and_errors() {
        let order = json!({"spec": {"size": "small", "replicas": 3, "storage": "10Gi"}});
        let eval = |e: &str| evaluate(&compile(e).unwrap(), &order);
        assert_eq!(eval("object.spec.size in ['small', 'medium']"), Evaluation::True);
        assert_eq!(eval("object.spec.replicas > 5"), Evaluation::False);
        assert_eq!(
            eval("quantity(object.spec.storage).isLessThan(quantity('20Gi'))"),
            Evaluation::True
        );
        assert!(matches!(eval("object.spec.missing == 'x'"), Evaluation::Error(_)));
        assert!(matches!(eval("object.spec.size"), Evaluation::Error(_)));
        assert!(compile("object.spec.size in [").is_err());
    }
}
