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
    crate::schema::celurl::register(&mut ctx);
    crate::schema::celformat::register(&mut ctx);
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
    ctx.add_function(COMPREHENSION, comprehension);
    ctx.add_function(OPT_SELECT, opt_select);
    ctx.add_function(SUM, sum);
    ctx.add_function("optional.ofNonZeroValue", of_non_zero_value);
    for (name, part) in TIME_PARTS {
        ctx.add_function(name, move |ftx: &FunctionContext| time_part(ftx, *part));
    }
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
    run_counted(root, e, this, u64::MAX).0
}

/// The error of an evaluation cancelled for its cost, as the API server words it.
pub const CANCELLED: &str = "operation cancelled: actual cost limit exceeded";

thread_local! {
    /// The runtime cost counted so far in the evaluation running on this thread.
    static COST: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// The cost at which it is cancelled.
    static LIMIT: std::cell::Cell<u64> = const { std::cell::Cell::new(u64::MAX) };
}

/// Adds `n` to the running evaluation's cost; an error once it is over its limit.
fn charge(ftx: &FunctionContext, n: u64) -> Result<(), ExecutionError> {
    let cost = COST.with(|c| {
        let v = c.get().saturating_add(n);
        c.set(v);
        v
    });
    if cost > LIMIT.with(std::cell::Cell::get) {
        Err(ftx.error(CANCELLED))
    } else {
        Ok(())
    }
}

/// [`run`] with the runtime cost counted and bounded by `limit` (the API server's
/// per-call limit), returning the cost counted. The count is a lower bound of the API
/// server's (cel-go's runtime cost tracker): what every evaluation surely costs
/// ([`min_cost`]) plus, for each step of every comprehension, the least its condition and
/// step cost. So an evaluation cancelled here (the result is [`CANCELLED`]) is one the API
/// server cancels too, and the count bounds the work: a rule with nested loops over a long
/// list stops after at most `limit` counted steps instead of running to its end.
pub fn run_counted(root: &Context<'_>, e: &IdedExpr, this: &Value, limit: u64) -> (Result<Value, String>, u64) {
    let mut ctx = root.new_inner_scope();
    ctx.add_variable_from_value("self", this.clone());
    COST.with(|c| c.set(min_cost(e, 0)));
    LIMIT.with(|l| l.set(limit));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ctx.resolve(e)));
    let cost = COST.with(std::cell::Cell::get);
    LIMIT.with(|l| l.set(u64::MAX));
    if cost > limit {
        return (Err(CANCELLED.to_string()), cost);
    }
    let result = match result {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(crate::schema::cel::value_free(&e.to_string())),
        Err(_) => Err("the evaluation failed".to_string()),
    };
    (result, cost)
}

/// The least runtime cost cel-go's tracker charges for evaluating a (lowered) expression,
/// leaving out the steps of its comprehensions, which [`comprehension`] charges as they run:
/// 1 per identifier other than a type name, 10 / 30 per list / map built of other than
/// constants, 1 per call of an operator whose cost does not depend on its arguments' sizes
/// (`!`, negation, indexing, `size`, arithmetic other than `+`), the left side of `&&` and
/// `||`, the cheaper branch of `?:`.
pub fn min_cost(e: &IdedExpr, depth: usize) -> u64 {
    if depth > 256 {
        return 0;
    }
    let sum = |es: &mut dyn Iterator<Item = &IdedExpr>| es.fold(0u64, |s, x| s.saturating_add(min_cost(x, depth + 1)));
    match &e.expr {
        // A type name is a constant; every other identifier is looked up.
        Expr::Ident(n) => u64::from(!TYPES.contains(&n.as_str())),
        Expr::Select(s) => min_cost(&s.operand, depth + 1),
        // A list or map of constants may be built once, when the program is planned.
        Expr::List(l) if l.elements.iter().all(|x| matches!(x.expr, Expr::Literal(_))) => 0,
        Expr::List(l) => 10u64.saturating_add(sum(&mut l.elements.iter())),
        Expr::Map(m) => {
            let values: Vec<&IdedExpr> = m
                .entries
                .iter()
                .filter_map(|en| match &en.expr {
                    kube_cel::cel::common::ast::EntryExpr::MapEntry(me) => Some(&me.value),
                    _ => None,
                })
                .collect();
            if values.iter().all(|x| matches!(x.expr, Expr::Literal(_))) {
                0
            } else {
                30u64.saturating_add(sum(&mut values.into_iter()))
            }
        }
        Expr::Struct(_) => 0,
        Expr::Comprehension(c) => sum(&mut [&c.iter_range, &c.accu_init, &c.result].into_iter()),
        Expr::Call(c) => {
            let a = &c.args;
            match c.func_name.as_str() {
                COMPREHENSION if a.len() == 8 => sum(&mut [&a[3], &a[4], &a[7]].into_iter()),
                "_&&_" | "_||_" if a.len() == 2 => min_cost(&a[0], depth + 1),
                "_?_:_" if a.len() == 3 => min_cost(&a[0], depth + 1)
                    .saturating_add(min_cost(&a[1], depth + 1).min(min_cost(&a[2], depth + 1))),
                name => {
                    let own = u64::from(matches!(
                        name,
                        "!_" | "-_" | "_[_]" | "size" | "@not_strictly_false" | "_-_" | "_*_" | "_/_" | "_%_"
                    ));
                    own.saturating_add(sum(&mut c.target.as_deref().into_iter().chain(a.iter())))
                }
            }
        }
        _ => 0,
    }
}

fn dyn_(This(v): This<Value>) -> Result<Value, ExecutionError> {
    Ok(v)
}
// The rewritten operators are called as functions (`__k8s_eq__(a, b)`): their operands are
// plain arguments, so that an operand's error (`no such key`) is the one reported.
fn eq(a: Value, b: Value) -> Result<bool, ExecutionError> {
    Ok(equal(&a, &b))
}
fn ne(a: Value, b: Value) -> Result<bool, ExecutionError> {
    Ok(!equal(&a, &b))
}
fn set_eq(a: Value, b: Value) -> Result<bool, ExecutionError> {
    Ok(set_equal(&a, &b))
}
fn set_ne(a: Value, b: Value) -> Result<bool, ExecutionError> {
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
fn set_add(ftx: &FunctionContext, a: Value, b: Value) -> Result<Value, ExecutionError> {
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
fn map_add(ftx: &FunctionContext, a: Value, b: Value, keys: Value) -> Result<Value, ExecutionError> {
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
    let step = min_cost(&ftx.args[2], 0).max(1);
    for (a, b) in pairs(ftx, &this)? {
        charge(ftx, step)?;
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
    let step = min_cost(expr, 0).max(1);
    for (a, b) in pairs(ftx, &this)? {
        charge(ftx, step)?;
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
    let step = min_cost(&ftx.args[1], 0).max(1);
    for v in items.iter() {
        charge(ftx, step)?;
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
        Value::Duration(d) => duration_string(d),
        Value::Timestamp(t) => rfc3339_nano(t),
        other => {
            return Err(ftx.error(format!(
                "no matching overload for 'string' applied to '({})'",
                type_name(other)
            )))
        }
    };
    Ok(Value::String(Arc::new(s)))
}

/// The function a macro comprehension (`all`, `exists`, `exists_one`, `map`, `filter`) is
/// lowered to, so that it runs with CEL's error semantics (see [`lower`]).
pub const COMPREHENSION: &str = "__k8s_comprehension__";
/// The function an optional field selection (`a.?b`) is lowered to.
pub const OPT_SELECT: &str = "__k8s_opt_select__";
/// The function `list.sum()` is evaluated with (the zero of the element type passed along).
pub const SUM: &str = "__k8s_sum__";

/// An error held as a value: CEL carries an error through a comprehension's accumulator
/// (`[1, 'a'].exists(x, x == 1)` is true although `'a' == 1` is an error for `int`
/// comparisons), and only reports it if the result still depends on it.
#[derive(Debug, Clone)]
struct Failed(ExecutionError);

impl PartialEq for Failed {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}
impl Eq for Failed {}

impl Opaque for Failed {
    fn runtime_type_name(&self) -> &str {
        "error"
    }
}

fn failed(v: &Value) -> Option<&ExecutionError> {
    match v {
        Value::Opaque(o) => o.downcast_ref::<Failed>().map(|f| &f.0),
        _ => None,
    }
}

/// Rewrites, after type analysis, what the interpreter would evaluate differently from
/// the API server: macro comprehensions become [`COMPREHENSION`] calls (an error in one
/// step does not end the loop: `exists` is true when any item matches, `all` false when any
/// does not, as in cel-go), and `a.?b` becomes an [`OPT_SELECT`] call (an absent field is
/// `optional.none()`, not an error).
pub fn lower(e: &mut IdedExpr) {
    use kube_cel::cel::common::ast::CallExpr;
    let literal = |s: &str| IdedExpr {
        id: 0,
        expr: Expr::Literal(kube_cel::cel::common::ast::LiteralValue::String(s.to_string().into())),
    };
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let Expr::Comprehension(c) = &mut e.expr {
            let c = std::mem::take(&mut **c);
            e.expr = Expr::Call(CallExpr {
                func_name: COMPREHENSION.to_string(),
                target: None,
                args: vec![
                    literal(&c.iter_var),
                    literal(c.iter_var2.as_deref().unwrap_or("")),
                    literal(&c.accu_var),
                    c.iter_range,
                    c.accu_init,
                    c.loop_cond,
                    c.loop_step,
                    c.result,
                ],
            });
        }
        match &mut e.expr {
            Expr::Call(c) => {
                if c.func_name == "_?._" && c.target.is_none() && c.args.len() == 2 {
                    c.func_name = OPT_SELECT.to_string();
                }
                if let Some(t) = c.target.as_deref_mut() {
                    stack.push(t);
                }
                stack.extend(c.args.iter_mut());
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
            _ => {}
        }
    }
}

/// The element a comprehension step appends to its accumulator `accu` when the step is
/// `accu + [e]` (what the `map` macro expands to).
fn appended<'e>(step: &'e IdedExpr, accu: &str) -> Option<&'e IdedExpr> {
    let Expr::Call(call) = &step.expr else { return None };
    if call.func_name != "_+_" || call.target.is_some() {
        return None;
    }
    match call.args.as_slice() {
        [a, b] => match (&a.expr, &b.expr) {
            (Expr::Ident(n), Expr::List(l)) if n == accu && l.elements.len() == 1 && l.optional_indices.is_empty() => {
                l.elements.first()
            }
            _ => None,
        },
        _ => None,
    }
}

fn literal_arg(ftx: &FunctionContext, i: usize) -> Result<String, ExecutionError> {
    match ftx.args.get(i).map(|a| &a.expr) {
        Some(Expr::Literal(kube_cel::cel::common::ast::LiteralValue::String(s))) => Ok(s.to_string()),
        _ => Err(ftx.error("malformed comprehension")),
    }
}

/// A comprehension as cel-go runs it: the accumulator may hold an error, the loop goes on
/// while the condition is not strictly false, and the result is an error only if the
/// accumulator still is one at the end.
fn comprehension(ftx: &FunctionContext) -> Result<Value, ExecutionError> {
    if ftx.args.len() != 8 {
        return Err(ftx.error("malformed comprehension"));
    }
    let (var, var2, accu_var) = (literal_arg(ftx, 0)?, literal_arg(ftx, 1)?, literal_arg(ftx, 2)?);
    let range = Value::resolve(&ftx.args[3], ftx.ptx)?;
    let mut accu = Value::resolve(&ftx.args[4], ftx.ptx)?;
    let items: Vec<(Value, Value)> = match &range {
        Value::List(l) => l
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::Int(i as i64), v.clone()))
            .collect(),
        Value::Map(m) => m.map.iter().map(|(k, v)| (Value::from(k.clone()), v.clone())).collect(),
        other => return Err(ftx.error(format!("no matching overload: cannot range over {}", type_name(other)))),
    };
    let mut scope = ftx.ptx.new_inner_scope();
    // The least each step costs, charged as it runs (see `run_counted`).
    let (cond_cost, step_cost) = (min_cost(&ftx.args[5], 0), min_cost(&ftx.args[6], 0));
    charge(ftx, 0)?;
    for (first, second) in items {
        charge(ftx, cond_cost)?;
        scope.add_variable_from_value(accu_var.clone(), accu.clone());
        match (var2.is_empty(), &range) {
            (true, Value::List(_)) => scope.add_variable_from_value(var.clone(), second),
            (true, _) => scope.add_variable_from_value(var.clone(), first),
            (false, _) => {
                scope.add_variable_from_value(var.clone(), first);
                scope.add_variable_from_value(var2.clone(), second);
            }
        }
        match scope.resolve(&ftx.args[5]) {
            Ok(Value::Bool(false)) => break,
            Ok(_) => {}
            Err(e) => return Err(e),
        }
        charge(ftx, step_cost)?;
        // `map` and `filter` append one element per step (`@result + [e]`): done in place,
        // as cel-go does, rather than copying the list each step (quadratic in its length).
        if let (Some(elem), Value::List(_)) = (appended(&ftx.args[6], &accu_var), &accu) {
            let v = scope.resolve(elem);
            // The scope's reference goes first, so the list is not shared and grows in place.
            scope.add_variable_from_value(accu_var.clone(), Value::Null);
            match (v, &mut accu) {
                (Ok(v), Value::List(l)) => Arc::make_mut(l).push(v),
                (Err(e), _) => accu = Value::Opaque(Arc::new(Failed(e))),
                _ => {}
            }
            continue;
        }
        accu = match scope.resolve(&ftx.args[6]) {
            Ok(v) => v,
            // The first error is the one reported (`&&` and `||` keep their left error).
            Err(_) if failed(&accu).is_some() => accu,
            Err(e) => Value::Opaque(Arc::new(Failed(e))),
        };
    }
    if let Some(e) = failed(&accu) {
        return Err(e.clone());
    }
    scope.add_variable_from_value(accu_var, accu);
    scope.resolve(&ftx.args[7])
}

/// `a.?f`: `optional.of(a.f)` when `a` has the field, `optional.none()` when it does not
/// or `a` is itself an empty optional.
fn opt_select(ftx: &FunctionContext) -> Result<Value, ExecutionError> {
    use kube_cel::cel::objects::{Key, OptionalValue};
    let operand = Value::resolve(&ftx.args[0], ftx.ptx)?;
    let field = literal_arg(ftx, 1)?;
    let inner = match &operand {
        Value::Opaque(o) => match o.downcast_ref::<OptionalValue>() {
            Some(opt) => match opt.value() {
                Some(v) => v.clone(),
                None => return Ok(operand.clone()),
            },
            None => operand.clone(),
        },
        _ => operand.clone(),
    };
    match &inner {
        Value::Map(m) => Ok(Value::Opaque(Arc::new(
            match m.map.get(&Key::String(Arc::new(field))) {
                Some(v) => OptionalValue::of(v.clone()),
                None => OptionalValue::none(),
            },
        ))),
        other => Err(ftx.error(format!(
            "no matching overload for '_?._' applied to '{}'",
            type_name(other)
        ))),
    }
}

/// True for the zero value of its type, as cel-go's `IsZeroValue` (the zero timestamp is
/// Go's zero time, `0001-01-01T00:00:00Z`).
pub fn is_zero(v: &Value) -> bool {
    match v {
        Value::Timestamp(t) => t.timestamp() == -62_135_596_800 && t.timestamp_subsec_nanos() == 0,
        Value::Opaque(o) => o
            .downcast_ref::<kube_cel::cel::objects::OptionalValue>()
            .is_some_and(|o| o.value().is_none()),
        other => other.is_zero(),
    }
}

fn of_non_zero_value(v: Value) -> Result<Value, ExecutionError> {
    use kube_cel::cel::objects::OptionalValue;
    Ok(Value::Opaque(Arc::new(if is_zero(&v) {
        OptionalValue::none()
    } else {
        OptionalValue::of(v)
    })))
}

/// `list.sum()`: ints, uints, doubles or durations; an empty list sums to the zero of its
/// element type (the checker passes it along: `int`, `uint`, `double`, `duration`).
fn sum(ftx: &FunctionContext, This(this): This<Value>) -> Result<Value, ExecutionError> {
    let Value::List(items) = &this else {
        return Err(ftx.error(format!(
            "no matching overload for 'sum' applied to '{}'",
            type_name(&this)
        )));
    };
    let zero = match ftx.args.first().map(|a| &a.expr) {
        Some(Expr::Literal(kube_cel::cel::common::ast::LiteralValue::String(k))) => match &**k {
            "uint" => Value::UInt(0),
            "double" => Value::Float(0.0),
            "duration" => Value::Duration(chrono::Duration::zero()),
            _ => Value::Int(0),
        },
        _ => Value::Int(0),
    };
    let mut total: Option<Value> = None;
    for v in items.iter() {
        total = Some(match (total, v) {
            (None, Value::Int(_) | Value::UInt(_) | Value::Float(_) | Value::Duration(_)) => v.clone(),
            (Some(Value::Int(a)), Value::Int(b)) => {
                Value::Int(a.checked_add(*b).ok_or_else(|| ftx.error("integer overflow"))?)
            }
            (Some(Value::UInt(a)), Value::UInt(b)) => Value::UInt(
                a.checked_add(*b)
                    .ok_or_else(|| ftx.error("unsigned integer overflow"))?,
            ),
            (Some(Value::Float(a)), Value::Float(b)) => Value::Float(a + b),
            (Some(Value::Duration(a)), Value::Duration(b)) => {
                Value::Duration(a.checked_add(b).ok_or_else(|| ftx.error("duration overflow"))?)
            }
            (_, other) => {
                return Err(ftx.error(format!(
                    "no matching overload for 'sum' over an item of type '{}'",
                    type_name(other)
                )))
            }
        });
    }
    Ok(total.unwrap_or(zero))
}

/// A part of a timestamp (or duration) that the `get…` functions return.
#[derive(Clone, Copy)]
enum Part {
    FullYear,
    Month,
    DayOfYear,
    DayOfMonth,
    Date,
    DayOfWeek,
    Hours,
    Minutes,
    Seconds,
    Milliseconds,
}

const TIME_PARTS: &[(&str, Part)] = &[
    ("getFullYear", Part::FullYear),
    ("getMonth", Part::Month),
    ("getDayOfYear", Part::DayOfYear),
    ("getDayOfMonth", Part::DayOfMonth),
    ("getDate", Part::Date),
    ("getDayOfWeek", Part::DayOfWeek),
    ("getHours", Part::Hours),
    ("getMinutes", Part::Minutes),
    ("getSeconds", Part::Seconds),
    ("getMilliseconds", Part::Milliseconds),
];

/// The offset of time zone `tz` at instant `t`, as cel-go reads it: a name from the time
/// zone database (`UTC`, `America/New_York`) or a numeric offset `[+-]HH:MM`.
fn zone_offset(
    ftx: &FunctionContext,
    tz: &str,
    t: &chrono::DateTime<chrono::FixedOffset>,
) -> Result<chrono::FixedOffset, ExecutionError> {
    let seconds: i64 = match tz.find(':') {
        None => {
            if tz.is_empty() || tz == "UTC" || tz == "Local" {
                0
            } else {
                let zone = jiff::tz::TimeZone::get(tz).map_err(|_| ftx.error(format!("unknown time zone {tz}")))?;
                let at =
                    jiff::Timestamp::from_second(t.timestamp()).map_err(|_| ftx.error("timestamp out of range"))?;
                i64::from(zone.to_offset(at).seconds())
            }
        }
        Some(i) => {
            let (h, m) = (&tz[..i], &tz[i + 1..]);
            let bad = || ftx.error(format!("invalid time zone offset {tz}"));
            let hours: i64 = h.parse().map_err(|_| bad())?;
            let minutes: i64 = m.parse().map_err(|_| bad())?;
            if !(0..=59).contains(&minutes) {
                return Err(ftx.error(format!("timezone offset minutes out of range [0, 59]: {tz}")));
            }
            let total = if tz.starts_with('-') {
                hours * 60 - minutes
            } else {
                hours * 60 + minutes
            };
            total * 60
        }
    };
    i32::try_from(seconds)
        .ok()
        .and_then(chrono::FixedOffset::east_opt)
        .ok_or_else(|| ftx.error(format!("invalid time zone offset {tz}")))
}

/// `t.getHours()`, `t.getHours('Europe/Berlin')`, `d.getHours()`, …: a timestamp's part in
/// its own offset or the given zone, a duration's whole hours, minutes, seconds or
/// milliseconds.
fn time_part(ftx: &FunctionContext, part: Part) -> Result<Value, ExecutionError> {
    use chrono::{Datelike, Timelike};
    let this = match &ftx.this {
        Some(v) => v.clone(),
        None => match ftx.args.first() {
            Some(a) => Value::resolve(a, ftx.ptx)?,
            None => return Err(ftx.error("missing target")),
        },
    };
    let tz_at = usize::from(ftx.this.is_none());
    let tz = match ftx.args.get(tz_at) {
        Some(a) => match Value::resolve(a, ftx.ptx)? {
            Value::String(s) => Some(s),
            other => {
                return Err(ftx.error(format!(
                    "no matching overload for '{}' with a time zone of type '{}'",
                    ftx.name,
                    type_name(&other)
                )))
            }
        },
        None => None,
    };
    let n: i64 = match (&this, tz) {
        (Value::Timestamp(t), tz) => {
            let t = match tz {
                Some(tz) => t.with_timezone(&zone_offset(ftx, &tz, t)?),
                None => *t,
            };
            match part {
                Part::FullYear => i64::from(t.year()),
                Part::Month => i64::from(t.month0()),
                Part::DayOfYear => i64::from(t.ordinal0()),
                Part::DayOfMonth => i64::from(t.day0()),
                Part::Date => i64::from(t.day()),
                Part::DayOfWeek => i64::from(t.weekday().num_days_from_sunday()),
                Part::Hours => i64::from(t.hour()),
                Part::Minutes => i64::from(t.minute()),
                Part::Seconds => i64::from(t.second()),
                Part::Milliseconds => i64::from(t.nanosecond() % 1_000_000_000 / 1_000_000),
            }
        }
        (Value::Duration(d), None) => match part {
            Part::Hours => d.num_hours(),
            Part::Minutes => d.num_minutes(),
            Part::Seconds => d.num_seconds(),
            Part::Milliseconds => d.num_milliseconds(),
            _ => {
                return Err(ftx.error(format!(
                    "no matching overload for '{}' applied to 'google.protobuf.Duration'",
                    ftx.name
                )))
            }
        },
        (other, _) => {
            return Err(ftx.error(format!(
                "no matching overload for '{}' applied to '{}'",
                ftx.name,
                type_name(other)
            )))
        }
    };
    Ok(Value::Int(n))
}

/// A timestamp as Go's `time.RFC3339Nano` writes it (what CEL's `string()` gives): the
/// fraction without trailing zeros, `Z` for a zero offset, else the offset.
pub fn rfc3339_nano(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    use chrono::Timelike;
    let mut out = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = t.nanosecond() % 1_000_000_000;
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    let offset = t.offset().local_minus_utc();
    if offset == 0 {
        out.push('Z');
    } else {
        let (sign, abs) = if offset < 0 { ('-', -offset) } else { ('+', offset) };
        out.push_str(&format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60));
    }
    out
}

/// A duration as cel-go's `string()` writes it: seconds with up to nine fraction digits
/// and an `s` (`3723.004s`, `60s`).
pub fn duration_string(d: &chrono::Duration) -> String {
    let secs = d.num_seconds();
    let nanos = (*d - chrono::Duration::seconds(secs)).num_nanoseconds().unwrap_or(0);
    let sign = if secs < 0 || nanos < 0 { "-" } else { "" };
    let (secs, nanos) = (secs.unsigned_abs(), nanos.unsigned_abs());
    if nanos == 0 {
        format!("{sign}{secs}s")
    } else {
        let frac = format!("{nanos:09}");
        format!("{sign}{secs}.{}s", frac.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    /// cel-go's semantics that the interpreter lacks, after [`super::lower`] and the
    /// checker's rewrites: errors inside comprehensions, `?.` on absent fields, `sum()` of
    /// empty typed lists, the zero timestamp, time zones, Go's timestamp text.
    #[test]
    fn lowered_expressions_evaluate_as_cel_go() {
        let schema = serde_json::json!({"type": "object", "properties": {
            "l": {"type": "array", "items": {"type": "object", "properties": {
                "k": {"type": "string"}, "v": {"type": "string"}}}},
            "d": {"type": "array", "items": {"type": "string", "format": "duration"}},
            "o": {"type": "object", "properties": {"s": {"type": "string"}}},
            "t": {"type": "string", "format": "date-time"}}});
        let this = crate::schema::celvalue::typed(
            &serde_json::json!({"l": [{"k": "a"}, {"k": "b", "v": "z"}], "d": [], "t": "2011-08-18T19:03:37.01+01:00"}),
            Some(&schema),
        );
        let root = super::context();
        for (rule, want) in [
            ("self.l.exists(m, m.v == 'z')", Ok(true)),
            ("!self.l.all(m, m.v != 'z')", Ok(true)),
            ("self.l.exists_one(m, m.v == 'z')", Err(())),
            ("self.l.all(m, m.v == 'z')", Err(())),
            ("self.?o.?s == optional.none()", Ok(true)),
            ("self.?o.?s.orValue('x') == 'x'", Ok(true)),
            ("self.d.sum() == duration('0')", Ok(true)),
            (
                "optional.ofNonZeroValue(timestamp('0001-01-01T00:00:00Z')) == optional.none()",
                Ok(true),
            ),
            (
                "self.t.getHours() == 19 && self.t.getHours('UTC') == 18 && self.t.getHours('-02:30') == 15",
                Ok(true),
            ),
            ("string(self.t) == '2011-08-18T19:03:37.01+01:00'", Ok(true)),
            (
                "url('/path').getHost() == '' && url('https://example.com').getEscapedPath() == ''",
                Ok(true),
            ),
        ] {
            let e = crate::schema::cel::prepare(rule, Some(&schema), false).expect("parses");
            let got = super::run(&root, &e, &this);
            match want {
                Ok(b) => assert_eq!(got, Ok(kube_cel::cel::Value::Bool(b)), "{rule}"),
                Err(()) => assert!(got.is_err(), "{rule}: {got:?}"),
            }
        }
    }

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
