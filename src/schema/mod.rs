//! Validation of an instance against a Kubernetes structural (OpenAPI v3) schema, with API
//! server semantics: type, nullable, int-or-string, enum, pattern (RE2 via `regex`), bounds,
//! lengths, items, properties, required (after defaults), additionalProperties,
//! preserve-unknown-fields, embedded resources, and unknown fields reported at the key.
//! Both schema and instance are spanned YAML nodes; errors carry instance offsets.

pub mod cel;
pub mod celcheck;
pub mod celcost;
pub mod celenv;
pub mod celfns;
pub mod celformat;
pub mod cellimits;
pub mod celurl;
pub mod celvalue;
pub mod crds;
pub mod score;
pub mod structural;
pub mod xcrd;

use crate::parse::text::code;
use crate::parse::yaml::{Entry, Node, Value};
use regex::Regex;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// What failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A field the schema does not declare.
    UnknownField,
    /// A required field is missing.
    Required,
    /// Wrong type.
    Type,
    /// Any other value constraint.
    Value,
}

/// One validation error.
#[derive(Debug, Clone)]
pub struct SchemaError {
    /// Kind of error.
    pub kind: ErrorKind,
    /// Start offset of the offending node (or key) in the instance's file.
    pub start: u32,
    /// End offset.
    pub end: u32,
    /// Dotted path, e.g. `spec.items[0].name`.
    pub path: String,
    /// Message.
    pub message: String,
    /// Optional hint (known fields, did you mean).
    pub help: Option<String>,
}

/// Options for one validation.
pub struct Options<'f> {
    /// Report fields the schema does not declare.
    pub unknown_fields: bool,
    /// Dotted paths under which unknown fields are accepted (fields the server injects).
    pub allow_unknown_under: &'f [&'f str],
    /// Values produced by templates: skip value checks on them.
    pub is_dynamic: Option<&'f dyn Fn(&Node) -> bool>,
    /// The instance is a Kubernetes object: the API server checks its `metadata` itself, and
    /// `apiVersion`/`kind` are always allowed at the root. Off for other documents (Score).
    pub kubernetes_object: bool,
    /// The most schema nodes the validation may visit (config `limits.schema-steps`).
    pub max_steps: usize,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            unknown_fields: true,
            allow_unknown_under: &[],
            is_dynamic: None,
            kubernetes_object: true,
            max_steps: MAX_STEPS,
        }
    }
}

/// Validates `instance` (a whole object) against `schema`. `head` is the span used for
/// errors about the root (missing required top-level fields).
pub fn validate(schema: &Node, instance: &Node, head: (u32, u32), opts: &Options<'_>) -> Vec<SchemaError> {
    let steps = std::cell::Cell::new(0);
    let mut v = Validator {
        opts,
        errors: Vec::new(),
        steps: &steps,
        enums: HashMap::new(),
    };
    // One path buffer for the whole walk: a field's path is written into it on the way
    // down and cut off on the way back, not built anew for every field.
    let mut path = String::new();
    v.node(schema, instance, &mut path, head, true, true);
    if steps.get() > opts.max_steps {
        v.err(
            ErrorKind::Value,
            head,
            "",
            format!(
                "validating this object takes more than {} schema steps (a schema or object built to be slow?; \
                 config `limits.schema-steps`); the rest of it is not checked",
                opts.max_steps
            ),
            None,
        );
    }
    v.errors
}

struct Validator<'o, 'f> {
    opts: &'o Options<'f>,
    errors: Vec<SchemaError>,
    /// Steps taken in this object's validation, shared with the validators of its
    /// `anyOf`/`oneOf`/`allOf`/`not` branches.
    steps: &'o std::cell::Cell<usize>,
    /// Enum values as sets, by the address of their schema node (large enums only).
    enums: HashMap<usize, std::collections::HashSet<String>>,
}

/// The most schema nodes one object's validation visits (branches of `anyOf` and the like
/// included); past it the object is reported and the rest of it is not checked.
pub const MAX_STEPS: usize = 2_000_000;

/// Enums longer than this are looked up in a set, and get no "did you mean".
const LARGE_ENUM: usize = 32;

/// A text that two values share exactly when `same_value` holds between them (maps in key
/// order, integral doubles as integers), so uniqueness is checked by hashing.
fn canonical(n: &Node, out: &mut String) {
    use std::fmt::Write;
    match &n.value {
        Value::Null => out.push('~'),
        Value::Bool(b) => out.push_str(if *b { "T" } else { "F" }),
        Value::Int(i) => {
            let _ = write!(out, "n{i}");
        }
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            let _ = write!(out, "n{}", *f as i64);
        }
        Value::Float(f) => {
            let _ = write!(out, "f{f:?}");
        }
        Value::Str(t) => {
            let _ = write!(out, "s{}:{t}", t.len());
        }
        Value::Seq(items) => {
            let _ = write!(out, "[{}", items.len());
            for i in items {
                out.push(',');
                canonical(i, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            let mut sorted: Vec<&Entry> = entries.iter().collect();
            sorted.sort_by(|a, b| a.key.cmp(&b.key));
            let _ = write!(out, "{{{}", sorted.len());
            for e in sorted {
                let _ = write!(out, ",{}:{}=", e.key.len(), e.key);
                canonical(&e.value, out);
            }
            out.push('}');
        }
    }
}

fn canonical_text(n: &Node) -> String {
    let mut s = String::new();
    canonical(n, &mut s);
    s
}

/// Compiled patterns kept at most.
pub const REGEX_CACHE_ENTRIES: usize = 1024;

fn regex_for(pattern: &str) -> Option<Arc<Regex>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Arc<Regex>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut guard = cache.lock().unwrap_or_else(|e| e.into_inner());
    // Looked up by `&str` first: a pattern is checked once per string value.
    if let Some(found) = guard.get(pattern) {
        return found.clone();
    }
    // Bounded: a file with many distinct patterns empties the cache rather than growing it
    // (each compiled pattern may hold up to the 1 MiB size limit).
    if guard.len() >= REGEX_CACHE_ENTRIES {
        guard.clear();
    }
    guard
        .entry(pattern.to_string())
        .or_insert_with(|| {
            regex::RegexBuilder::new(pattern)
                .size_limit(1 << 20)
                .build()
                .ok()
                .map(Arc::new)
        })
        .clone()
}

/// Compiles a schema `pattern` the way the API server would (RE2 syntax); `None` when invalid.
pub fn compile_pattern(pattern: &str) -> Option<Arc<Regex>> {
    regex_for(pattern)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Appends `key` to the dotted `path` in place (what [`join`] returns).
fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn display(path: &str) -> &str {
    if path.is_empty() {
        "<root>"
    } else {
        path
    }
}

fn flag(schema: &Node, key: &str) -> bool {
    schema.get(key).and_then(Node::as_bool).unwrap_or(false)
}

fn scalar_eq(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => (*x as f64) == *y,
        (Value::Map(_), _) | (Value::Seq(_), _) => false,
        (x, y) => x == y,
    }
}

impl Validator<'_, '_> {
    fn err(&mut self, kind: ErrorKind, at: (u32, u32), path: &str, message: String, help: Option<String>) {
        self.errors.push(SchemaError {
            kind,
            start: at.0,
            end: at.1,
            path: path.to_string(),
            message,
            help,
        });
    }

    /// `loc` is where to point for errors about `node` as a whole (its key, when it has one).
    fn node(&mut self, schema: &Node, node: &Node, path: &mut String, loc: (u32, u32), structural: bool, root: bool) {
        let taken = self.steps.get() + 1;
        self.steps.set(taken);
        if taken > self.opts.max_steps {
            return;
        }
        let span = (node.start, node.end);
        let dynamic = self.opts.is_dynamic.is_some_and(|f| f(node));
        if dynamic && !matches!(node.value, Value::Map(_) | Value::Seq(_)) {
            return;
        }
        if node.is_null() {
            if !flag(schema, "nullable") && schema.get("type").is_some() && !dynamic {
                let t = schema.str_at(&["type"]).unwrap_or("value");
                self.err(
                    ErrorKind::Type,
                    span,
                    path,
                    format!("{code0} must be of type {t}, found null", code0 = code(&display(path))),
                    None,
                );
            }
            return;
        }
        if !self.type_ok(schema, node, path, span) {
            return;
        }
        self.value_checks(schema, node, path, span);
        for logic in ["allOf", "anyOf", "oneOf"] {
            if let Some(subs) = schema.get(logic).and_then(Node::as_seq) {
                let results: Vec<Vec<SchemaError>> = subs
                    .iter()
                    .map(|s| {
                        let mut v = Validator {
                            opts: self.opts,
                            errors: Vec::new(),
                            steps: self.steps,
                            enums: HashMap::new(),
                        };
                        v.node(s, node, path, loc, false, false);
                        v.errors
                    })
                    .collect();
                let passing = results.iter().filter(|r| r.is_empty()).count();
                match logic {
                    "allOf" => self.errors.extend(results.into_iter().flatten()),
                    "anyOf" if passing == 0 && !subs.is_empty() => self.err(
                        ErrorKind::Value,
                        span,
                        path,
                        format!(
                            "{code0} must match at least one of the schemas in anyOf",
                            code0 = code(&display(path))
                        ),
                        results.into_iter().flatten().next().map(|e| e.message),
                    ),
                    "oneOf" if passing != 1 && !subs.is_empty() => self.err(
                        ErrorKind::Value,
                        span,
                        path,
                        format!(
                            "{code0} must match exactly one of the schemas in oneOf, matches {passing}",
                            code0 = code(&display(path))
                        ),
                        None,
                    ),
                    _ => {}
                }
            }
        }
        if let Some(not) = schema.get("not") {
            let mut v = Validator {
                opts: self.opts,
                errors: Vec::new(),
                steps: self.steps,
                enums: HashMap::new(),
            };
            v.node(not, node, path, loc, false, false);
            if v.errors.is_empty() {
                self.err(
                    ErrorKind::Value,
                    span,
                    path,
                    format!(
                        "{code0} must not match the schema in `not`",
                        code0 = code(&display(path))
                    ),
                    None,
                );
            }
        }
        match &node.value {
            Value::Map(entries) => self.object(schema, node, entries, path, loc, structural, root),
            Value::Seq(items) => {
                if let Some(item_schema) = schema.get("items") {
                    let len = path.len();
                    for (i, item) in items.iter().enumerate() {
                        use std::fmt::Write;
                        let _ = write!(path, "[{i}]");
                        self.node(item_schema, item, path, (item.start, item.end), structural, false);
                        path.truncate(len);
                    }
                }
            }
            _ => {}
        }
    }

    fn type_ok(&mut self, schema: &Node, node: &Node, path: &str, span: (u32, u32)) -> bool {
        if flag(schema, "x-kubernetes-int-or-string") {
            if matches!(node.value, Value::Int(_) | Value::Str(_)) {
                return true;
            }
            self.err(
                ErrorKind::Type,
                span,
                path,
                format!(
                    "{code0} must be an integer or a string, found {}",
                    node.type_name(),
                    code0 = code(&display(path))
                ),
                None,
            );
            return false;
        }
        let Some(t) = schema.get("type").and_then(Node::as_str) else {
            return true;
        };
        let ok = match (t, &node.value) {
            ("object", Value::Map(_)) | ("array", Value::Seq(_)) | ("string", Value::Str(_)) => true,
            ("boolean", Value::Bool(_)) | ("integer", Value::Int(_)) => true,
            ("integer", Value::Float(f)) => f.fract() == 0.0,
            ("number", Value::Int(_) | Value::Float(_)) => true,
            _ => false,
        };
        if !ok {
            let found = match &node.value {
                Value::Str(s) if s.len() <= 40 => format!("string \"{s}\""),
                _ => node.type_name().to_string(),
            };
            let help = match (t, &node.value) {
                ("string", Value::Bool(_) | Value::Int(_) | Value::Float(_)) => {
                    Some("quote the value so YAML reads it as a string".to_string())
                }
                _ => None,
            };
            self.err(
                ErrorKind::Type,
                span,
                path,
                format!(
                    "{code0} must be of type {t}, found {found}",
                    code0 = code(&display(path))
                ),
                help,
            );
        }
        ok
    }

    fn value_checks(&mut self, schema: &Node, node: &Node, path: &str, span: (u32, u32)) {
        let p = display(path);
        if let Some(options) = schema.get("enum").and_then(Node::as_seq) {
            let listed = if options.len() > LARGE_ENUM {
                let set = self.enums.entry(options.as_ptr() as usize).or_insert_with(|| {
                    options
                        .iter()
                        .filter(|o| !matches!(o.value, Value::Map(_) | Value::Seq(_)))
                        .map(canonical_text)
                        .collect()
                });
                !matches!(node.value, Value::Map(_) | Value::Seq(_)) && set.contains(&canonical_text(node))
            } else {
                options.iter().any(|o| scalar_eq(o, node))
            };
            if !listed {
                let shown: Vec<String> = options.iter().take(LARGE_ENUM).filter_map(Node::scalar_text).collect();
                let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
                let found = node.scalar_text().unwrap_or_else(|| node.type_name().to_string());
                self.err(
                    ErrorKind::Value,
                    span,
                    path,
                    format!(
                        "{code0} must be one of {}, found {code1}",
                        crate::parse::text::list(&shown, 12),
                        code0 = code(&p),
                        code1 = code(&found)
                    ),
                    (options.len() <= LARGE_ENUM)
                        .then(|| crate::parse::text::suggest(&found, shown.iter().copied()))
                        .flatten()
                        .map(|s| format!("did you mean {code0}?", code0 = code(&s))),
                );
            }
        }
        match &node.value {
            Value::Str(s) => {
                if let Some(pat) = schema.get("pattern").and_then(Node::as_str) {
                    if let Some(re) = regex_for(pat) {
                        if !re.is_match(s) {
                            self.err(
                                ErrorKind::Value,
                                span,
                                path,
                                format!(
                                    "{code0} does not match the pattern {code1}",
                                    code0 = code(&p),
                                    code1 = code(&pat)
                                ),
                                None,
                            );
                        }
                    }
                }
                let n = s.chars().count() as i64;
                if let Some(min) = schema.get("minLength").and_then(Node::as_i64) {
                    if n < min {
                        self.err(
                            ErrorKind::Value,
                            span,
                            path,
                            format!(
                                "{code0} must be at least {min} characters long, is {n}",
                                code0 = code(&p)
                            ),
                            None,
                        );
                    }
                }
                if let Some(max) = schema.get("maxLength").and_then(Node::as_i64) {
                    if n > max {
                        self.err(
                            ErrorKind::Value,
                            span,
                            path,
                            format!(
                                "{code0} must be at most {max} characters long, is {n}",
                                code0 = code(&p)
                            ),
                            None,
                        );
                    }
                }
            }
            Value::Int(_) | Value::Float(_) => {
                let x = node.as_f64().unwrap_or(0.0);
                // Written only into a message.
                let shown = || node.scalar_text().unwrap_or_default();
                if let Some(min) = schema.get("minimum").and_then(Node::as_f64) {
                    let excl = flag(schema, "exclusiveMinimum");
                    if x < min || (excl && x == min) {
                        let word = if excl { "greater than" } else { "at least" };
                        self.err(
                            ErrorKind::Value,
                            span,
                            path,
                            format!("{code0} must be {word} {min}, found {}", shown(), code0 = code(&p)),
                            None,
                        );
                    }
                }
                if let Some(max) = schema.get("maximum").and_then(Node::as_f64) {
                    let excl = flag(schema, "exclusiveMaximum");
                    if x > max || (excl && x == max) {
                        let word = if excl { "less than" } else { "at most" };
                        self.err(
                            ErrorKind::Value,
                            span,
                            path,
                            format!("{code0} must be {word} {max}, found {}", shown(), code0 = code(&p)),
                            None,
                        );
                    }
                }
                if let Some(m) = schema.get("multipleOf").and_then(Node::as_f64) {
                    if m > 0.0 && (x / m).fract() != 0.0 {
                        self.err(
                            ErrorKind::Value,
                            span,
                            path,
                            format!("{code0} must be a multiple of {m}", code0 = code(&p)),
                            None,
                        );
                    }
                }
            }
            Value::Seq(items) => {
                let n = items.len() as i64;
                if let Some(min) = schema.get("minItems").and_then(Node::as_i64) {
                    if n < min {
                        self.err(
                            ErrorKind::Value,
                            span,
                            path,
                            format!("{code0} must have at least {min} items, has {n}", code0 = code(&p)),
                            None,
                        );
                    }
                }
                if let Some(max) = schema.get("maxItems").and_then(Node::as_i64) {
                    if n > max {
                        self.err(
                            ErrorKind::Value,
                            span,
                            path,
                            format!("{code0} must have at most {max} items, has {n}", code0 = code(&p)),
                            None,
                        );
                    }
                }
                let set = flag(schema, "uniqueItems") || schema.str_at(&["x-kubernetes-list-type"]) == Some("set");
                if set {
                    let mut seen = std::collections::HashSet::with_capacity(items.len());
                    for (i, a) in items.iter().enumerate() {
                        if !seen.insert(canonical_text(a)) {
                            self.err(
                                ErrorKind::Value,
                                (a.start, a.end),
                                path,
                                format!("{code0} duplicates an earlier item", code0 = code(&format!("{p}[{i}]"))),
                                None,
                            );
                        }
                    }
                }
                if schema.str_at(&["x-kubernetes-list-type"]) == Some("map") {
                    let keys: Vec<&str> = schema
                        .get("x-kubernetes-list-map-keys")
                        .and_then(Node::as_seq)
                        .map(|k| k.iter().filter_map(Node::as_str).collect())
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        let mut seen = std::collections::HashSet::with_capacity(items.len());
                        for (i, a) in items.iter().enumerate() {
                            let ka: Vec<Option<String>> =
                                keys.iter().map(|k| a.get(k).and_then(Node::scalar_text)).collect();
                            if ka.iter().all(Option::is_some) && !seen.insert(ka.clone()) {
                                let shown: Vec<String> = ka.into_iter().flatten().collect();
                                self.err(
                                    ErrorKind::Value,
                                    (a.start, a.end),
                                    path,
                                    format!(
                                        "{code0} duplicates the key {code1} of an earlier item",
                                        code0 = code(&format!("{p}[{i}]")),
                                        code1 = code(&shown.join(","))
                                    ),
                                    None,
                                );
                            }
                        }
                    }
                }
            }
            Value::Map(entries) => {
                let n = entries.len() as i64;
                if let Some(min) = schema.get("minProperties").and_then(Node::as_i64) {
                    if n < min {
                        self.err(
                            ErrorKind::Value,
                            span,
                            path,
                            format!("{code0} must have at least {min} fields, has {n}", code0 = code(&p)),
                            None,
                        );
                    }
                }
                if let Some(max) = schema.get("maxProperties").and_then(Node::as_i64) {
                    if n > max {
                        self.err(
                            ErrorKind::Value,
                            span,
                            path,
                            format!("{code0} must have at most {max} fields, has {n}", code0 = code(&p)),
                            None,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        schema: &Node,
        node: &Node,
        entries: &[Entry],
        path: &mut String,
        loc: (u32, u32),
        structural: bool,
        root: bool,
    ) {
        let props = schema.get("properties").and_then(Node::as_map).unwrap_or(&[]);
        let root = root && self.opts.kubernetes_object;
        if let Some(names) = schema.get("propertyNames").filter(|n| n.as_map().is_some()) {
            for e in entries {
                let key = Node {
                    start: e.key_start,
                    end: e.key_end,
                    value: Value::Str(e.key.clone()),
                    quoted: false,
                };
                let len = path.len();
                push_key(path, &e.key);
                let before = self.errors.len();
                self.node(names, &key, path, (e.key_start, e.key_end), false, false);
                path.truncate(len);
                for err in &mut self.errors[before..] {
                    err.message = format!(
                        "the name {code0} is not allowed here: {}",
                        err.message,
                        code0 = code(&e.key)
                    );
                }
            }
        }
        if let Some(req) = schema.get("required").and_then(Node::as_seq) {
            for r in req.iter().filter_map(Node::as_str) {
                let present = entries.iter().any(|e| e.key == r);
                let defaulted = props.iter().any(|p| p.key == r && p.value.get("default").is_some());
                if !present && !defaulted && !self.opts.is_dynamic.is_some_and(|f| f(node)) {
                    self.err(
                        ErrorKind::Required,
                        loc,
                        &join(path, r),
                        format!("missing required field {code0}", code0 = code(&join(path, r))),
                        None,
                    );
                }
            }
        }
        let preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
        let embedded = flag(schema, "x-kubernetes-embedded-resource");
        let additional = schema.get("additionalProperties");
        for e in entries {
            // The API server validates object metadata itself (names, labels: the k8s-* rules).
            if root && e.key == "metadata" {
                continue;
            }
            let len = path.len();
            push_key(path, &e.key);
            self.field(
                schema,
                props,
                additional,
                e,
                (path, len),
                structural,
                root || embedded,
                preserve,
            );
            path.truncate(len);
        }
    }

    /// The entry `e` of an object of `schema`: `path.0` is the entry's path, the object's the
    /// first `path.1` bytes of it. `object_root`: the object is a root or embedded resource.
    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        schema: &Node,
        props: &[Entry],
        additional: Option<&Node>,
        e: &Entry,
        (p, parent): (&mut String, usize),
        structural: bool,
        object_root: bool,
        preserve: bool,
    ) {
        let kloc = (e.key_start, e.key_end);
        if let Some(ps) = props.iter().find(|ps| ps.key == e.key) {
            self.node(&ps.value, &e.value, p, kloc, structural, false);
            return;
        }
        match additional {
            Some(a) if a.as_map().is_some() => {
                self.node(a, &e.value, p, kloc, structural, false);
                return;
            }
            Some(a) if a.as_bool() == Some(true) => return,
            _ => {}
        }
        let p: &str = p;
        let meta_key = matches!(e.key.as_str(), "apiVersion" | "kind" | "metadata");
        if !structural || preserve || (object_root && meta_key) || !self.opts.unknown_fields {
            return;
        }
        if additional.is_none() && props.is_empty() && schema.get("type").and_then(Node::as_str) != Some("object") {
            return;
        }
        if self.opts.allow_unknown_under.iter().any(|a| {
            p.strip_prefix(a)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        }) {
            return;
        }
        let known: Vec<&str> = props.iter().map(|p| p.key.as_str()).collect();
        let help = match crate::parse::text::suggest(&e.key, known.iter().copied()) {
            Some(s) => Some(format!("did you mean {code0}?", code0 = code(&s))),
            None if known.is_empty() => Some(format!(
                "{code0} declares no fields",
                code0 = code(&display(&p[..parent]))
            )),
            None => Some(format!(
                "known fields here: {}",
                crate::parse::text::nearest(&e.key, &known, crate::parse::text::NEAREST)
            )),
        };
        self.err(
            ErrorKind::UnknownField,
            kloc,
            p,
            format!("unknown field {code0}", code0 = code(&p)),
            help,
        );
    }
}

/// Value equality as the API server compares set items: the reference `canonical` is tested
/// against.
#[cfg(test)]
fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|e| y.iter().any(|f| f.key == e.key && same_value(&e.value, &f.value)))
        }
        (Value::Seq(x), Value::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q)),
        _ => scalar_eq(a, b),
    }
}

/// What a schema says about a field path.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    /// The path is declared; here is its schema.
    Found(&'a Node),
    /// The path is below a node that accepts anything.
    Open,
    /// Segment `usize` (0-based) of the path is not declared.
    Missing(usize),
}

/// Follows a field path (map keys; numeric segments step into `items`) through a schema.
pub fn lookup<'a>(schema: &'a Node, path: &[String]) -> Lookup<'a> {
    let mut s = schema;
    for (i, seg) in path.iter().enumerate() {
        if s.get("type").and_then(Node::as_str) == Some("array")
            || (seg.parse::<usize>().is_ok() && s.get("items").is_some())
        {
            match s.get("items") {
                Some(items) => {
                    s = items;
                    if seg.parse::<usize>().is_ok() {
                        continue;
                    }
                }
                None => return Lookup::Open,
            }
        }
        if let Some(p) = s.get("properties").and_then(|p| p.get(seg)) {
            s = p;
            continue;
        }
        if flag(s, "x-kubernetes-preserve-unknown-fields") {
            return Lookup::Open;
        }
        match s.get("additionalProperties") {
            Some(a) if a.as_map().is_some() => {
                s = a;
                continue;
            }
            Some(a) if a.as_bool() == Some(true) => return Lookup::Open,
            _ => {}
        }
        if s.get("properties").is_none() && s.get("type").and_then(Node::as_str) != Some("object") {
            return Lookup::Open;
        }
        return Lookup::Missing(i);
    }
    Lookup::Found(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_text_is_same_value() {
        let vals = [
            "1",
            "1.0",
            "1.5",
            "'1'",
            "true",
            "yes",
            "null",
            "a",
            "'a'",
            "[1, 2]",
            "[2, 1]",
            "[1.0, 2]",
            "{a: 1, b: 2}",
            "{b: 2, a: 1}",
            "{a: 1}",
            "{a: 1, b: [x]}",
            "{b: [x], a: 1.0}",
            "[]",
            "{}",
            "''",
        ];
        let nodes: Vec<Node> = vals
            .iter()
            .map(|v| {
                crate::parse::yaml::parse(&format!("v: {v}\n"))
                    .docs
                    .remove(0)
                    .root
                    .get("v")
                    .expect("v")
                    .clone()
            })
            .collect();
        for a in &nodes {
            for b in &nodes {
                assert_eq!(
                    canonical_text(a) == canonical_text(b),
                    same_value(a, b),
                    "{:?} vs {:?}",
                    a.to_json(),
                    b.to_json()
                );
            }
        }
    }

    #[test]
    fn large_sets_maps_and_enums_are_linear_and_bounded() {
        let s = parse_one("type: object\nproperties:\n  s: {type: array, x-kubernetes-list-type: set, items: {type: integer}}\n  m:\n    type: array\n    x-kubernetes-list-type: map\n    x-kubernetes-list-map-keys: [name]\n    items: {type: object, properties: {name: {type: string}}}\n");
        let items: Vec<String> = (0..50_000).map(|i| i.to_string()).collect();
        let names: Vec<String> = (0..50_000).map(|i| format!("{{name: n{i}}}")).collect();
        let d = parse_one(&format!(
            "s: [{}, 7]\nm: [{}, {{name: n3}}]\n",
            items.join(", "),
            names.join(", ")
        ));
        let errs = validate(
            &s,
            &d,
            (0, 0),
            &Options {
                kubernetes_object: false,
                ..Options::default()
            },
        );
        let msgs: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`s[50000]` duplicates an earlier item",
                "`m[50000]` duplicates the key `n3` of an earlier item"
            ]
        );
        let e = parse_one(&format!("type: integer\nenum: [{}]\n", items.join(", ")));
        assert!(validate(&e, &parse_one("49999"), (0, 0), &Options::default()).is_empty());
        assert!(validate(&e, &parse_one("49999.0"), (0, 0), &Options::default()).is_empty());
        let bad = validate(&e, &parse_one("50000"), (0, 0), &Options::default());
        assert_eq!(bad.len(), 1);
        assert!(bad[0].message.len() < 400, "{}", bad[0].message);
    }

    #[test]
    fn validation_work_is_bounded_per_object() {
        let branches: String = (0..3_000).map(|i| format!("- {{required: [f{i}]}}\n")).collect();
        let s = parse_one(&format!(
            "type: array\nitems:\n  type: object\n  anyOf:\n{}",
            branches.lines().map(|l| format!("  {l}\n")).collect::<String>()
        ));
        let d = parse_one(&format!("[{}]", vec!["{g: 1}"; 2_000].join(", ")));
        let errs = validate(
            &s,
            &d,
            (0, 0),
            &Options {
                kubernetes_object: false,
                ..Options::default()
            },
        );
        assert!(
            errs.iter().any(|e| e.message.contains("schema steps")),
            "{:?}",
            errs.first()
        );
    }
    use crate::parse::yaml::parse;

    fn parse_one(text: &str) -> std::sync::Arc<Node> {
        parse(text).docs.remove(0).root
    }

    fn run(schema: &str, doc: &str) -> Vec<String> {
        let s = parse(schema).docs.remove(0).root;
        let d = parse(doc).docs.remove(0).root;
        validate(&s, &d, (0, 0), &Options::default())
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    const SCHEMA: &str = "type: object\nproperties:\n  spec:\n    type: object\n    required: [name]\n    properties:\n      name: {type: string, pattern: '^[a-z]+$'}\n      replicas: {type: integer, minimum: 1, default: 1}\n      size: {type: string, enum: [small, large]}\n      port: {x-kubernetes-int-or-string: true}\n      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}\n      opt: {type: string, nullable: true}\n";

    #[test]
    fn kubernetes_semantics() {
        assert!(run(
            SCHEMA,
            "apiVersion: a/v1\nkind: X\nmetadata: {name: a}\nspec: {name: abc, port: http, extra: {any: 1}, opt: null}"
        )
        .is_empty());
        let errs = run(SCHEMA, "spec: {replicas: '2', size: medium, proxied: true, port: 1.5}");
        assert_eq!(
            errs,
            [
                "missing required field `spec.name`",
                "`spec.replicas` must be of type integer, found string \"2\"",
                "`spec.size` must be one of `small` and `large`, found `medium`",
                "unknown field `spec.proxied`",
                "`spec.port` must be an integer or a string, found number",
            ]
        );
        assert_eq!(
            run(SCHEMA, "spec: {name: ABC, replicas: 0}"),
            [
                "`spec.name` does not match the pattern `^[a-z]+$`",
                "`spec.replicas` must be at least 1, found 0"
            ]
        );
    }

    #[test]
    fn lookup_paths() {
        let s = parse(SCHEMA).docs.remove(0).root;
        let p = |x: &str| x.split('.').map(String::from).collect::<Vec<_>>();
        assert!(matches!(lookup(&s, &p("spec.name")), Lookup::Found(_)));
        assert!(matches!(lookup(&s, &p("spec.extra.deep")), Lookup::Open));
        assert!(matches!(lookup(&s, &p("spec.nme")), Lookup::Missing(1)));
    }
}
