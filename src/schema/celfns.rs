//! What portalint adds to the CEL interpreter so that it evaluates as the Kubernetes API
//! server does: `type()` and the type constants (`int`, `google.protobuf.Timestamp`, …),
//! `size()` of a string in code points, and the evaluation of one parsed rule with `self`
//! bound.

use kube_cel::cel::common::ast::Expr;
use kube_cel::cel::extractors::This;
use kube_cel::cel::objects::Opaque;
use kube_cel::cel::{Context, ExecutionError, FunctionContext, IdedExpr, Value};
use kube_cel::KubeCelExt;
use std::sync::Arc;

/// A CEL type, as `type(x)` returns it and `int`, `string`, … name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CelType(pub String);

impl Opaque for CelType {
    fn runtime_type_name(&self) -> &str {
        "type"
    }
}

/// The type constants CEL names.
const TYPES: &[&str] = &[
    "int",
    "uint",
    "double",
    "bool",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
    "google.protobuf.Timestamp",
    "google.protobuf.Duration",
    "optional_type",
    "net.IP",
    "net.CIDR",
];

/// The CEL type name of a value.
pub fn type_name(v: &Value) -> String {
    match v {
        Value::Int(_) => "int".into(),
        Value::UInt(_) => "uint".into(),
        Value::Float(_) => "double".into(),
        Value::String(_) => "string".into(),
        Value::Bytes(_) => "bytes".into(),
        Value::Bool(_) => "bool".into(),
        Value::List(_) => "list".into(),
        Value::Map(_) => "map".into(),
        Value::Null => "null_type".into(),
        Value::Timestamp(_) => "google.protobuf.Timestamp".into(),
        Value::Duration(_) => "google.protobuf.Duration".into(),
        Value::Function(..) => "function".into(),
        Value::Opaque(o) if o.runtime_type_name() == "type" => "type".into(),
        Value::Opaque(o) if o.runtime_type_name().contains("ptional") => "optional_type".into(),
        Value::Opaque(o) => o.runtime_type_name().to_string(),
    }
}

fn type_of(This(this): This<Value>) -> Result<Value, ExecutionError> {
    Ok(Value::Opaque(Arc::new(CelType(type_name(&this)))))
}

/// `size()`: strings count code points, as in CEL.
fn size(ftx: &FunctionContext, This(this): This<Value>) -> Result<i64, ExecutionError> {
    let n = match this {
        Value::List(l) => l.len(),
        Value::Map(m) => m.map.len(),
        Value::String(s) => s.chars().count(),
        Value::Bytes(b) => b.len(),
        other => {
            return Err(ftx.error(format!(
                "no matching overload for 'size' applied to '{}'",
                type_name(&other)
            )))
        }
    };
    Ok(n as i64)
}

/// The root context: the standard library, the Kubernetes libraries, portalint's additions
/// and the type constants.
pub fn context() -> Context<'static> {
    let mut ctx = Context::default().with_all();
    ctx.add_function("type", type_of);
    ctx.add_function("size", size);
    ctx.add_function("dyn", dyn_);
    ctx.add_function("string", to_string);
    ctx.add_function("all", |ftx: &FunctionContext, This(this): This<Value>| {
        two_var(ftx, this, Quantifier::All)
    });
    ctx.add_function("exists", |ftx: &FunctionContext, This(this): This<Value>| {
        two_var(ftx, this, Quantifier::Exists)
    });
    ctx.add_function("existsOne", |ftx: &FunctionContext, This(this): This<Value>| {
        two_var(ftx, this, Quantifier::One)
    });
    ctx.add_function("exists_one", |ftx: &FunctionContext, This(this): This<Value>| {
        two_var(ftx, this, Quantifier::One)
    });
    ctx.add_function("transformList", |ftx: &FunctionContext, This(this): This<Value>| {
        transform(ftx, this, Into::List)
    });
    ctx.add_function("transformMap", |ftx: &FunctionContext, This(this): This<Value>| {
        transform(ftx, this, Into::Map)
    });
    ctx.add_function("transformMapEntry", |ftx: &FunctionContext, This(this): This<Value>| {
        transform(ftx, this, Into::Entries)
    });
    ctx.add_function("sortBy", sort_by);
    ctx.add_function("optMap", opt_map);
    ctx.add_function("__k8s_eq__", eq);
    ctx.add_function("__k8s_ne__", ne);
    ctx.add_function("__k8s_set_eq__", set_eq);
    ctx.add_function("__k8s_set_ne__", set_ne);
    ctx.add_function("__k8s_set_add__", set_add);
    ctx.add_function("__k8s_map_add__", map_add);
    for t in TYPES {
        ctx.add_variable_from_value(*t, Value::Opaque(Arc::new(CelType(t.to_string()))));
    }
    ctx
}

/// Rewrites a parsed expression in place: the selection `google.protobuf.Timestamp` (and
/// `Duration`) becomes the identifier it names.
pub fn rewrite(e: &mut IdedExpr) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let Expr::Select(s) = &e.expr {
            if !s.test {
                if let Some(name) = dotted(&e.expr) {
                    if TYPES.contains(&name.as_str()) {
                        e.expr = Expr::Ident(name);
                        continue;
                    }
                }
            }
        }
        match &mut e.expr {
            Expr::Call(c) => {
                if let Some(t) = c.target.as_deref_mut() {
                    stack.push(t);
                }
                stack.extend(c.args.iter_mut());
            }
            Expr::Comprehension(c) => {
                stack.push(&mut c.iter_range);
                stack.push(&mut c.accu_init);
                stack.push(&mut c.loop_cond);
                stack.push(&mut c.loop_step);
                stack.push(&mut c.result);
            }
            Expr::List(l) => stack.extend(l.elements.iter_mut()),
            Expr::Map(m) => {
                for entry in m.entries.iter_mut() {
                    if let kube_cel::cel::common::ast::EntryExpr::MapEntry(me) = &mut entry.expr {
                        stack.push(&mut me.key);
                        stack.push(&mut me.value);
                    }
                }
            }
            Expr::Select(s) => stack.push(&mut s.operand),
            Expr::Struct(s) => {
                for entry in s.entries.iter_mut() {
                    if let kube_cel::cel::common::ast::EntryExpr::StructField(f) = &mut entry.expr {
                        stack.push(&mut f.value);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `a.b.c` as a dotted name, when the expression is only identifiers and selections.
fn dotted(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(n) => Some(n.clone()),
        Expr::Select(s) if !s.test => Some(format!("{}.{}", dotted(&s.operand.expr)?, s.field)),
        _ => None,
    }
}

/// True when the expression names the variable `name`.
pub fn references(e: &IdedExpr, name: &str) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.expr {
            Expr::Ident(n) if n == name => return true,
            Expr::Call(c) => {
                stack.extend(c.target.as_deref());
                stack.extend(c.args.iter());
            }
            Expr::Comprehension(c) => {
                stack.extend([&c.iter_range, &c.accu_init, &c.loop_cond, &c.loop_step, &c.result]);
            }
            Expr::List(l) => stack.extend(l.elements.iter()),
            Expr::Map(m) => {
                for entry in &m.entries {
                    if let kube_cel::cel::common::ast::EntryExpr::MapEntry(me) = &entry.expr {
                        stack.push(&me.key);
                        stack.push(&me.value);
                    }
                }
            }
            Expr::Select(s) => stack.push(&s.operand),
            _ => {}
        }
    }
    false
}

/// Evaluates a parsed expression with `self` bound. A panic of the interpreter is an
/// evaluation error, never a pass.
pub fn run(root: &Context<'_>, e: &IdedExpr, this: &Value) -> Result<Value, String> {
    let mut ctx = root.new_inner_scope();
    ctx.add_variable_from_value("self", this.clone());
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ctx.resolve(e))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(crate::schema::cel::value_free(&e.to_string())),
        Err(_) => Err("the evaluation failed".to_string()),
    }
}

fn dyn_(This(v): This<Value>) -> Result<Value, ExecutionError> {
    Ok(v)
}
fn eq(This(a): This<Value>, b: Value) -> Result<bool, ExecutionError> {
    Ok(equal(&a, &b))
}
fn ne(This(a): This<Value>, b: Value) -> Result<bool, ExecutionError> {
    Ok(!equal(&a, &b))
}
fn set_eq(This(a): This<Value>, b: Value) -> Result<bool, ExecutionError> {
    Ok(set_equal(&a, &b))
}
fn set_ne(This(a): This<Value>, b: Value) -> Result<bool, ExecutionError> {
    Ok(!set_equal(&a, &b))
}

/// Equality as CEL defines it, optionals included (compared by what they hold).
pub fn equal(a: &Value, b: &Value) -> bool {
    use kube_cel::cel::objects::OptionalValue;
    match (a, b) {
        (Value::Opaque(x), Value::Opaque(y)) => {
            match (x.downcast_ref::<OptionalValue>(), y.downcast_ref::<OptionalValue>()) {
                (Some(x), Some(y)) => match (x.value(), y.value()) {
                    (None, None) => true,
                    (Some(x), Some(y)) => equal(x, y),
                    _ => false,
                },
                (None, None) => a == b,
                _ => false,
            }
        }
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(x, y)| equal(x, y)),
        (Value::Map(x), Value::Map(y)) => {
            x.map.len() == y.map.len() && x.map.iter().all(|(k, v)| y.map.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// Equality of lists that are sets or map-lists: the same items in any order.
fn set_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|v| {
                let at = (0..y.len()).find(|&i| !used[i] && equal(v, &y[i]));
                at.map(|i| used[i] = true).is_some()
            })
        }
        _ => equal(a, b),
    }
}

fn list(ftx: &FunctionContext, v: &Value) -> Result<Arc<Vec<Value>>, ExecutionError> {
    match v {
        Value::List(l) => Ok(l.clone()),
        other => Err(ftx.error(format!(
            "no matching overload for '_+_' applied to '{}'",
            type_name(other)
        ))),
    }
}

/// `+` of a set: the items of the left, then those of the right not in it.
fn set_add(ftx: &FunctionContext, This(a): This<Value>, b: Value) -> Result<Value, ExecutionError> {
    let (a, b) = (list(ftx, &a)?, list(ftx, &b)?);
    let mut out: Vec<Value> = a.to_vec();
    for v in b.iter() {
        if !out.iter().any(|w| equal(v, w)) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(Arc::new(out)))
}

/// `+` of a map-list: an item of the right replaces the left's item with the same keys in
/// place; the others are appended.
fn map_add(ftx: &FunctionContext, This(a): This<Value>, b: Value, keys: Value) -> Result<Value, ExecutionError> {
    let (a, b, keys) = (list(ftx, &a)?, list(ftx, &b)?, list(ftx, &keys)?);
    let key_of = |v: &Value| -> Vec<Option<Value>> {
        keys.iter()
            .map(|k| match (v, k) {
                (Value::Map(m), Value::String(k)) => {
                    m.map.get(&kube_cel::cel::objects::Key::String(k.clone())).cloned()
                }
                _ => None,
            })
            .collect()
    };
    let mut out: Vec<Value> = a.to_vec();
    for v in b.iter() {
        let k = key_of(v);
        match out.iter().position(|w| key_of(w) == k) {
            Some(i) => out[i] = v.clone(),
            None => out.push(v.clone()),
        }
    }
    Ok(Value::List(Arc::new(out)))
}

/// What a two-variable comprehension computes.
#[derive(Clone, Copy)]
enum Quantifier {
    All,
    Exists,
    One,
}

/// What a `transform…` comprehension builds.
#[derive(Clone, Copy)]
enum Into {
    List,
    Map,
    Entries,
}

/// The (index or key, item or value) pairs a two-variable comprehension ranges over.
fn pairs(ftx: &FunctionContext, this: &Value) -> Result<Vec<(Value, Value)>, ExecutionError> {
    match this {
        Value::List(l) => Ok(l
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::Int(i as i64), v.clone()))
            .collect()),
        Value::Map(m) => Ok(m.map.iter().map(|(k, v)| (Value::from(k.clone()), v.clone())).collect()),
        other => Err(ftx.error(format!("cannot range over {}", type_name(other)))),
    }
}

/// The variable names of a comprehension call (`l.all(i, v, …)`): its first `n` arguments.
fn names(ftx: &FunctionContext, n: usize) -> Result<Vec<String>, ExecutionError> {
    (0..n)
        .map(|i| match ftx.args.get(i).map(|a| &a.expr) {
            Some(Expr::Ident(name)) => Ok(name.clone()),
            _ => Err(ftx.error(format!("argument {} of '{}' must be a variable name", i + 1, ftx.name))),
        })
        .collect()
}

fn eval_with(ftx: &FunctionContext, vars: &[(&str, &Value)], body: &IdedExpr) -> Result<Value, ExecutionError> {
    let mut scope = ftx.ptx.new_inner_scope();
    for (n, v) in vars {
        scope.add_variable_from_value(n.to_string(), (*v).clone());
    }
    scope.resolve(body)
}

/// `all` / `exists` / `existsOne` with two variables: `l.all(i, v, p)`, `m.exists(k, v, p)`.
fn two_var(ftx: &FunctionContext, this: Value, q: Quantifier) -> Result<Value, ExecutionError> {
    if ftx.args.len() != 3 {
        return Err(ftx.error(format!("'{}' takes two variables and a predicate", ftx.name)));
    }
    let vars = names(ftx, 2)?;
    let (mut count, mut error) = (0usize, None);
    for (a, b) in pairs(ftx, &this)? {
        match eval_with(ftx, &[(&vars[0], &a), (&vars[1], &b)], &ftx.args[2]) {
            Ok(Value::Bool(true)) => {
                count += 1;
                if matches!(q, Quantifier::Exists) {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false)) => {
                if matches!(q, Quantifier::All) {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(other) => error = error.or(Some(ftx.error(format!("predicate is {}, not bool", type_name(&other))))),
            Err(e) => error = error.or(Some(e)),
        }
    }
    if let Some(e) = error {
        return Err(e);
    }
    Ok(Value::Bool(match q {
        Quantifier::All => true,
        Quantifier::Exists => false,
        Quantifier::One => count == 1,
    }))
}

/// `transformList(i, v, [filter,] expr)`, `transformMap(k, v, [filter,] expr)`,
/// `transformMapEntry(k, v, [filter,] {key: value})`.
fn transform(ftx: &FunctionContext, this: Value, into: Into) -> Result<Value, ExecutionError> {
    use kube_cel::cel::objects::{Key, Map};
    if !(3..=4).contains(&ftx.args.len()) {
        return Err(ftx.error(format!(
            "'{}' takes two variables, an optional filter and an expression",
            ftx.name
        )));
    }
    let vars = names(ftx, 2)?;
    let (filter, expr) = match ftx.args.len() {
        4 => (Some(&ftx.args[2]), &ftx.args[3]),
        _ => (None, &ftx.args[2]),
    };
    let mut list = Vec::new();
    let mut map = std::collections::HashMap::new();
    for (a, b) in pairs(ftx, &this)? {
        let vars = [(vars[0].as_str(), &a), (vars[1].as_str(), &b)];
        if let Some(f) = filter {
            match eval_with(ftx, &vars, f)? {
                Value::Bool(true) => {}
                Value::Bool(false) => continue,
                other => return Err(ftx.error(format!("filter is {}, not bool", type_name(&other)))),
            }
        }
        let v = eval_with(ftx, &vars, expr)?;
        match into {
            Into::List => list.push(v),
            Into::Map => {
                let key = match &a {
                    Value::String(s) => Key::String(s.clone()),
                    Value::Int(i) => Key::Int(*i),
                    Value::UInt(u) => Key::Uint(*u),
                    Value::Bool(b) => Key::Bool(*b),
                    _ => return Err(ftx.error("unsupported map key")),
                };
                map.insert(key, v);
            }
            Into::Entries => match v {
                Value::Map(m) => {
                    for (k, v) in m.map.iter() {
                        if map.insert(k.clone(), v.clone()).is_some() {
                            return Err(ftx.error("insert failed: key already exists"));
                        }
                    }
                }
                other => return Err(ftx.error(format!("expected a map, got {}", type_name(&other)))),
            },
        }
    }
    Ok(match into {
        Into::List => Value::List(Arc::new(list)),
        _ => Value::Map(Map { map: Arc::new(map) }),
    })
}

/// `l.sortBy(e, key)`: the items ordered by their key (stable).
fn sort_by(ftx: &FunctionContext, This(this): This<Value>) -> Result<Value, ExecutionError> {
    let Value::List(items) = &this else {
        return Err(ftx.error(format!(
            "no matching overload for 'sortBy' applied to '{}'",
            type_name(&this)
        )));
    };
    if ftx.args.len() != 2 {
        return Err(ftx.error("'sortBy' takes a variable and a key expression"));
    }
    let var = names(ftx, 1)?.remove(0);
    let mut keyed = Vec::with_capacity(items.len());
    for v in items.iter() {
        keyed.push((eval_with(ftx, &[(&var, v)], &ftx.args[1])?, v.clone()));
    }
    let mut failed = None;
    keyed.sort_by(|(a, _), (b, _)| {
        a.partial_cmp(b).unwrap_or_else(|| {
            failed = Some(());
            std::cmp::Ordering::Equal
        })
    });
    if failed.is_some() {
        return Err(ftx.error("sortBy keys cannot be compared"));
    }
    Ok(Value::List(Arc::new(keyed.into_iter().map(|(_, v)| v).collect())))
}

/// `o.optMap(v, expr)`: the optional of `expr` over the value, or none.
fn opt_map(ftx: &FunctionContext, This(this): This<Value>) -> Result<Value, ExecutionError> {
    use kube_cel::cel::objects::OptionalValue;
    let Value::Opaque(o) = &this else {
        return Err(ftx.error(format!(
            "no matching overload for 'optMap' applied to '{}'",
            type_name(&this)
        )));
    };
    let Some(opt) = o.downcast_ref::<OptionalValue>() else {
        return Err(ftx.error("optMap applies to an optional"));
    };
    let var = names(ftx, 1)?.remove(0);
    Ok(match opt.value() {
        Some(v) => Value::Opaque(Arc::new(OptionalValue::of(eval_with(ftx, &[(&var, v)], &ftx.args[1])?))),
        None => this.clone(),
    })
}

/// `string(x)`: as CEL converts bools, durations (`3723.004s`) and timestamps (RFC 3339)
/// too.
fn to_string(ftx: &FunctionContext, This(this): This<Value>) -> Result<Value, ExecutionError> {
    let s = match &this {
        Value::String(_) => return Ok(this.clone()),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Bytes(b) => match std::str::from_utf8(b) {
            Ok(s) => s.to_string(),
            Err(_) => return Err(ftx.error("invalid UTF-8 in bytes, cannot convert to string")),
        },
        Value::Duration(d) => {
            let nanos = d.num_nanoseconds().unwrap_or(i64::MAX);
            let secs = nanos as f64 / 1e9;
            format!("{secs}s")
        }
        Value::Timestamp(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        other => {
            return Err(ftx.error(format!(
                "no matching overload for 'string' applied to '({})'",
                type_name(other)
            )))
        }
    };
    Ok(Value::String(Arc::new(s)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn equality_is_rewritten_and_evaluates() {
        let schema = serde_json::json!({"type": "object", "properties": {
            "tier": {"type": "string"}, "n": {"type": "integer"},
            "s": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"}}});
        let this = crate::schema::celvalue::typed(
            &serde_json::json!({"tier": "basic", "n": 600, "s": ["a", "b"]}),
            Some(&schema),
        );
        let root = super::context();
        for (rule, want) in [
            ("self.n <= 500 || self.tier == 'premium'", false),
            ("self.tier == 'basic'", true),
            ("self.s == ['b', 'a']", true),
            ("optional.none() == optional.none()", true),
            ("string(true) == 'true' && string(duration('1m')) == '60s'", true),
        ] {
            let mut e = crate::schema::cel::parse(rule).expect("parses");
            let (_, rw) = crate::schema::celcheck::analyse(&e, &schema, false);
            crate::schema::celcheck::apply(&mut e, &rw);
            assert_eq!(
                super::run(&root, &e, &this),
                Ok(kube_cel::cel::Value::Bool(want)),
                "{rule}"
            );
        }
    }
}
