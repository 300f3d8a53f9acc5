//! CEL cost estimation as the Kubernetes API server makes it when it creates a CRD, and the
//! limits it applies.
//!
//! The model is the API server's, learnt from its source (not copied): cel-go's
//! `checker/cost.go` (the estimator: a cost range per expression from the sizes of strings,
//! lists and maps), k8s.io/apiserver `pkg/cel/library/cost.go` (the Kubernetes functions'
//! costs), `pkg/cel/common/schemas.go` (the largest size of every schema node: `maxLength`
//! (times 4, code points to bytes), `maxItems`, `maxProperties`, or where unbounded what fits
//! in a 3 MiB request) and apiextensions-apiserver `pkg/apiserver/schema/cel/compilation.go`
//! and `pkg/apis/apiextensions/validation` (a rule's cost times the number of times it can
//! run in one object, against 10 000 000 per expression and 100 000 000 per CRD schema).
//! Checked against the upstream tables by the `kubernetes_cel_cost` conformance suite.

use kube_cel::cel::common::ast::{EntryExpr, Expr, LiteralValue};
use kube_cel::cel::IdedExpr;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::HashMap;

/// The largest request the API server accepts (`celconfig.MaxRequestSizeBytes`).
pub const MAX_REQUEST_BYTES: u64 = 3 * 1024 * 1024;

const STRING_TRAVERSAL: f64 = 0.1;
const REGEX_LENGTH: f64 = 0.25;
const LIST_CREATE: u64 = 10;
const MAP_CREATE: u64 = 30;
const STRUCT_CREATE: u64 = 40;
/// Longest `metadata.name` (a DNS-1123 subdomain); `generateName` is one shorter.
const NAME_MAX_LENGTH: u64 = 253;

/// A range of costs or sizes; every operation saturates at `u64::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Est {
    pub min: u64,
    pub max: u64,
}

impl Est {
    pub const UNKNOWN: Est = Est { min: 0, max: u64::MAX };
    pub const fn fixed(n: u64) -> Est {
        Est { min: n, max: n }
    }
    fn add(self, o: Est) -> Est {
        Est {
            min: self.min.saturating_add(o.min),
            max: self.max.saturating_add(o.max),
        }
    }
    fn mul(self, o: Est) -> Est {
        Est {
            min: self.min.saturating_mul(o.min),
            max: self.max.saturating_mul(o.max),
        }
    }
    fn factor(self, f: f64) -> Est {
        Est {
            min: factor(self.min, f),
            max: factor(self.max, f),
        }
    }
    fn union(self, o: Est) -> Est {
        Est {
            min: self.min.min(o.min),
            max: self.max.max(o.max),
        }
    }
}

/// `x * y` rounded up, saturating (cel-go's `multiplyByCostFactor`).
fn factor(x: u64, y: f64) -> u64 {
    let xf = x as f64;
    if xf > 0.0 && y > 0.0 && xf > u64::MAX as f64 / y {
        return u64::MAX;
    }
    let c = (xf * y).ceil();
    if c >= 18_446_744_073_709_551_616.0 {
        u64::MAX
    } else {
        c as u64
    }
}

/// The kind of a CEL value as the estimator tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    Duration,
    Timestamp,
    Null,
    Type,
    Dyn,
    List,
    Map,
    Object,
    /// A Kubernetes library value (quantity, IP, CIDR, semver, URL, format): O(1) equality.
    Opaque,
}

/// A schema node as the API server declares it to CEL (its `DeclType`): kind, the largest
/// size its values can have (`MaxElements`) and the smallest size it serializes to.
#[derive(Debug, Clone)]
pub struct Decl {
    pub kind: Kind,
    pub max_elements: u64,
    pub min_size: u64,
    fields: HashMap<String, Decl>,
    elem: Option<Box<Decl>>,
    key: Option<Box<Decl>>,
}

impl Decl {
    /// The declaration of field `name` (as CEL escapes it) of an object.
    pub fn field(&self, name: &str) -> Option<&Decl> {
        self.fields.get(name)
    }

    /// The declaration of a list's items or a map's values.
    pub fn elem(&self) -> Option<&Decl> {
        self.elem.as_deref()
    }

    fn simple(kind: Kind, min_size: u64, max_elements: u64) -> Decl {
        Decl {
            kind,
            max_elements,
            min_size,
            fields: HashMap::new(),
            elem: None,
            key: None,
        }
    }
}

fn int(s: &Json, k: &str) -> Option<u64> {
    let v = s.get(k)?;
    v.as_u64()
        .or_else(|| v.as_i64().map(|_| 0))
        .or_else(|| v.as_f64().map(|f| f.max(0.0) as u64))
}

/// The declaration of schema node `s` (`SchemaDeclType`); `None` for a node CEL does not see
/// (no type, or a list or map of such nodes). `root` for the root of a resource or an
/// embedded resource, which gets `apiVersion`, `kind` and `metadata.name`/`generateName`.
pub fn decl(s: &Json, root: bool) -> Option<Decl> {
    decl_at(s, root, 0)
}

fn decl_at(s: &Json, root: bool, depth: usize) -> Option<Decl> {
    if depth > crate::parse::yaml::MAX_DEPTH {
        return None;
    }
    let flag = |k: &str| s.get(k).and_then(Json::as_bool) == Some(true);
    let unbounded = MAX_REQUEST_BYTES - 2;
    if flag("x-kubernetes-int-or-string") {
        let max = int(s, "maxLength").map_or(unbounded, |m| m.saturating_mul(4));
        return Some(Decl::simple(Kind::Dyn, 1, max));
    }
    let embedded = |c: &Json| c.get("x-kubernetes-embedded-resource").and_then(Json::as_bool) == Some(true);
    match s.get("type").and_then(Json::as_str).unwrap_or("") {
        "array" => {
            let items = s.get("items")?;
            let item = decl_at(items, embedded(items), depth + 1)?;
            let max = int(s, "maxItems").unwrap_or(unbounded / (item.min_size + 1));
            let mut d = Decl::simple(Kind::List, 2, max);
            d.elem = Some(Box::new(item));
            Some(d)
        }
        "object" => {
            if let Some(a) = s.get("additionalProperties").filter(|a| a.is_object()) {
                let value = decl_at(a, embedded(a), depth + 1)?;
                let max = int(s, "maxProperties").unwrap_or(unbounded / (value.min_size + 6));
                let mut d = Decl::simple(Kind::Map, 2, max);
                d.elem = Some(Box::new(value));
                d.key = Some(Box::new(Decl::simple(Kind::String, 2, 0)));
                return Some(d);
            }
            let required: Vec<&str> = s
                .get("required")
                .and_then(Json::as_array)
                .map(|r| r.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            let mut d = Decl::simple(Kind::Object, 2, 0);
            let mut props: Vec<(String, Cow<'_, Json>)> = s
                .get("properties")
                .and_then(Json::as_object)
                .map(|p| p.iter().map(|(k, v)| (k.clone(), Cow::Borrowed(v))).collect())
                .unwrap_or_default();
            if root {
                with_type_and_object_meta(&mut props);
            }
            for (name, prop) in &props {
                let Some(f) = decl_at(prop, embedded(prop), depth + 1) else {
                    continue;
                };
                if required.contains(&name.as_str()) && prop.get("default").is_none() {
                    d.min_size += name.len() as u64 + f.min_size + 4;
                }
                if let Some(escaped) = crate::schema::celvalue::escape(name) {
                    d.fields.insert(escaped, f);
                }
            }
            Some(d)
        }
        "string" => Some(match s.get("format").and_then(Json::as_str).unwrap_or("") {
            "byte" => Decl::simple(Kind::Bytes, 2, int(s, "maxLength").unwrap_or(unbounded)),
            "duration" => Decl::simple(Kind::Duration, 3, 32),
            "date" => Decl::simple(Kind::Timestamp, 12, 12),
            "date-time" => Decl::simple(Kind::Timestamp, 21, 32),
            _ => {
                let max = match int(s, "maxLength") {
                    Some(m) => m.saturating_mul(4),
                    None => match s.get("enum").and_then(Json::as_array) {
                        Some(e) if !e.is_empty() => e
                            .iter()
                            .filter_map(Json::as_str)
                            .map(|v| v.len() as u64)
                            .max()
                            .unwrap_or(0),
                        _ => unbounded,
                    },
                };
                Decl::simple(Kind::String, 2, max)
            }
        }),
        "boolean" => Some(Decl::simple(Kind::Bool, 4, 0)),
        "number" => Some(Decl::simple(Kind::Double, 1, 0)),
        "integer" => Some(Decl::simple(Kind::Int, 1, 0)),
        _ => None,
    }
}

/// `apiVersion`, `kind` and a `metadata` with `name` (at most 253 characters, or the
/// schema's `maxLength` if shorter) and `generateName` (252), as the API server declares
/// the root of a resource (`WithTypeAndObjectMeta`).
fn with_type_and_object_meta(props: &mut Vec<(String, Cow<'_, Json>)>) {
    let meta = props
        .iter()
        .find(|(k, _)| k == "metadata")
        .map(|(_, v)| v.clone().into_owned());
    let declared = |k: &str| meta.as_ref().and_then(|m| m.get("properties")).and_then(|p| p.get(k));
    let complete = props
        .iter()
        .any(|(k, v)| k == "kind" && v.get("type").and_then(Json::as_str) == Some("string"))
        && props
            .iter()
            .any(|(k, v)| k == "apiVersion" && v.get("type").and_then(Json::as_str) == Some("string"))
        && ["name", "generateName"]
            .iter()
            .all(|k| declared(k).and_then(|n| n.get("type")).and_then(Json::as_str) == Some("string"));
    if complete {
        return;
    }
    let capped = |k: &str, cap: u64| {
        let cap = declared(k)
            .and_then(|n| int(n, "maxLength"))
            .map_or(cap, |m| m.min(cap));
        serde_json::json!({"type": "string", "maxLength": cap})
    };
    let metadata = serde_json::json!({"type": "object", "properties": {
        "name": capped("name", NAME_MAX_LENGTH),
        "generateName": capped("generateName", NAME_MAX_LENGTH - 1),
    }});
    props.retain(|(k, _)| !matches!(k.as_str(), "kind" | "apiVersion" | "metadata"));
    props.push(("kind".into(), Cow::Owned(serde_json::json!({"type": "string"}))));
    props.push(("apiVersion".into(), Cow::Owned(serde_json::json!({"type": "string"}))));
    props.push(("metadata".into(), Cow::Owned(metadata)));
}

/// How many times a rule on a node of declaration `d` can run in one object when the
/// path to it is unbounded (`maxCardinality`): one per smallest serialized value that fits
/// in a request.
pub fn max_cardinality(d: &Decl) -> u64 {
    MAX_REQUEST_BYTES / (d.min_size + 1)
}

/// The type of a CEL expression as far as the estimator follows it.
#[derive(Debug, Clone)]
enum Ty<'d> {
    K(Kind),
    List(Box<Ty<'d>>),
    Map(Box<Ty<'d>>),
    Object(&'d Decl),
}

impl<'d> Ty<'d> {
    fn of(d: &'d Decl) -> Ty<'d> {
        match d.kind {
            Kind::List => Ty::List(Box::new(d.elem.as_deref().map_or(Ty::K(Kind::Dyn), Ty::of))),
            Kind::Map => Ty::Map(Box::new(d.elem.as_deref().map_or(Ty::K(Kind::Dyn), Ty::of))),
            Kind::Object => Ty::Object(d),
            k => Ty::K(k),
        }
    }
    fn kind(&self) -> Kind {
        match self {
            Ty::K(k) => *k,
            Ty::List(_) => Kind::List,
            Ty::Map(_) => Kind::Map,
            Ty::Object(_) => Kind::Object,
        }
    }
    fn scalar(&self) -> bool {
        matches!(
            self.kind(),
            Kind::Bool | Kind::Double | Kind::Duration | Kind::Int | Kind::Timestamp | Kind::Uint
        )
    }
    fn elem(&self) -> Ty<'d> {
        match self {
            Ty::List(t) | Ty::Map(t) => (**t).clone(),
            _ => Ty::K(Kind::Dyn),
        }
    }
}

/// The sizes of a list's or map's entries, when the expression builds it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    list: bool,
    key: Est,
    val: Est,
}

fn union_entry(a: Option<Entry>, b: Option<Entry>) -> Option<Entry> {
    let (a, b) = (a?, b?);
    Some(Entry {
        list: a.list,
        key: a.key.union(b.key),
        val: a.val.union(b.val),
    })
}

/// What the estimator knows of one expression.
#[derive(Debug, Clone)]
struct Info<'d> {
    cost: Est,
    ty: Ty<'d>,
    /// The field path from a variable (`self`, `@items`, field names, `@keys`, `@values`).
    path: Vec<String>,
    /// The size the expression itself tells (a literal, a built list, a call's result).
    size: Option<Est>,
    /// The size of the local variable an identifier names.
    var_size: Option<Est>,
    entry: Option<Entry>,
}

impl<'d> Info<'d> {
    fn new(cost: Est, ty: Ty<'d>) -> Self {
        Info {
            cost,
            ty,
            path: Vec::new(),
            size: None,
            var_size: None,
            entry: None,
        }
    }
}

struct Local<'d> {
    name: String,
    path: Vec<String>,
    size: Option<Est>,
    entry: Option<Entry>,
    ty: Ty<'d>,
}

struct Coster<'d> {
    root: &'d Decl,
    locals: Vec<Local<'d>>,
    /// Set when the estimate met a function or variable it does not know.
    guessed: bool,
}

/// The estimated cost range of a parsed rule or message expression on a node declared
/// `root` (`self`), and whether the estimate had to guess a type it could not tell.
pub fn estimate(e: &IdedExpr, root: &Decl) -> (Est, bool) {
    let mut c = Coster {
        root,
        locals: Vec::new(),
        guessed: false,
    };
    let info = c.cost(e, 0);
    (info.cost, c.guessed)
}

impl<'d> Coster<'d> {
    /// The declared size at a field path (the API server's `sizeEstimator`).
    fn estimate_path(&self, path: &[String]) -> Option<Est> {
        if path.is_empty() {
            return None;
        }
        let mut d = self.root;
        for p in &path[1..] {
            d = match p.as_str() {
                "@items" | "@values" => d.elem.as_deref()?,
                "@keys" => d.key.as_deref()?,
                name => d.fields.get(name)?,
            };
        }
        Some(Est {
            min: 0,
            max: d.max_elements,
        })
    }

    /// cel-go's `computeSize`.
    fn size(&self, i: &Info) -> Option<Est> {
        if let Some(s) = i.size {
            return Some(s);
        }
        if let Some(s) = self.estimate_path(&i.path) {
            return Some(s);
        }
        if i.ty.scalar() {
            return Some(Est::fixed(1));
        }
        i.var_size
    }

    fn size_or_unknown(&self, i: &Info) -> Est {
        self.size(i).unwrap_or(Est::UNKNOWN)
    }

    /// The Kubernetes library's `sizeEstimate`: the path's declared size or unknown.
    fn k8s_size(&self, i: &Info) -> Est {
        self.size_or_unknown(i)
    }

    fn local(&self, name: &str) -> Option<&Local<'d>> {
        self.locals.iter().rev().find(|l| l.name == name)
    }

    fn cost(&mut self, e: &IdedExpr, depth: usize) -> Info<'d> {
        if depth > 256 {
            self.guessed = true;
            return Info::new(Est::UNKNOWN, Ty::K(Kind::Dyn));
        }
        match &e.expr {
            Expr::Literal(l) => {
                let (ty, size) = match l {
                    LiteralValue::String(s) => (Kind::String, s.chars().count() as u64),
                    LiteralValue::Bytes(b) => (Kind::Bytes, b.len() as u64),
                    LiteralValue::Boolean(_) => (Kind::Bool, 1),
                    LiteralValue::Double(_) => (Kind::Double, 1),
                    LiteralValue::Int(_) => (Kind::Int, 1),
                    LiteralValue::UInt(_) => (Kind::Uint, 1),
                    LiteralValue::Null => (Kind::Null, 1),
                };
                let mut i = Info::new(Est::fixed(0), Ty::K(ty));
                i.size = Some(Est::fixed(size));
                i
            }
            Expr::Ident(name) => {
                let mut i = Info::new(Est::fixed(1), Ty::K(Kind::Dyn));
                if let Some(l) = self.local(name) {
                    i.path = l.path.clone();
                    i.var_size = l.size;
                    i.entry = l.entry;
                    i.ty = l.ty.clone();
                } else {
                    i.path = vec![name.clone()];
                    i.ty = match name.as_str() {
                        "self" | "oldSelf" => Ty::of(self.root),
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
                        | "google.protobuf.Duration" => Ty::K(Kind::Type),
                        _ => {
                            self.guessed = true;
                            Ty::K(Kind::Dyn)
                        }
                    };
                }
                i
            }
            Expr::Select(s) => {
                let operand = self.cost(&s.operand, depth + 1);
                if s.test {
                    // `has()` costs nothing itself (the API server's PresenceTestHasCost(false)).
                    return Info::new(operand.cost, Ty::K(Kind::Bool));
                }
                let extra = matches!(operand.ty.kind(), Kind::Map | Kind::Object);
                let ty = match &operand.ty {
                    Ty::Object(d) => match d.fields.get(&s.field) {
                        Some(f) => Ty::of(f),
                        None => {
                            self.guessed = true;
                            Ty::K(Kind::Dyn)
                        }
                    },
                    Ty::Map(v) => (**v).clone(),
                    _ => Ty::K(Kind::Dyn),
                };
                let mut i = Info::new(operand.cost.add(Est::fixed(u64::from(extra))), ty);
                let mut path = operand.path;
                if !path.is_empty() {
                    path.push(s.field.clone());
                }
                i.path = path;
                i
            }
            Expr::List(l) => {
                let mut cost = Est::fixed(0);
                let mut val = Est {
                    min: if l.elements.is_empty() { 0 } else { u64::MAX },
                    max: 0,
                };
                let mut elem = Ty::K(Kind::Dyn);
                for x in &l.elements {
                    let i = self.cost(x, depth + 1);
                    cost = cost.add(i.cost);
                    val = val.union(self.size_or_unknown(&i));
                    if matches!(elem, Ty::K(Kind::Dyn)) {
                        elem = i.ty;
                    }
                }
                let mut i = Info::new(cost.add(Est::fixed(LIST_CREATE)), Ty::List(Box::new(elem)));
                i.size = Some(Est::fixed(l.elements.len() as u64));
                i.entry = Some(Entry {
                    list: true,
                    key: Est::fixed(1),
                    val,
                });
                i
            }
            Expr::Map(m) => {
                let mut cost = Est::fixed(0);
                let empty = m.entries.is_empty();
                let start = Est {
                    min: if empty { 0 } else { u64::MAX },
                    max: 0,
                };
                let (mut key, mut val) = (start, start);
                let mut elem = Ty::K(Kind::Dyn);
                for entry in &m.entries {
                    if let EntryExpr::MapEntry(me) = &entry.expr {
                        let k = self.cost(&me.key, depth + 1);
                        let v = self.cost(&me.value, depth + 1);
                        cost = cost.add(k.cost).add(v.cost);
                        key = key.union(self.size_or_unknown(&k));
                        val = val.union(self.size_or_unknown(&v));
                        if matches!(elem, Ty::K(Kind::Dyn)) {
                            elem = v.ty;
                        }
                    }
                }
                let mut i = Info::new(cost.add(Est::fixed(MAP_CREATE)), Ty::Map(Box::new(elem)));
                i.size = Some(Est::fixed(m.entries.len() as u64));
                i.entry = Some(Entry { list: false, key, val });
                i
            }
            Expr::Struct(s) => {
                let mut cost = Est::fixed(STRUCT_CREATE);
                for entry in &s.entries {
                    if let EntryExpr::StructField(f) = &entry.expr {
                        cost = cost.add(self.cost(&f.value, depth + 1).cost);
                    }
                }
                Info::new(cost, Ty::K(Kind::Dyn))
            }
            Expr::Comprehension(c) => self.comprehension(c, depth),
            Expr::Call(call) => self.call(call, depth),
            _ => Info::new(Est::fixed(0), Ty::K(Kind::Dyn)),
        }
    }

    fn comprehension(&mut self, c: &kube_cel::cel::common::ast::ComprehensionExpr, depth: usize) -> Info<'d> {
        let range = self.cost(&c.iter_range, depth + 1);
        let init = self.cost(&c.accu_init, depth + 1);
        let mut sum = range.cost.add(init.cost);
        let mark = self.locals.len();
        self.locals.push(Local {
            name: c.accu_var.clone(),
            path: init.path.clone(),
            size: self.size(&init),
            entry: init.entry,
            ty: init.ty.clone(),
        });
        let list = match range.entry {
            Some(e) => e.list,
            None => range.ty.kind() == Kind::List,
        };
        let with = |sub: &str| {
            let mut p = range.path.clone();
            p.push(sub.to_string());
            p
        };
        let key_ty = if list { Ty::K(Kind::Int) } else { Ty::K(Kind::String) };
        match &c.iter_var2 {
            Some(v2) => {
                self.locals.push(Local {
                    name: c.iter_var.clone(),
                    path: with(if list { "@indices" } else { "@keys" }),
                    size: range.entry.map(|e| e.key),
                    entry: None,
                    ty: key_ty,
                });
                self.locals.push(Local {
                    name: v2.clone(),
                    path: with(if list { "@items" } else { "@values" }),
                    size: range.entry.map(|e| e.val),
                    entry: None,
                    ty: range.ty.elem(),
                });
            }
            None => self.locals.push(Local {
                name: c.iter_var.clone(),
                path: with(if list { "@items" } else { "@keys" }),
                size: range.entry.map(|e| if list { e.val } else { e.key }),
                entry: None,
                ty: if list { range.ty.elem() } else { key_ty },
            }),
        }
        let cond = self.cost(&c.loop_cond, depth + 1);
        let step = self.cost(&c.loop_step, depth + 1);
        self.locals.truncate(mark + 1);
        let result = self.cost(&c.result, depth + 1);
        self.locals.truncate(mark);
        sum = sum.add(result.cost);
        let count = self.size_or_unknown(&range);
        sum = sum.add(count.mul(step.cost.add(cond.cost)));
        let accu_result = matches!(&c.result.expr, Expr::Ident(n) if *n == c.accu_var);
        let ty = if accu_result && matches!(init.ty, Ty::List(_) | Ty::Map(_)) {
            step.ty.clone()
        } else {
            result.ty.clone()
        };
        let mut i = Info::new(sum, ty);
        match &c.accu_init.expr {
            Expr::Literal(_) => i.size = self.size(&init),
            Expr::List(_) | Expr::Map(_) => {
                i.size = Some(count);
                i.entry = step.entry;
            }
            _ => {}
        }
        i
    }

    fn call(&mut self, call: &kube_cel::cel::common::ast::CallExpr, depth: usize) -> Info<'d> {
        // A namespaced function (`sets.contains(a, b)`, `format.dns1123Label()`) parses as a
        // member call on its namespace: it is the global function of that name.
        let qualified = match call.target.as_deref().map(|t| &t.expr) {
            Some(Expr::Ident(ns)) if self.local(ns).is_none() && super::celenv::is_namespace(ns) => {
                Some(format!("{ns}.{}", call.func_name))
            }
            _ => None,
        };
        if let Some(q) = qualified {
            let global = kube_cel::cel::common::ast::CallExpr {
                func_name: q,
                target: None,
                args: call.args.clone(),
            };
            return self.call(&global, depth + 1);
        }
        let name = call.func_name.as_str();
        if name == "dyn" && call.args.len() == 1 {
            let a = self.cost(&call.args[0], depth + 1);
            let mut i = Info::new(a.cost.add(Est::fixed(1)), Ty::K(Kind::Dyn));
            i.size = self.size(&a);
            i.entry = a.entry;
            return i;
        }
        if let Some(c) = two_var_comprehension(call) {
            return self.comprehension(&c, depth);
        }
        let args: Vec<Info<'d>> = call.args.iter().map(|a| self.cost(a, depth + 1)).collect();
        let target = call.target.as_deref().map(|t| self.cost(t, depth + 1));
        let mut sum = target.as_ref().map_or(Est::fixed(0), |t| t.cost);
        let arg_sum = args.iter().fold(Est::fixed(0), |s, a| s.add(a.cost));
        let ty = self.result_ty(name, target.as_ref(), &args);
        let mut out = Info::new(Est::fixed(0), ty);
        // `split`'s limit, when a literal, bounds the result (the second argument).
        // Literal integer arguments bound some results (`split`'s limit, `slice`'s range).
        let literals: Vec<Option<i64>> = call
            .args
            .iter()
            .map(|a| match &a.expr {
                Expr::Literal(LiteralValue::Int(n)) => Some(**n),
                _ => None,
            })
            .collect();
        // As Go converts it: a negative limit is a huge one.
        let literal_int = literals.get(1).copied().flatten().map(|n| n as u64);
        let (cost, mut size) = match self.ext_cost(name, target.as_ref(), &args, &literals) {
            Some((cost, size)) => (cost.add(arg_sum), size),
            None => self.function_cost(name, target.as_ref(), &args, arg_sum, literal_int, &mut out),
        };
        if name == "_[_]" && args.len() == 2 {
            let list = args[0].ty.kind() == Kind::List || args[0].entry.is_some_and(|e| e.list);
            size = args[0].entry.map(|e| e.val);
            if !args[0].path.is_empty() {
                let mut p = args[0].path.clone();
                p.push(if list { "@items" } else { "@values" }.to_string());
                out.path = p;
            }
        }
        if size.is_none() {
            size = self.size(&out);
        }
        out.size = size;
        sum = sum.add(cost);
        out.cost = sum;
        out
    }

    /// The result type of a call, as far as the estimator needs it.
    fn result_ty(&mut self, name: &str, target: Option<&Info<'d>>, args: &[Info<'d>]) -> Ty<'d> {
        let k = |k: Kind| Ty::K(k);
        match name {
            "_==_"
            | "_!=_"
            | "_<_"
            | "_<=_"
            | "_>_"
            | "_>=_"
            | "_&&_"
            | "_||_"
            | "!_"
            | "@in"
            | "@not_strictly_false"
            | "contains"
            | "startsWith"
            | "endsWith"
            | "matches"
            | "isSorted"
            | "isQuantity"
            | "isURL"
            | "isIP"
            | "isCIDR"
            | "isSemver"
            | "isInteger"
            | "isGreaterThan"
            | "isLessThan"
            | "has"
            | "isUnspecified"
            | "isLoopback"
            | "isLinkLocalMulticast"
            | "isLinkLocalUnicast"
            | "isGlobalUnicast"
            | "containsIP"
            | "containsCIDR"
            | "ip.isCanonical"
            | "all"
            | "exists"
            | "exists_one"
            | "existsOne" => k(Kind::Bool),
            "size" | "indexOf" | "lastIndexOf" | "int" | "getHours" | "getMinutes" | "getSeconds"
            | "getMilliseconds" | "getDayOfMonth" | "getDayOfWeek" | "getDayOfYear" | "getDate" | "getMonth"
            | "getFullYear" | "compareTo" | "sign" | "major" | "minor" | "patch" | "prefixLength" | "family"
            | "asInteger" => k(Kind::Int),
            "lowerAscii"
            | "upperAscii"
            | "substring"
            | "trim"
            | "replace"
            | "join"
            | "find"
            | "string"
            | "charAt"
            | "format"
            | "getScheme"
            | "getHost"
            | "getHostname"
            | "getPort"
            | "getEscapedPath"
            | "jsonpatch.escapeKey"
            | "strings.quote" => k(Kind::String),
            "split" | "findAll" => Ty::List(Box::new(k(Kind::String))),
            "double" | "asApproximateFloat" => k(Kind::Double),
            "uint" => k(Kind::Uint),
            "bool" => k(Kind::Bool),
            "bytes" => k(Kind::Bytes),
            "duration" => k(Kind::Duration),
            "timestamp" => k(Kind::Timestamp),
            "type" => k(Kind::Type),
            "quantity" | "ip" | "cidr" | "semver" | "url" | "masked" | "add" | "sub" | "format.named" => {
                k(Kind::Opaque)
            }
            "sum" | "min" | "max" => target.map_or(k(Kind::Dyn), |t| t.ty.elem()),
            "sort" => target.map_or(k(Kind::Dyn), |t| t.ty.clone()),
            "getQuery" => Ty::Map(Box::new(Ty::List(Box::new(k(Kind::String))))),
            "cel.@mapInsert" => args.first().map_or(k(Kind::Dyn), |a| a.ty.clone()),
            "hasValue" | "sets.contains" | "sets.equivalent" | "sets.intersects" | "includes" => k(Kind::Bool),
            "lists.range" => Ty::List(Box::new(k(Kind::Int))),
            "distinct" | "slice" | "reverse" | "sortBy" | "flatten" => target.map_or(k(Kind::Dyn), |t| t.ty.clone()),
            "validate" | "optional.unwrap" | "or" | "optMap" | "optFlatMap" | "first" | "last" => k(Kind::Dyn),
            n if n.starts_with("format.") => k(Kind::Opaque),
            "_[_]" => args.first().map_or(k(Kind::Dyn), |a| a.ty.elem()),
            "_?_:_" => match args.get(1).map(|a| &a.ty) {
                Some(Ty::K(Kind::Dyn)) | None => args.get(2).map_or(k(Kind::Dyn), |a| a.ty.clone()),
                Some(t) => t.clone(),
            },
            "_+_" | "_-_" | "_*_" | "_/_" | "_%_" => match (args.first().map(|a| &a.ty), args.get(1).map(|a| &a.ty)) {
                (Some(Ty::List(a)), Some(Ty::List(b))) => {
                    if matches!(**a, Ty::K(Kind::Dyn)) {
                        Ty::List(b.clone())
                    } else {
                        Ty::List(a.clone())
                    }
                }
                (Some(Ty::K(Kind::Dyn)), Some(b)) => b.clone(),
                (Some(a), _) => a.clone(),
                _ => k(Kind::Dyn),
            },
            "-_" => args.first().map_or(k(Kind::Dyn), |a| a.ty.clone()),
            "_?._" | "_[?_]" | "optional.of" | "optional.none" | "orValue" | "value" | "optional.ofNonZeroValue" => {
                k(Kind::Dyn)
            }
            _ => {
                self.guessed = true;
                k(Kind::Dyn)
            }
        }
    }

    /// The cost of the function itself plus its arguments (not its target), and the size of
    /// its result when the function tells it (cel-go's `functionCost` with the Kubernetes
    /// library's `EstimateCallCost` first).
    fn function_cost(
        &self,
        name: &str,
        target: Option<&Info<'d>>,
        args: &[Info<'d>],
        arg_sum: Est,
        literal_int: Option<u64>,
        out: &mut Info<'d>,
    ) -> (Est, Option<Est>) {
        if let Some((cost, size)) = self.k8s_cost(name, target, args, literal_int) {
            return (cost.add(arg_sum), size);
        }
        let sz = |i: &Info| self.size_or_unknown(i);
        let kind = |i: &Info| i.ty.kind();
        let one = Est::fixed(1);
        match (name, target, args) {
            ("format", Some(t), _) if kind(t) == Kind::String => (sz(t).factor(STRING_TRAVERSAL).add(arg_sum), None),
            ("bytes", None, [a]) if kind(a) == Kind::String => {
                let s = sz(a);
                (
                    s.factor(STRING_TRAVERSAL).add(arg_sum),
                    Some(Est {
                        min: s.min,
                        max: s.max.saturating_mul(4),
                    }),
                )
            }
            ("string", None, [a]) if kind(a) == Kind::Bytes => {
                let s = sz(a);
                (
                    s.factor(STRING_TRAVERSAL).add(arg_sum),
                    Some(Est {
                        min: s.min / 4,
                        max: s.max,
                    }),
                )
            }
            ("startsWith" | "endsWith", Some(_), [a]) => (sz(a).factor(STRING_TRAVERSAL).add(arg_sum), None),
            ("@in", None, [_, l]) if matches!(kind(l), Kind::List | Kind::Dyn) => (sz(l).add(arg_sum), None),
            ("matches", Some(t), [re]) => {
                let s = sz(t).add(one).factor(STRING_TRAVERSAL);
                let r = sz(re).factor(REGEX_LENGTH);
                (s.mul(r).add(arg_sum), None)
            }
            ("contains", Some(t), [a]) if matches!(kind(t), Kind::String | Kind::Dyn) => {
                let s = sz(t).factor(STRING_TRAVERSAL);
                let r = sz(a).factor(STRING_TRAVERSAL);
                (s.mul(r).add(arg_sum), None)
            }
            ("_&&_" | "_||_", None, [l, r]) => (
                Est {
                    min: l.cost.min,
                    max: l.cost.add(r.cost).max,
                },
                None,
            ),
            ("_?_:_", None, [c, t, f]) => {
                out.entry = union_entry(t.entry, f.entry);
                (c.cost.add(t.cost.union(f.cost)), Some(sz(t).union(sz(f))))
            }
            ("_+_", None, [l, r]) => {
                let (lk, rk) = (kind(l), kind(r));
                let sized = |k: Kind| matches!(k, Kind::String | Kind::Bytes | Kind::List);
                if !(sized(lk) || sized(rk) || lk == Kind::Dyn && rk == Kind::Dyn) {
                    return (one.add(arg_sum), None);
                }
                let size = sz(l).add(sz(r));
                if let Some(e) = union_entry(l.entry, r.entry) {
                    out.entry = Some(e);
                }
                let list = lk == Kind::List || rk == Kind::List;
                let dyn_ = lk == Kind::Dyn || rk == Kind::Dyn;
                let cost = if list {
                    one
                } else if dyn_ {
                    // Every overload of `+` matches a `dyn` operand: the estimate covers them all.
                    size.factor(STRING_TRAVERSAL).union(one)
                } else {
                    size.factor(STRING_TRAVERSAL)
                };
                (cost.add(arg_sum), Some(size))
            }
            ("_<_" | "_<=_" | "_>_" | "_>=_", None, [l, r])
                if matches!(kind(l), Kind::String | Kind::Bytes) || matches!(kind(r), Kind::String | Kind::Bytes) =>
            {
                (compare_cost(sz(l), sz(r)).add(arg_sum), None)
            }
            ("_==_" | "_!=_", None, [l, r]) => {
                if kind(l) == Kind::Opaque && kind(r) == Kind::Opaque {
                    return (one.add(arg_sum), None);
                }
                (compare_cost(sz(l), sz(r)).add(arg_sum), None)
            }
            _ => (one.add(arg_sum), None),
        }
    }

    /// The estimates cel-go's extension libraries register for their own functions, which
    /// take precedence over every other (`ext/lists.go` version 3, `ext/sets.go`): a call
    /// costs 1, an allocated list 10 more, plus the traversal.
    fn ext_cost(
        &self,
        name: &str,
        target: Option<&Info<'d>>,
        args: &[Info<'d>],
        literals: &[Option<i64>],
    ) -> Option<(Est, Option<Est>)> {
        let call = Est::fixed(1);
        // A literal argument as an unsigned bound (negative is 0, `nodeAsUintValue`).
        let literal = |i: usize| literals.get(i).copied().flatten().map(|n| n.max(0) as u64);
        let alloc = |factor: f64, size: Est| (size.factor(factor).add(call).add(Est::fixed(LIST_CREATE)), Some(size));
        let list_target = target.filter(|t| t.ty.kind() == Kind::List);
        Some(match (name, list_target, args.len()) {
            ("sets.contains" | "sets.intersects" | "sets.equivalent", _, 2) if target.is_none() => {
                let f = if name == "sets.equivalent" { 2.0 } else { 1.0 };
                let size = self.size_or_unknown(&args[0]).mul(self.size_or_unknown(&args[1]));
                (size.factor(f).add(call), None)
            }
            ("reverse", Some(t), 0) => alloc(1.0, self.size_or_unknown(t)),
            ("distinct", Some(t), 0) => {
                let s = self.size_or_unknown(t);
                alloc(2.0, s.mul(s))
            }
            ("slice", Some(t), 2) => {
                let s = self.size_or_unknown(t);
                let start = literal(0).unwrap_or(0);
                let end = literal(1).unwrap_or(s.max);
                alloc(1.0, Est::fixed(end.wrapping_sub(start)))
            }
            ("flatten", Some(t), 0 | 1) => {
                let depth = match args.len() {
                    0 => 1,
                    _ => literal(0).unwrap_or(u64::MAX),
                };
                alloc(depth as f64, self.size_or_unknown(t))
            }
            ("lists.range", None, 1) if target.is_none() => alloc(1.0, Est::fixed(literal(0).unwrap_or(u64::MAX))),
            ("sort", Some(t), 0) => {
                let s = self.size_or_unknown(t);
                let f = if matches!(t.ty.elem().kind(), Kind::String | Kind::Bytes) {
                    2.0 + STRING_TRAVERSAL
                } else {
                    2.0
                };
                alloc(f, s.mul(s))
            }
            _ => return None,
        })
    }

    /// The Kubernetes library's call estimates (`library.CostEstimator.EstimateCallCost`).
    fn k8s_cost(
        &self,
        name: &str,
        target: Option<&Info<'d>>,
        args: &[Info<'d>],
        literal_int: Option<u64>,
    ) -> Option<(Est, Option<Est>)> {
        let sz = |i: &Info| self.k8s_size(i);
        let one = Est::fixed(1);
        let string_arg = |i: usize| args.get(i).is_some_and(|a| a.ty.kind() == Kind::String);
        Some(match name {
            "isSorted" | "sum" | "max" | "min" | "indexOf" | "lastIndexOf" | "includes" => {
                let t = target?;
                match &t.ty {
                    Ty::List(el) => {
                        let mut el_cost = one;
                        if matches!(el.kind(), Kind::String | Kind::Bytes) {
                            let mut p = t.path.clone();
                            let el_size = if p.is_empty() {
                                Est::UNKNOWN
                            } else {
                                p.push("@items".into());
                                self.estimate_path(&p).unwrap_or(Est::UNKNOWN)
                            };
                            el_cost = el_cost.add(el_size.factor(STRING_TRAVERSAL));
                        }
                        (sz(t).mul(el_cost), None)
                    }
                    _ if name == "includes" => (sz(t), None),
                    _ => (sz(t).factor(STRING_TRAVERSAL), None),
                }
            }
            "url" | "jsonpatch.escapeKey" if args.len() == 1 => {
                let s = sz(&args[0]);
                (s.factor(STRING_TRAVERSAL), Some(s))
            }
            "lowerAscii" | "upperAscii" | "substring" | "trim" => {
                let s = sz(target?);
                (s.factor(STRING_TRAVERSAL), Some(s))
            }
            "replace" if args.len() >= 2 => {
                let s = sz(target?);
                let from = sz(&args[0]);
                let with = sz(&args[1]);
                let (mut count, mut kept) = (Est::fixed(0), Est::fixed(0));
                if from.min == 0 {
                    count.max = if s.max < u64::MAX { s.max + 1 } else { s.max };
                    kept.max = s.max;
                } else if with.max <= from.min {
                    count.max = 0;
                    kept.max = s.max;
                } else {
                    count.max = (s.max as f64 / from.min as f64).ceil() as u64;
                }
                if from.max == 0 {
                    count.min = if s.min < u64::MAX { s.min + 1 } else { s.min };
                    kept.min = s.min;
                } else if from.max <= with.min {
                    count.min = 0;
                    kept.min = s.min;
                } else {
                    count.min = (s.min as f64 / from.max as f64).ceil() as u64;
                }
                let size = count.mul(with).add(kept);
                (s.factor(2.0 * STRING_TRAVERSAL), Some(size))
            }
            "split" => {
                let s = sz(target?);
                let mut max = s.max;
                if let Some(n) = literal_int {
                    max = n;
                }
                (s.factor(2.0 * STRING_TRAVERSAL), Some(Est { min: 0, max }))
            }
            "join" => {
                let t = target?;
                let list = sz(t);
                let mut size = Est::fixed(0);
                if let Ty::List(_) = &t.ty {
                    let el = if t.path.is_empty() {
                        Est::UNKNOWN
                    } else {
                        let mut p = t.path.clone();
                        p.push("@items".into());
                        self.estimate_path(&p).unwrap_or(Est::UNKNOWN)
                    };
                    size = list.mul(el);
                }
                if let Some(sep) = args.first() {
                    let seps = Est {
                        min: list.min.saturating_sub(1),
                        max: list.max.saturating_sub(1),
                    };
                    size = size.add(sz(sep).mul(seps));
                }
                (size.factor(STRING_TRAVERSAL), Some(size))
            }
            "find" | "findAll" if !args.is_empty() => {
                let s = sz(target?);
                let str_cost = s.add(one).factor(STRING_TRAVERSAL);
                let re = sz(&args[0]).factor(REGEX_LENGTH);
                (str_cost.mul(re), Some(Est { min: 0, max: s.max }))
            }
            "cidr" | "isIP" | "isCIDR" | "quantity" | "isQuantity" | "semver" | "isSemver" if !args.is_empty() => {
                (sz(&args[0]).factor(STRING_TRAVERSAL), None)
            }
            "ip" => {
                if target.is_some() {
                    (one, None)
                } else if !args.is_empty() {
                    (sz(&args[0]).factor(STRING_TRAVERSAL), None)
                } else {
                    return None;
                }
            }
            "ip.isCanonical" if !args.is_empty() => (sz(&args[0]).factor(2.0 * STRING_TRAVERSAL), None),
            "masked"
            | "prefixLength"
            | "family"
            | "isUnspecified"
            | "isLoopback"
            | "isLinkLocalMulticast"
            | "isLinkLocalUnicast"
            | "isGlobalUnicast"
            | "format.named"
            | "sign"
            | "asInteger"
            | "isInteger"
            | "asApproximateFloat"
            | "isGreaterThan"
            | "isLessThan"
            | "compareTo"
            | "add"
            | "sub"
            | "major"
            | "minor"
            | "patch"
            | "getScheme"
            | "getHostname"
            | "getHost"
            | "getPort"
            | "getEscapedPath"
            | "getQuery" => {
                if matches!(name, "add" | "sub") && target.is_none_or(|t| t.ty.kind() != Kind::Opaque) {
                    return None;
                }
                (one, None)
            }
            "containsIP" | "containsCIDR" if !args.is_empty() => {
                let ip = Est { min: 4, max: 16 };
                let mut cost = ip.add(ip).factor(STRING_TRAVERSAL);
                if name == "containsCIDR" {
                    cost = cost.add(ip.factor(STRING_TRAVERSAL)).add(one);
                }
                if string_arg(0) {
                    cost = cost.add(sz(&args[0]).factor(STRING_TRAVERSAL));
                }
                (cost, None)
            }
            "validate" if !args.is_empty() => {
                (sz(&args[0]).factor(STRING_TRAVERSAL).factor(128.0 * REGEX_LENGTH), None)
            }
            _ => return None,
        })
    }
}

/// A two-variable comprehension (`l.all(i, v, p)`, `m.exists(k, v, p)`, `existsOne`,
/// `transformList`, `transformMap`, `transformMapEntry`), which portalint's parser leaves a
/// call, as the comprehension cel-go's macro expands it to (`ext/comprehensions.go`), so it
/// costs what it costs there.
fn two_var_comprehension(
    call: &kube_cel::cel::common::ast::CallExpr,
) -> Option<kube_cel::cel::common::ast::ComprehensionExpr> {
    use kube_cel::cel::common::ast::{CallExpr, ComprehensionExpr, ListExpr, MapExpr};
    let target = call.target.as_deref()?;
    let (Some(Expr::Ident(k)), Some(Expr::Ident(v))) =
        (call.args.first().map(|a| &a.expr), call.args.get(1).map(|a| &a.expr))
    else {
        return None;
    };
    let node = |expr: Expr| IdedExpr { id: 0, expr };
    let call_of = |name: &str, args: Vec<IdedExpr>| {
        node(Expr::Call(CallExpr {
            func_name: name.to_string(),
            target: None,
            args,
        }))
    };
    let accu = "@result".to_string();
    let result = || node(Expr::Ident(accu.clone()));
    let lit = |l: LiteralValue| node(Expr::Literal(l));
    let (init, cond, step, res) = match (call.func_name.as_str(), call.args.len()) {
        ("all", 3) => (
            lit(LiteralValue::Boolean(true.into())),
            call_of("@not_strictly_false", vec![result()]),
            call_of("_&&_", vec![result(), call.args[2].clone()]),
            result(),
        ),
        ("exists", 3) => (
            lit(LiteralValue::Boolean(false.into())),
            call_of("@not_strictly_false", vec![call_of("!_", vec![result()])]),
            call_of("_||_", vec![result(), call.args[2].clone()]),
            result(),
        ),
        ("existsOne" | "exists_one", 3) => (
            lit(LiteralValue::Int(0.into())),
            lit(LiteralValue::Boolean(true.into())),
            call_of(
                "_?_:_",
                vec![
                    call.args[2].clone(),
                    call_of("_+_", vec![result(), lit(LiteralValue::Int(1.into()))]),
                    result(),
                ],
            ),
            call_of("_==_", vec![result(), lit(LiteralValue::Int(1.into()))]),
        ),
        ("transformList" | "transformMap" | "transformMapEntry", 3 | 4) => {
            let expr = call.args.last()?.clone();
            let (init, step) = match call.func_name.as_str() {
                "transformList" => (
                    node(Expr::List(ListExpr::new(Vec::new()))),
                    call_of("_+_", vec![result(), node(Expr::List(ListExpr::new(vec![expr])))]),
                ),
                "transformMap" => (
                    node(Expr::Map(MapExpr::default())),
                    call_of("cel.@mapInsert", vec![result(), node(Expr::Ident(k.clone())), expr]),
                ),
                _ => (
                    node(Expr::Map(MapExpr::default())),
                    call_of("cel.@mapInsert", vec![result(), expr]),
                ),
            };
            let step = if call.args.len() == 4 {
                call_of("_?_:_", vec![call.args[2].clone(), step, result()])
            } else {
                step
            };
            (init, lit(LiteralValue::Boolean(true.into())), step, result())
        }
        _ => return None,
    };
    Some(ComprehensionExpr {
        iter_range: target.clone(),
        iter_var: k.clone(),
        iter_var2: Some(v.clone()),
        accu_var: accu,
        accu_init: init,
        loop_cond: cond,
        loop_step: step,
        result: res,
    })
}

/// The cost of comparing two values of the given sizes (cel-go: equality and ordering of
/// strings and bytes traverse the shorter one).
fn compare_cost(l: Est, r: Est) -> Est {
    let smallest = l.max.min(r.max);
    Est {
        min: u64::from(smallest > 0),
        max: smallest,
    }
    .factor(STRING_TRAVERSAL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cost(schema: &Json, rule: &str) -> u64 {
        let e = crate::schema::cel::parse(rule).expect("parses");
        let d = decl(schema, false).expect("declared");
        let (est, guessed) = estimate(&e, &d);
        assert!(!guessed, "{rule} guessed");
        est.max
    }

    #[test]
    fn declared_sizes_follow_the_api_server() {
        let unbounded = MAX_REQUEST_BYTES - 2;
        assert_eq!(decl(&json!({"type": "string"}), false).unwrap().max_elements, unbounded);
        // maxLength counts code points, a code point is at most 4 bytes.
        assert_eq!(
            decl(&json!({"type": "string", "maxLength": 10}), false)
                .unwrap()
                .max_elements,
            40
        );
        assert_eq!(
            decl(&json!({"type": "string", "enum": ["a", "abc"]}), false)
                .unwrap()
                .max_elements,
            3
        );
        assert_eq!(
            decl(&json!({"type": "string", "format": "date-time"}), false)
                .unwrap()
                .max_elements,
            32
        );
        // A list of numbers: as many as fit in a request at 2 bytes each (`1,`).
        let list = decl(&json!({"type": "array", "items": {"type": "number"}}), false).unwrap();
        assert_eq!(list.max_elements, unbounded / 2);
        let map = decl(
            &json!({"type": "object", "additionalProperties": {"type": "boolean"}}),
            false,
        )
        .unwrap();
        assert_eq!(map.max_elements, unbounded / 10);
        // A required field without a default makes every item bigger.
        let obj = json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}});
        assert_eq!(decl(&obj, false).unwrap().min_size, 2 + 4 + 2 + 4);
        assert!(decl(&json!({"x-kubernetes-preserve-unknown-fields": true}), false).is_none());
    }

    #[test]
    fn estimates_follow_cel_go() {
        let bounded = json!({"type": "array", "maxItems": 10, "items": {"type": "number"}});
        assert_eq!(cost(&bounded, "self.all(x, true)"), 32);
        assert_eq!(cost(&bounded, "self.all(x, self.all(y, true))"), 352);
        assert_eq!(cost(&bounded, "self[1] == 0.0"), 2);
        // A two-variable comprehension costs what its one-variable form does (cel-go's
        // macros expand both to the same loop).
        assert_eq!(cost(&bounded, "self.all(x, x > 0.0)"), 52);
        assert_eq!(cost(&bounded, "self.all(i, x, x > 0.0)"), 52);
        assert_eq!(
            cost(&bounded, "self.transformList(i, x, x * 2.0).size() > 0"),
            12 + 10 * 14 + 2
        );
        // cel-go's list and set extensions estimate their own calls.
        let ints = json!({"type": "array", "maxItems": 10, "items": {"type": "integer"}});
        assert_eq!(cost(&ints, "self.distinct().size() > 0"), 1 + (10 * 10 * 2 + 11) + 2);
        assert_eq!(cost(&ints, "sets.contains(self, [1])"), 1 + 10 + (10 + 1));
        assert_eq!(cost(&ints, "self.reverse() == self"), 1 + 21 + 1 + 1);
        assert_eq!(cost(&ints, "self.slice(1, 3).size() == 2"), 1 + (2 + 11) + 1 + 1);
        let s = json!({"type": "string"});
        assert_eq!(cost(&s, "self.contains('test')"), 314_574);
        assert_eq!(cost(&s, "self.startsWith('test')"), 2);
        assert_eq!(cost(&s, r#"self.matches("")"#), 1);
        // `has()` costs nothing itself, `self` costs 1.
        let o = json!({"type": "object", "properties": {"a": {"type": "integer"}}});
        assert_eq!(cost(&o, "has(self.a)"), 1);
        // A conversion's result has no known size: the concatenation's is unbounded.
        let l = json!({"type": "array", "items": {"type": "string"}});
        assert!(cost(&l, "string(self[0]) + string(self[1]) + string(self[2]) == ''") > u64::MAX / 10);
    }
}
