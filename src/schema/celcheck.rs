//! The checks the API server makes when it compiles a CRD's CEL rule against the schema of
//! the node it is attached to: field selections must name declared fields (`undefined
//! field`), `==` / `<` need operands of matching types, list and map literals are homogeneous,
//! an object cannot be indexed, and constant arguments must be valid (`duration('1d')`,
//! `timestamp('…')`, a regular expression given as a literal). A rule that fails one of them
//! makes the API server refuse the CRD. Where portalint cannot tell a type (`dyn`, fields that
//! preserve unknown content), it does not guess: it checks less, never more.

use crate::schema::celvalue;
use kube_cel::cel::common::ast::{EntryExpr, Expr, LiteralValue};
use kube_cel::cel::IdedExpr;
use serde_json::Value as Json;

/// How a list compares and concatenates: in order, as a set, or as a map keyed by fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Atomic,
    Set,
    Map(Vec<String>),
}

/// What an operator call is evaluated as: Kubernetes equality (optionals, sets and maps
/// compared as the API server does) or set / map-list concatenation.
#[derive(Debug, Clone)]
pub enum Rewrite {
    Eq(bool),
    SetEq(bool),
    SetAdd,
    MapAdd(Vec<String>),
    /// `list.sum()` over items of the named type (`int`, `uint`, `double`, `duration`).
    Sum(&'static str),
}

/// A CEL type as far as portalint follows it.
#[derive(Debug, Clone)]
enum Ty<'s> {
    Dyn,
    Int,
    UInt,
    Double,
    String,
    Bytes,
    Bool,
    Null,
    Duration,
    Timestamp,
    Type,
    List(Box<Ty<'s>>, Shape),
    Map(Box<Ty<'s>>),
    Object(&'s Json),
}

impl Ty<'_> {
    fn name(&self) -> String {
        match self {
            Ty::Dyn => "dyn".into(),
            Ty::Int => "int".into(),
            Ty::UInt => "uint".into(),
            Ty::Double => "double".into(),
            Ty::String => "string".into(),
            Ty::Bytes => "bytes".into(),
            Ty::Bool => "bool".into(),
            Ty::Null => "null".into(),
            Ty::Duration => "google.protobuf.Duration".into(),
            Ty::Timestamp => "google.protobuf.Timestamp".into(),
            Ty::Type => "type".into(),
            Ty::List(t, _) => format!("list({})", t.name()),
            Ty::Map(t) => format!("map(string, {})", t.name()),
            Ty::Object(_) => "object".into(),
        }
    }
    fn kind(&self) -> u8 {
        match self {
            Ty::Dyn => 0,
            Ty::Int => 1,
            Ty::UInt => 2,
            Ty::Double => 3,
            Ty::String => 4,
            Ty::Bytes => 5,
            Ty::Bool => 6,
            Ty::Null => 7,
            Ty::Duration => 8,
            Ty::Timestamp => 9,
            Ty::Type => 10,
            Ty::List(_, _) => 11,
            Ty::Map(_) => 12,
            Ty::Object(_) => 13,
        }
    }
    fn numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::UInt | Ty::Double)
    }
}

fn of_schema(s: &Json) -> Ty<'_> {
    let flag = |k: &str| s.get(k).and_then(Json::as_bool) == Some(true);
    if flag("x-kubernetes-int-or-string") {
        return Ty::Dyn;
    }
    match s.get("type").and_then(Json::as_str).unwrap_or("") {
        "integer" => Ty::Int,
        "number" => Ty::Double,
        "boolean" => Ty::Bool,
        "string" => match s.get("format").and_then(Json::as_str).unwrap_or("") {
            "date" | "date-time" | "datetime" => Ty::Timestamp,
            "duration" => Ty::Duration,
            "byte" => Ty::Bytes,
            _ => Ty::String,
        },
        "array" => Ty::List(
            Box::new(s.get("items").map_or(Ty::Dyn, of_schema)),
            match s.get("x-kubernetes-list-type").and_then(Json::as_str) {
                Some("set") => Shape::Set,
                Some("map") => Shape::Map(
                    s.get("x-kubernetes-list-map-keys")
                        .and_then(Json::as_array)
                        .map(|k| k.iter().filter_map(|k| k.as_str().map(str::to_string)).collect())
                        .unwrap_or_default(),
                ),
                _ => Shape::Atomic,
            },
        ),
        "object" if celvalue::is_map(s) => Ty::Map(Box::new(
            s.get("additionalProperties")
                .filter(|a| a.is_object())
                .map_or(Ty::Dyn, of_schema),
        )),
        "object" => Ty::Object(s),
        _ => Ty::Dyn,
    }
}

/// Two types `==` accepts.
fn comparable(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Dyn, _) | (_, Ty::Dyn) => true,
        (Ty::Null, Ty::Object(_)) | (Ty::Object(_), Ty::Null) => true,
        (Ty::List(x, _), Ty::List(y, _)) | (Ty::Map(x), Ty::Map(y)) => comparable(x, y),
        _ => a.kind() == b.kind(),
    }
}

/// The problems the API server reports when it compiles `rule` on a node with schema `s`.
pub fn check(rule: &IdedExpr, s: &Json, root: bool) -> Vec<String> {
    analyse(rule, s, root).0
}

/// The problems of [`check`] and the operator calls to evaluate the Kubernetes way, by
/// expression id.
pub fn analyse(rule: &IdedExpr, s: &Json, root: bool) -> (Vec<String>, Vec<(u64, Rewrite)>) {
    let mut c = Checker {
        this: of_schema(s),
        scopes: Vec::new(),
        problems: Vec::new(),
        rewrites: Vec::new(),
        root,
        in_format: 0,
    };
    c.expr(rule, 0);
    c.problems.dedup();
    (c.problems, c.rewrites)
}

/// Applies the rewrites of [`analyse`]: `==` and `!=` become Kubernetes equality, `+` of
/// sets and map-lists their union.
pub fn apply(e: &mut IdedExpr, rewrites: &[(u64, Rewrite)]) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let Some((_, r)) = rewrites.iter().find(|(id, _)| *id == e.id) {
            if let Expr::Call(c) = &mut e.expr {
                match r {
                    Rewrite::Eq(eq) => c.func_name = if *eq { "__k8s_eq__" } else { "__k8s_ne__" }.into(),
                    Rewrite::SetEq(eq) => c.func_name = if *eq { "__k8s_set_eq__" } else { "__k8s_set_ne__" }.into(),
                    Rewrite::SetAdd => c.func_name = "__k8s_set_add__".into(),
                    Rewrite::Sum(kind) => {
                        c.func_name = crate::schema::celfns::SUM.into();
                        c.args.push(IdedExpr {
                            id: 0,
                            expr: Expr::Literal(LiteralValue::String(kind.to_string().into())),
                        });
                    }
                    Rewrite::MapAdd(keys) => {
                        c.func_name = "__k8s_map_add__".into();
                        c.args.push(IdedExpr {
                            id: 0,
                            expr: Expr::List(kube_cel::cel::common::ast::ListExpr::new(
                                keys.iter()
                                    .map(|k| IdedExpr {
                                        id: 0,
                                        expr: Expr::Literal(LiteralValue::String(k.clone().into())),
                                    })
                                    .collect(),
                            )),
                        });
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
                    if let EntryExpr::MapEntry(me) = &mut entry.expr {
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

struct Checker<'s> {
    this: Ty<'s>,
    scopes: Vec<(String, Ty<'s>)>,
    problems: Vec<String>,
    rewrites: Vec<(u64, Rewrite)>,
    /// `self` is the object's root: `apiVersion`, `kind` and `metadata` are declared.
    root: bool,
    /// Inside a `format` call: list and map literals need not be homogeneous there (cel-go's
    /// `HomogeneousAggregateLiteralExemptFunctions`, which the strings library sets).
    in_format: usize,
}

impl<'s> Checker<'s> {
    fn problem(&mut self, p: String) {
        if self.problems.len() < 8 {
            self.problems.push(p);
        }
    }

    fn expr(&mut self, e: &IdedExpr, depth: usize) -> Ty<'s> {
        if depth > 200 {
            return Ty::Dyn;
        }
        match &e.expr {
            Expr::Literal(l) => match l {
                LiteralValue::Boolean(_) => Ty::Bool,
                LiteralValue::Bytes(_) => Ty::Bytes,
                LiteralValue::Double(_) => Ty::Double,
                LiteralValue::Int(_) => Ty::Int,
                LiteralValue::Null => Ty::Null,
                LiteralValue::String(_) => Ty::String,
                LiteralValue::UInt(_) => Ty::UInt,
            },
            Expr::Ident(n) => {
                if let Some((_, t)) = self.scopes.iter().rev().find(|(v, _)| v == n) {
                    return t.clone();
                }
                match n.as_str() {
                    "self" | "oldSelf" => self.this.clone(),
                    "int"
                    | "uint"
                    | "double"
                    | "bool"
                    | "string"
                    | "bytes"
                    | "list"
                    | "map"
                    | "null_type"
                    | "type"
                    | "google.protobuf.Timestamp"
                    | "google.protobuf.Duration" => Ty::Type,
                    _ => Ty::Dyn,
                }
            }
            Expr::Select(s) => {
                let operand = self.expr(&s.operand, depth + 1);
                let root = self.root && matches!(&s.operand.expr, Expr::Ident(n) if n == "self" || n == "oldSelf");
                let t = match &operand {
                    Ty::Object(_) if root && matches!(s.field.as_str(), "apiVersion" | "kind") => Ty::String,
                    Ty::Object(_) if root && s.field == "metadata" => Ty::Object(metadata()),
                    Ty::Object(schema) => match field(schema, &s.field) {
                        Some(t) => t,
                        None => {
                            self.problem(format!("undefined field '{}'", s.field));
                            Ty::Dyn
                        }
                    },
                    Ty::Map(v) => (**v).clone(),
                    Ty::Dyn => Ty::Dyn,
                    other => {
                        self.problem(format!("type '{}' does not support field selection", other.name()));
                        Ty::Dyn
                    }
                };
                if s.test {
                    Ty::Bool
                } else {
                    t
                }
            }
            Expr::List(l) => {
                let types: Vec<Ty> = l.elements.iter().map(|x| self.expr(x, depth + 1)).collect();
                let first = types.iter().find(|t| !matches!(t, Ty::Dyn | Ty::Null)).cloned();
                if let Some(f) = first.as_ref().filter(|_| self.in_format == 0) {
                    if let Some(bad) = types
                        .iter()
                        .find(|t| !matches!(t, Ty::Dyn | Ty::Null) && t.kind() != f.kind())
                    {
                        self.problem(format!("expected type '{}' but found '{}'", f.name(), bad.name()));
                    }
                }
                Ty::List(Box::new(first.unwrap_or(Ty::Dyn)), Shape::Atomic)
            }
            Expr::Map(m) => {
                let mut values = Vec::new();
                for entry in &m.entries {
                    if let EntryExpr::MapEntry(me) = &entry.expr {
                        self.expr(&me.key, depth + 1);
                        values.push(self.expr(&me.value, depth + 1));
                    }
                }
                let first = values.iter().find(|t| !matches!(t, Ty::Dyn | Ty::Null)).cloned();
                if let Some(f) = first.as_ref().filter(|_| self.in_format == 0) {
                    if let Some(bad) = values
                        .iter()
                        .find(|t| !matches!(t, Ty::Dyn | Ty::Null) && t.kind() != f.kind())
                    {
                        self.problem(format!("expected type '{}' but found '{}'", f.name(), bad.name()));
                    }
                }
                Ty::Map(Box::new(first.unwrap_or(Ty::Dyn)))
            }
            Expr::Comprehension(c) => {
                let range = self.expr(&c.iter_range, depth + 1);
                let (first, second) = match (&range, &c.iter_var2) {
                    (Ty::List(t, _), None) => ((**t).clone(), Ty::Dyn),
                    (Ty::List(t, _), Some(_)) => (Ty::Int, (**t).clone()),
                    (Ty::Map(v), _) => (Ty::String, (**v).clone()),
                    _ => (Ty::Dyn, Ty::Dyn),
                };
                let accu = self.expr(&c.accu_init, depth + 1);
                let accu = if matches!(accu, Ty::Bool | Ty::Int) {
                    accu
                } else {
                    Ty::Dyn
                };
                let mark = self.scopes.len();
                self.scopes.push((c.iter_var.clone(), first));
                if let Some(v2) = &c.iter_var2 {
                    self.scopes.push((v2.clone(), second));
                }
                self.scopes.push((c.accu_var.clone(), accu));
                self.expr(&c.loop_cond, depth + 1);
                self.expr(&c.loop_step, depth + 1);
                let result = self.expr(&c.result, depth + 1);
                self.scopes.truncate(mark);
                result
            }
            Expr::Call(call) => self.call(e.id, call, depth),
            _ => Ty::Dyn,
        }
    }

    fn call(&mut self, id: u64, call: &kube_cel::cel::common::ast::CallExpr, depth: usize) -> Ty<'s> {
        let format = call.func_name == "format";
        self.in_format += usize::from(format);
        let target = call.target.as_deref().map(|t| self.expr(t, depth + 1));
        let args: Vec<Ty> = call.args.iter().map(|a| self.expr(a, depth + 1)).collect();
        self.in_format -= usize::from(format);
        let literal = |i: usize| match call.args.get(i).map(|a| &a.expr) {
            Some(Expr::Literal(LiteralValue::String(s))) => Some(s.to_string()),
            _ => None,
        };
        let name = call.func_name.as_str();
        match (name, target.as_ref(), args.as_slice()) {
            ("_==_" | "_!=_", None, [a, b]) => {
                let set = [a, b]
                    .iter()
                    .any(|t| matches!(t, Ty::List(_, Shape::Set | Shape::Map(_))));
                let eq = name == "_==_";
                self.rewrites
                    .push((id, if set { Rewrite::SetEq(eq) } else { Rewrite::Eq(eq) }));
                if !comparable(a, b) {
                    self.problem(format!(
                        "found no matching overload for '{name}' applied to '({}, {})'",
                        a.name(),
                        b.name()
                    ));
                }
                Ty::Bool
            }
            ("_<_" | "_<=_" | "_>_" | "_>=_", None, [a, b]) => {
                let ok = matches!(a, Ty::Dyn)
                    || matches!(b, Ty::Dyn)
                    || (a.numeric() && b.numeric())
                    || (a.kind() == b.kind()
                        && matches!(a, Ty::String | Ty::Bytes | Ty::Bool | Ty::Duration | Ty::Timestamp));
                if !ok {
                    self.problem(format!(
                        "found no matching overload for '{name}' applied to '({}, {})'",
                        a.name(),
                        b.name()
                    ));
                }
                Ty::Bool
            }
            ("_+_", None, [a, b]) => match (a, b) {
                (Ty::List(t, Shape::Set), _) | (_, Ty::List(t, Shape::Set)) => {
                    self.rewrites.push((id, Rewrite::SetAdd));
                    Ty::List(t.clone(), Shape::Set)
                }
                (Ty::List(t, Shape::Map(k)), _) | (_, Ty::List(t, Shape::Map(k))) => {
                    self.rewrites.push((id, Rewrite::MapAdd(k.clone())));
                    Ty::List(t.clone(), Shape::Map(k.clone()))
                }
                (Ty::Dyn, other) | (other, Ty::Dyn) => other.clone(),
                (x, _) => x.clone(),
            },
            ("_[_]", None, [a, _]) => match a {
                Ty::List(t, _) | Ty::Map(t) => (**t).clone(),
                Ty::Object(_) => {
                    self.problem("found no matching overload for '_[_]' applied to an object".to_string());
                    Ty::Dyn
                }
                _ => Ty::Dyn,
            },
            ("_&&_" | "_||_" | "!_" | "@in" | "@not_strictly_false", _, _) => Ty::Bool,
            ("_?_:_", None, [_, a, _]) => a.clone(),
            ("size", _, _) => Ty::Int,
            ("type", None, [_]) => Ty::Type,
            ("int", None, _) => Ty::Int,
            ("uint", None, _) => Ty::UInt,
            ("double", None, _) => Ty::Double,
            ("bool", None, _) => Ty::Bool,
            ("bytes", None, _) => Ty::Bytes,
            ("string", None, [a]) => {
                if matches!(a, Ty::Type | Ty::List(..) | Ty::Map(_) | Ty::Object(_) | Ty::Null) {
                    self.problem(format!(
                        "found no matching overload for 'string' applied to '({})'",
                        a.name()
                    ));
                }
                Ty::String
            }
            ("duration", None, [_]) => {
                if let Some(s) = literal(0) {
                    if celvalue::duration(&s).is_none() {
                        self.problem("invalid duration argument".to_string());
                    }
                }
                Ty::Duration
            }
            ("timestamp", None, [_]) => {
                if let Some(s) = literal(0) {
                    if !valid_timestamp(&s) {
                        self.problem("invalid timestamp".to_string());
                    }
                }
                if let Some(Expr::Literal(LiteralValue::Int(i))) = call.args.first().map(|a| &a.expr) {
                    let i: i64 = **i;
                    if !(-62_135_596_800..=253_402_300_799).contains(&i) {
                        self.problem("invalid timestamp".to_string());
                    }
                }
                Ty::Timestamp
            }
            ("matches" | "find" | "findAll", Some(_), _) | ("matches", None, [_, _]) => {
                let at = usize::from(target.is_none());
                if let Some(p) = literal(at) {
                    if regex::Regex::new(&p).is_err() {
                        self.problem(format!("invalid {name} argument: error parsing regexp `{p}`"));
                    }
                }
                match name {
                    "matches" => Ty::Bool,
                    "find" => Ty::String,
                    _ => Ty::List(Box::new(Ty::String), Shape::Atomic),
                }
            }
            ("sum", Some(Ty::List(t, _)), []) => {
                let kind = match **t {
                    Ty::UInt => "uint",
                    Ty::Double => "double",
                    Ty::Duration => "duration",
                    _ => "int",
                };
                self.rewrites.push((id, Rewrite::Sum(kind)));
                if !matches!(**t, Ty::Dyn | Ty::Int | Ty::UInt | Ty::Double | Ty::Duration) {
                    self.problem(format!(
                        "found no matching overload for 'sum' applied to '{}.()'",
                        Ty::List(t.clone(), Shape::Atomic).name()
                    ));
                }
                (**t).clone()
            }
            ("min" | "max", Some(Ty::List(t, _)), []) => {
                if matches!(**t, Ty::List(..) | Ty::Map(_) | Ty::Object(_) | Ty::Null | Ty::Type) {
                    self.problem(format!(
                        "found no matching overload for '{name}' applied to '{}.()'",
                        Ty::List(t.clone(), Shape::Atomic).name()
                    ));
                }
                (**t).clone()
            }
            ("sort", Some(Ty::List(t, _)), []) => Ty::List(t.clone(), Shape::Atomic),
            _ => Ty::Dyn,
        }
    }
}

/// The type of field `name` (as CEL writes it, escaped) of an object node.
fn field<'s>(schema: &'s Json, name: &str) -> Option<Ty<'s>> {
    if let Some(props) = schema.get("properties").and_then(Json::as_object) {
        for (k, sub) in props {
            if celvalue::escape(k).as_deref() == Some(name) || (k == name && celvalue::escape(k).as_deref() != Some(k))
            {
                // A field whose schema gives no type (only `x-kubernetes-preserve-unknown-
                // fields`, or a list / map of such) is not declared to CEL.
                return (!untyped(sub)).then(|| of_schema(sub));
            }
        }
    }
    if schema.get("x-kubernetes-embedded-resource").and_then(Json::as_bool) == Some(true) {
        match name {
            "apiVersion" | "kind" => return Some(Ty::String),
            "metadata" => return Some(Ty::Object(metadata())),
            _ => {}
        }
    }
    None
}

/// A timestamp literal CEL accepts: RFC 3339, years 1 to 9999.
fn valid_timestamp(s: &str) -> bool {
    match celvalue::timestamp(s) {
        Some(t) => {
            use chrono::Datelike;
            (1..=9999).contains(&t.year())
        }
        None => false,
    }
}

/// `metadata` as CEL sees it on a resource whose schema does not declare it: `name` and
/// `generateName`.
fn metadata() -> &'static Json {
    static META: std::sync::OnceLock<Json> = std::sync::OnceLock::new();
    META.get_or_init(|| {
        serde_json::json!({"type": "object", "properties": {
            "name": {"type": "string"}, "generateName": {"type": "string"}}})
    })
}

/// True when CEL gets no type from the schema node: no `type` and not int-or-string, or a
/// list or map of such.
fn untyped(s: &Json) -> bool {
    if s.get("x-kubernetes-int-or-string").and_then(Json::as_bool) == Some(true) {
        return false;
    }
    match s.get("type").and_then(Json::as_str) {
        None => true,
        Some("array") => s.get("items").is_some_and(untyped),
        Some("object") => matches!(s.get("additionalProperties"), Some(a @ Json::Object(_)) if untyped(a)),
        _ => false,
    }
}
