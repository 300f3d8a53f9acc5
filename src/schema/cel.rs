//! `x-kubernetes-validations` CEL rules, evaluated client-side with kube-cel (the Kubernetes
//! CEL library). A rule kube-cel cannot compile or evaluate is reported as such, never treated
//! as passing.

use crate::parse::yaml::Node;
use crate::schema::{celcheck, celfns, cellimits, celvalue};
use std::collections::HashMap;
use std::sync::Arc;

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
    /// True when the rule does not compile (the API server refuses the CRD; reported at the
    /// XRD, see [`check_rules`]).
    pub compile: bool,
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
pub struct Compiled {
    /// The schema as compiled (refused rules replaced by `true`).
    json: serde_json::Value,
    /// Rules refused before compiling.
    refused: Vec<CelFinding>,
    /// Every rule and message expression, parsed (or why it does not parse).
    programs: HashMap<String, Result<Arc<Expr>, String>>,
}

type Expr = kube_cel::cel::IdedExpr;

/// Expressions up to this many bytes are remembered once parsed within
/// [`with_parse_cache`].
const PARSE_CACHE_BYTES: usize = 4096;

thread_local! {
    /// The expressions parsed within the running [`with_parse_cache`], if one runs.
    static PARSED: std::cell::RefCell<Option<HashMap<String, Result<Expr, String>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` with every expression [`parse`] parses remembered until `f` returns, so that
/// checks of one schema that each parse its rules (compiling them, estimating their cost)
/// parse each once. The memory is bounded by the schema's own expressions.
pub fn with_parse_cache<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            if self.0 {
                PARSED.with(|p| *p.borrow_mut() = None);
            }
        }
    }
    let outermost = PARSED.with(|p| {
        let mut p = p.borrow_mut();
        let none = p.is_none();
        if none {
            *p = Some(HashMap::new());
        }
        none
    });
    let _reset = Reset(outermost);
    f()
}

/// Parses a CEL expression as the API server's parser does (optional syntax on), with type
/// names such as `google.protobuf.Timestamp` read as the type constants they are.
pub fn parse(expression: &str) -> Result<Expr, String> {
    if expression.len() > PARSE_CACHE_BYTES {
        return parse_uncached(expression);
    }
    let hit = PARSED.with(|p| p.borrow().as_ref().map(|m| m.get(expression).cloned()));
    match hit {
        None => parse_uncached(expression),
        Some(Some(parsed)) => parsed,
        Some(None) => {
            let parsed = parse_uncached(expression);
            PARSED.with(|p| {
                if let Some(m) = p.borrow_mut().as_mut() {
                    m.insert(expression.to_string(), parsed.clone());
                }
            });
            parsed
        }
    }
}

fn parse_uncached(expression: &str) -> Result<Expr, String> {
    if let Some(why) = refuse(expression) {
        return Err(why);
    }
    let expression = quote_escapes(expression);
    let parsed = std::panic::catch_unwind(|| {
        kube_cel::cel::parser::Parser::new()
            .enable_optional_syntax(true)
            .parse(&expression)
    });
    match parsed {
        Ok(Ok(mut e)) => {
            celfns::rewrite(&mut e);
            Ok(e)
        }
        Ok(Err(e)) => Err(e.to_string().lines().next().unwrap_or("syntax error").to_string()),
        Err(_) => Err("the expression cannot be parsed".to_string()),
    }
}

/// The expression with `\'` inside a double-quoted string literal written `'` (and `\"`
/// inside a single-quoted one `"`): CEL reads both escapes in any string literal, the
/// interpreter's parser keeps the backslash of the one that is not needed there.
fn quote_escapes(expression: &str) -> std::borrow::Cow<'_, str> {
    if !expression.contains("\\'") && !expression.contains("\\\"") {
        return std::borrow::Cow::Borrowed(expression);
    }
    let chars: Vec<char> = expression.chars().collect();
    let mut out = String::with_capacity(expression.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\'' && c != '"' {
            out.push(c);
            i += 1;
            continue;
        }
        // A string literal: its quote (one or three), raw when prefixed with `r`/`R`
        // (possibly after `b`/`B`).
        let raw = out.ends_with(['r', 'R'])
            && !out[..out.len() - 1].ends_with(|p: char| p.is_alphanumeric() && !matches!(p, 'b' | 'B') || p == '_');
        let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
        let width = if triple { 3 } else { 1 };
        out.extend(&chars[i..i + width]);
        i += width;
        while i < chars.len() {
            let d = chars[i];
            if d == '\\' && !raw {
                match chars.get(i + 1) {
                    Some(&q) if (q == '\'' || q == '"') && q != c => out.push(q),
                    Some(&q) => {
                        out.push(d);
                        out.push(q);
                    }
                    None => out.push(d),
                }
                i += 2;
                continue;
            }
            if d == c && (!triple || (chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c))) {
                out.extend(&chars[i..i + width]);
                i += width;
                break;
            }
            out.push(d);
            i += 1;
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Longest expression accepted, in code points: cel-go's default
/// `ExpressionSizeCodePointLimit`, which the API server keeps.
pub const MAX_EXPRESSION_CODE_POINTS: usize = 100_000;
/// Deepest nesting of parentheses, brackets and braces accepted: cel-go's default parser
/// recursion limit (`MaxRecursionDepth`, 250).
pub const MAX_NESTING: usize = 250;
/// Most binary operators in one expression. This one is portalint's own (the CEL
/// interpreter it uses recurses once per operator, so a longer chain would exhaust the
/// stack); the API server's cost limits reject far smaller rules over unbounded data.
pub const MAX_OPERATORS: usize = 2_000;

/// Why an expression is refused before it is parsed, if it is: too long, nested too deep, or
/// too many operators.
pub fn refuse(expression: &str) -> Option<String> {
    let points = expression.chars().count();
    if points > MAX_EXPRESSION_CODE_POINTS {
        return Some(format!(
            "the expression is {points} code points long, over the limit of {MAX_EXPRESSION_CODE_POINTS} (as the API server)"
        ));
    }
    let (mut depth, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut chars = expression.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, '+' | '-' | '*' | '/' | '%' | '<' | '>' | '?' | '!') => operators += 1,
            (None, '&' | '|' | '=') if chars.peek() == Some(&c) => {
                chars.next();
                operators += 1;
            }
            _ => {}
        }
    }
    if deepest > MAX_NESTING {
        return Some(format!(
            "the expression nests {deepest} levels deep, over the parser's limit of {MAX_NESTING} (as the API server)"
        ));
    }
    if operators > MAX_OPERATORS {
        return Some(format!(
            "the expression has {operators} operators, over portalint's limit of {MAX_OPERATORS}; split the rule"
        ));
    }
    None
}

/// The longest message a `messageExpression` may give (the API server's
/// `celconfig.MaxEvaluatedMessageExpressionSizeBytes`); a longer one is dropped for the rule's
/// `message`.
pub const MAX_MESSAGE_EXPRESSION_BYTES: usize = 5120;

/// Replaces every rule that `refuse` refuses (given the field path and the rule) with `true`
/// (so the rest compile), and returns what was refused, by the dotted path of the field it is
/// attached to.
fn take_refused(
    schema: &mut serde_json::Value,
    path: &str,
    depth: usize,
    refuse: &dyn Fn(&str, &str) -> Option<String>,
    out: &mut Vec<CelFinding>,
) {
    let serde_json::Value::Object(map) = schema else { return };
    if depth > crate::parse::yaml::MAX_DEPTH {
        return;
    }
    if let Some(serde_json::Value::Array(rules)) = map.get_mut("x-kubernetes-validations") {
        for r in rules.iter_mut() {
            let Some(rule) = r.get("rule").and_then(|v| v.as_str()).map(str::to_string) else {
                continue;
            };
            if let Some(why) = refuse(path, &rule) {
                out.push(CelFinding {
                    field_path: path.to_string(),
                    message: why,
                    rule: rule.chars().take(80).collect(),
                    failed: false,
                    compile: false,
                });
                r["rule"] = serde_json::Value::String("true".into());
                if let Some(m) = r.as_object_mut() {
                    m.remove("messageExpression");
                }
            }
        }
    }
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let serde_json::Value::Object(props) = child {
                    for (name, sub) in props.iter_mut() {
                        let p = if path.is_empty() {
                            name.clone()
                        } else {
                            format!("{path}.{name}")
                        };
                        take_refused(sub, &p, depth + 1, refuse, out);
                    }
                }
            }
            "items" | "additionalProperties" => take_refused(child, path, depth + 1, refuse, out),
            "allOf" | "anyOf" | "oneOf" => {
                if let serde_json::Value::Array(branches) = child {
                    for b in branches {
                        take_refused(b, path, depth + 1, refuse, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Compiles the CEL rules of a schema; rules over the limits of [`refuse`] are not parsed and
/// are reported by [`evaluate`] as rules that cannot be evaluated.
pub fn compile(schema: &Node) -> Compiled {
    let mut json = schema.to_json();
    let mut refused = Vec::new();
    take_refused(&mut json, "", 0, &|_, rule| refuse(rule), &mut refused);
    let mut programs = HashMap::new();
    for (node, expression) in rule_nodes(&json) {
        programs
            .entry(expression.clone())
            .or_insert_with(|| prepare(&expression, Some(node), std::ptr::eq(node, &json)).map(Arc::new));
    }
    Compiled {
        json,
        refused,
        programs,
    }
}

/// Why the API server would refuse the CEL rule `rule` attached to the schema node `node`
/// when it creates the CRD: it does not parse, is over the limits of [`refuse`], or does
/// not type-check against the node's schema ([`celcheck`]). Empty when it compiles.
pub fn check_rule(node: &serde_json::Value, rule: &str, root: bool) -> Vec<String> {
    match parse(rule) {
        Ok(e) => celcheck::check(&e, node, root),
        Err(why) => vec![why],
    }
}

/// Parses an expression and makes it evaluate as the API server does: operators typed by
/// the schema node it is attached to (`node`; Kubernetes equality, set and map-list `+`, see
/// [`celcheck::apply`]) and comprehensions and optional selections with CEL's semantics
/// ([`celfns::lower`]).
pub fn prepare(expression: &str, node: Option<&serde_json::Value>, root: bool) -> Result<Expr, String> {
    let mut e = parse(expression)?;
    if let Some(node) = node {
        let (_, rewrites) = celcheck::analyse(&e, node, root);
        celcheck::apply(&mut e, &rewrites);
    }
    celfns::lower(&mut e);
    Ok(e)
}

/// Every rule and message expression of the schema with the schema node it is attached to.
fn rule_nodes(schema: &serde_json::Value) -> Vec<(&serde_json::Value, String)> {
    let mut out = Vec::new();
    let mut stack = vec![(schema, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > crate::parse::yaml::MAX_DEPTH {
            continue;
        }
        let serde_json::Value::Object(m) = v else { continue };
        if let Some(serde_json::Value::Array(rules)) = m.get("x-kubernetes-validations") {
            for r in rules {
                for key in ["rule", "messageExpression"] {
                    if let Some(s) = r.get(key).and_then(|s| s.as_str()) {
                        out.push((v, s.to_string()));
                    }
                }
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(c) = m.get(key) {
                stack.push((c, depth + 1));
            }
        }
        if let Some(serde_json::Value::Object(props)) = m.get("properties") {
            stack.extend(props.values().map(|c| (c, depth + 1)));
        }
    }
    out
}

/// Evaluates the rules against an object (defaults applied first, as the API server does),
/// with the API server's runtime cost limits: an evaluation that goes over the per-call limit
/// ([`cellimits::PER_CALL_LIMIT`]) is cancelled, and once all rules together go over the
/// per-object budget ([`cellimits::RUNTIME_COST_BUDGET`]) no further rule runs; both end the
/// validation of the object, as there. The cost counted is a lower bound of the API
/// server's ([`celfns::run_counted`]), so portalint cancels only what it cancels.
pub fn evaluate(compiled: &Compiled, object: &Node) -> Vec<CelFinding> {
    let mut out = compiled.refused.clone();
    let schema = &compiled.json;
    let root = celfns::context();
    // Defaults first, as the API server applies them before it validates; a defaulted
    // object gets its own fields' defaults too (one level per pass).
    let mut object = object.to_json();
    for _ in 0..32 {
        let next = kube_cel::apply_defaults(schema, &object);
        if next == object {
            break;
        }
        object = next;
    }
    let mut walk = Walk {
        compiled,
        root: &root,
        out: &mut out,
        budget: cellimits::RUNTIME_COST_BUDGET,
        stopped: false,
    };
    walk.node(schema, &object, "", 0);
    out
}

/// The walk of an object along its schema, evaluating every rule where it applies.
struct Walk<'c, 'r, 'o> {
    compiled: &'c Compiled,
    root: &'r kube_cel::cel::Context<'r>,
    out: &'o mut Vec<CelFinding>,
    /// The runtime cost left for this object's rules.
    budget: u64,
    /// Set once a rule went over a cost limit: the API server runs no further rule.
    stopped: bool,
}

impl Walk<'_, '_, '_> {
    fn program(&self, expression: &str) -> Result<Arc<Expr>, String> {
        match self.compiled.programs.get(expression) {
            Some(p) => p.clone(),
            None => prepare(expression, None, false).map(Arc::new),
        }
    }

    fn node(&mut self, schema: &serde_json::Value, value: &serde_json::Value, path: &str, depth: usize) {
        if depth > crate::parse::yaml::MAX_DEPTH || value.is_null() || self.stopped {
            return;
        }
        if let Some(serde_json::Value::Array(rules)) = schema.get("x-kubernetes-validations") {
            let this = celvalue::typed(value, Some(schema));
            let invalid = celvalue::mismatch(value, schema, 0);
            for r in rules {
                if self.stopped {
                    return;
                }
                self.rule_checked(r, &this, path, invalid);
            }
        }
        match value {
            serde_json::Value::Object(fields) if celvalue::is_map(schema) => {
                let sub = schema.get("additionalProperties").filter(|s| s.is_object());
                if let Some(sub) = sub {
                    for (k, v) in fields {
                        self.node(sub, v, &join(path, k), depth + 1);
                    }
                }
            }
            serde_json::Value::Object(fields) => {
                if let Some(props) = schema.get("properties").and_then(|p| p.as_object()) {
                    for (k, sub) in props {
                        if let Some(v) = fields.get(k) {
                            self.node(sub, v, &join(path, k), depth + 1);
                        }
                    }
                }
            }
            serde_json::Value::Array(items) => {
                if let Some(sub) = schema.get("items") {
                    for (i, v) in items.iter().enumerate() {
                        self.node(sub, v, &format!("{path}[{i}]"), depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    fn rule_checked(
        &mut self,
        r: &serde_json::Value,
        this: &kube_cel::cel::Value,
        path: &str,
        invalid: Option<&'static str>,
    ) {
        let Some(rule) = r.get("rule").and_then(|v| v.as_str()) else {
            return;
        };
        let short = || rule.chars().take(80).collect::<String>();
        let program = match self.program(rule) {
            Ok(p) => p,
            Err(why) => {
                self.out.push(CelFinding {
                    field_path: path.to_string(),
                    message: format!("the rule does not compile: {why}"),
                    rule: short(),
                    failed: false,
                    compile: true,
                });
                return;
            }
        };
        // A transition rule is evaluated only on an update, with the old object; there is
        // none here (as on a create), so the API server skips it.
        if celfns::references(&program, "oldSelf") {
            return;
        }
        if let Some(why) = invalid {
            self.out.push(CelFinding {
                field_path: path.to_string(),
                message: format!("rule evaluation error: invalid data, {why}"),
                rule: short(),
                failed: false,
                compile: false,
            });
            return;
        }
        // The rule's `message`, or the rule, as the API server names a rule in its errors.
        let named = || {
            r.get("message")
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .unwrap_or(rule.trim())
                .chars()
                .take(80)
                .collect::<String>()
        };
        if self.budget == 0 {
            self.out_of_budget(path, short());
            return;
        }
        let (result, cost) = celfns::run_counted(self.root, &program, this, cellimits::PER_CALL_LIMIT);
        if cost > self.budget {
            self.out_of_budget(path, short());
            return;
        }
        self.budget -= cost;
        if matches!(&result, Err(e) if e == celfns::CANCELLED) {
            self.stopped = true;
            self.out.push(CelFinding {
                field_path: path.to_string(),
                message: format!(
                    "'{}': no further validation rules will be run due to call cost exceeds limit for rule: {}",
                    celfns::CANCELLED,
                    named()
                ),
                rule: short(),
                failed: false,
                compile: false,
            });
            return;
        }
        match result {
            Ok(kube_cel::cel::Value::Bool(true)) => {}
            Ok(kube_cel::cel::Value::Bool(false)) => {
                let mut message = match self.message(r, this) {
                    Ok(m) => m.unwrap_or_else(|| format!("failed rule: {rule}")),
                    Err(stop) => {
                        self.stopped = true;
                        self.out.push(CelFinding {
                            field_path: path.to_string(),
                            message: stop,
                            rule: short(),
                            failed: false,
                            compile: false,
                        });
                        return;
                    }
                };
                // The error type the rule's `reason` gives, as the API server words it
                // (`FieldValueInvalid`, the default, is the plain message).
                let reason = match r.get("reason").and_then(|v| v.as_str()) {
                    Some("FieldValueForbidden") => Some("Forbidden"),
                    Some("FieldValueRequired") => Some("Required value"),
                    Some("FieldValueDuplicate") => Some("Duplicate value"),
                    _ => None,
                };
                if let Some(reason) = reason {
                    message = format!("{reason}: {message}");
                }
                let at = match r.get("fieldPath").and_then(|v| v.as_str()) {
                    Some(f) if !f.is_empty() => format!(
                        "{path}{}",
                        if f.starts_with('.') || f.starts_with('[') {
                            f.to_string()
                        } else {
                            format!(".{f}")
                        }
                    ),
                    _ => path.to_string(),
                };
                self.out.push(CelFinding {
                    field_path: at.trim_start_matches('.').to_string(),
                    message,
                    rule: short(),
                    failed: true,
                    compile: false,
                });
            }
            Ok(other) => self.out.push(CelFinding {
                field_path: path.to_string(),
                message: format!("the rule evaluates to {}, not a boolean", celfns::type_name(&other)),
                rule: short(),
                failed: false,
                compile: false,
            }),
            Err(e) => self.out.push(CelFinding {
                field_path: path.to_string(),
                message: format!("rule evaluation error: {e}"),
                rule: short(),
                failed: false,
                compile: false,
            }),
        }
    }

    /// The API server's error once the object's rules went over the runtime cost budget.
    fn out_of_budget(&mut self, path: &str, rule: String) {
        self.stopped = true;
        self.out.push(CelFinding {
            field_path: path.to_string(),
            message: "validation failed due to running out of cost budget, no further validation rules will be run"
                .to_string(),
            rule,
            failed: false,
            compile: false,
        });
    }

    /// The message of a failed rule: its `messageExpression` when that evaluates to a
    /// string the API server accepts (not blank, no line break, at most 5120 bytes), else its
    /// `message`.
    ///
    /// The message expression runs within the object's cost budget as the API server runs
    /// it: over the budget or cancelled at the per-call limit, it ends the validation of
    /// the object with the API server's error (`Err`) instead of the rule's failure.
    fn message(&mut self, r: &serde_json::Value, this: &kube_cel::cel::Value) -> Result<Option<String>, String> {
        if let Some(m) = r.get("messageExpression").and_then(|v| v.as_str()) {
            if let Ok(p) = self.program(m) {
                let (result, cost) = celfns::run_counted(self.root, &p, this, cellimits::PER_CALL_LIMIT);
                if cost > self.budget {
                    return Err("messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run".to_string());
                }
                if matches!(&result, Err(e) if e == celfns::CANCELLED) {
                    return Err(format!(
                        "no further validation rules will be run due to call cost exceeds limit for messageExpression: {m:?}"
                    ));
                }
                self.budget -= cost;
                if let Ok(kube_cel::cel::Value::String(s)) = result {
                    if !s.trim().is_empty() && !s.contains('\n') && s.len() <= MAX_MESSAGE_EXPRESSION_BYTES {
                        return Ok(Some(s.to_string()));
                    }
                }
            }
        }
        Ok(r.get("message")
            .and_then(|v| v.as_str())
            .filter(|m| !m.is_empty())
            .map(str::to_string))
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The CEL value kinds as the interpreter's debug output names them, and as CEL names them.
const VALUE_KINDS: &[(&str, &str)] = &[
    ("Map(", "map"),
    ("List(", "list"),
    ("String(", "string"),
    ("Bytes(", "bytes"),
    ("Int(", "int"),
    ("UInt(", "uint"),
    ("Float(", "double"),
    ("Bool(", "bool"),
    ("Timestamp(", "timestamp"),
    ("Duration(", "duration"),
    ("Opaque(", "opaque"),
    ("Function(", "function"),
];

/// An interpreter error message with every value it debug-prints (`Map(Map { map: {…} })`,
/// `String("…")`) replaced by the value's CEL type: the same input gives the same message
/// on every run (a map's debug print follows hash order), its length does not grow with the
/// object, and no text of the checked file reaches it.
pub fn value_free(message: &str) -> String {
    let bytes = message.as_bytes();
    let mut out = String::with_capacity(message.len().min(256));
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let kind = starts_word
            .then(|| {
                VALUE_KINDS
                    .iter()
                    .find(|(debug, _)| bytes[i..].starts_with(debug.as_bytes()))
            })
            .flatten();
        let Some((debug, name)) = kind else {
            i += 1;
            continue;
        };
        // Skip to the parenthesis that closes the value, outside string literals.
        let (mut depth, mut j, mut in_str) = (0usize, i + debug.len() - 1, false);
        while j < bytes.len() {
            match (in_str, bytes[j]) {
                (true, b'\\') => j += 1,
                (true, b'"') => in_str = false,
                (false, b'"') => in_str = true,
                (false, b'(' | b'[' | b'{') => depth += 1,
                (false, b')' | b']' | b'}') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        out.push_str(&message[copied..i]);
        out.push_str(name);
        i = (j + 1).min(bytes.len());
        copied = i;
    }
    out.push_str(&message[copied..]);
    out.replace("Null", "null")
}

#[cfg(test)]
mod tests {
    use super::value_free;

    /// Found by the `cel_rule` fuzz target: a message holding a multi-byte character right
    /// after a word boundary was sliced inside the character.
    #[test]
    fn messages_with_multibyte_text_are_scanned_by_bytes() {
        let m = "failed to compile rule \"!has(selfҕeplicas)\": String(\"ҕ\") here";
        assert_eq!(
            value_free(m),
            "failed to compile rule \"!has(selfҕeplicas)\": string here"
        );
    }

    #[test]
    fn expressions_are_remembered_only_within_a_parse_cache() {
        let cached = || super::PARSED.with(|p| p.borrow().as_ref().map(|m| m.len()));
        assert_eq!(cached(), None);
        let _ = super::parse("self.a > 1");
        assert_eq!(cached(), None, "no cache outside with_parse_cache");
        super::with_parse_cache(|| {
            let first = super::parse("self.a > 1").expect("parses");
            assert_eq!(super::parse("self.a > 1").expect("parses"), first);
            assert!(super::parse("self.a >").is_err());
            super::with_parse_cache(|| assert!(super::parse("self.a >").is_err()));
            assert_eq!(cached(), Some(2), "a nested cache shares the outer one");
        });
        assert_eq!(cached(), None, "dropped when the outermost scope ends");
    }

    #[test]
    fn both_quote_escapes_read_in_any_string_literal() {
        use super::quote_escapes;
        assert_eq!(quote_escapes(r#""it\'s" == 'say \"hi\"'"#), r#""it's" == 'say "hi"'"#);
        assert_eq!(quote_escapes(r#"r"raw\'" + "\\'x""#), r#"r"raw\'" + "\\'x""#);
        assert_eq!(quote_escapes(r#""""a\'b""" + 'c\'d'"#), r#""""a'b""" + 'c\'d'"#);
        let root = crate::schema::celfns::context();
        let e = super::parse(r#""a\'b" == "a'b" && 'a\"b' == 'a"b'"#).expect("parses");
        assert_eq!(
            crate::schema::celfns::run(&root, &e, &kube_cel::cel::Value::Null),
            Ok(kube_cel::cel::Value::Bool(true))
        );
    }

    #[test]
    fn hostile_expressions_are_refused_before_parsing() {
        let deep = format!("{}self.a{} > 0", "(".repeat(20_000), ")".repeat(20_000));
        assert!(super::refuse(&deep).expect("deep").contains("nests 20000 levels"));
        let long = vec!["self.a"; 200_000].join(" + ");
        assert!(super::refuse(&long).expect("long").contains("code points"));
        let chain = vec!["self.a"; 5_000].join("+");
        assert!(super::refuse(&chain).expect("chain").contains("operators"));
        assert_eq!(super::refuse("self.a > 0 && (self.b == '((((' || self.c)"), None);
        // cel-go's limits exactly: 250 levels pass, 251 do not.
        assert_eq!(super::refuse(&format!("{}1{}", "(".repeat(250), ")".repeat(250))), None);
        assert!(super::refuse(&format!("{}1{}", "(".repeat(251), ")".repeat(251))).is_some());
        let schema = crate::parse::yaml::parse(&format!(
            "type: object\nproperties:\n  spec:\n    type: object\n    x-kubernetes-validations:\n    - rule: '{deep}'\n    - rule: self.a > 0\n    properties:\n      a: {{type: integer}}\n"
        ));
        let compiled = super::compile(&schema.docs[0].root);
        let object = crate::parse::yaml::parse("spec: {a: 0}\n");
        let found = super::evaluate(&compiled, &object.docs[0].root);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found
            .iter()
            .any(|f| !f.failed && f.field_path == "spec" && f.message.contains("nests")));
        assert!(found.iter().any(|f| f.failed), "the other rule still runs: {found:?}");
    }

    #[test]
    fn nested_comprehensions_over_large_lists_are_cancelled_at_the_per_call_limit() {
        let schema = crate::parse::yaml::parse(
            "type: object\nproperties:\n  l:\n    type: array\n    items: {type: integer}\n    x-kubernetes-validations:\n    - rule: self.all(x, self.all(y, self.all(z, x + y + z >= 0)))\n  m:\n    type: integer\n    x-kubernetes-validations:\n    - rule: self > 0\n",
        );
        let compiled = super::compile(&schema.docs[0].root);
        let items: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        let big = crate::parse::yaml::parse(&format!("l: [{}]\nm: 0\n", items.join(", ")));
        let started = std::time::Instant::now();
        let found = super::evaluate(&compiled, &big.docs[0].root);
        assert!(started.elapsed().as_secs() < 10, "took {:?}", started.elapsed());
        assert!(
            found.iter().any(|f| f.field_path == "l"
                && !f.failed
                && f.message.starts_with(
                    "'operation cancelled: actual cost limit exceeded': no further validation rules will be run"
                )),
            "{found:?}"
        );
        // As the API server, no further rule runs on the object once one is cancelled.
        assert!(!found.iter().any(|f| f.failed), "{found:?}");
        // Small lists are evaluated as before.
        let small = crate::parse::yaml::parse("l: [1, 2, 3]\nm: 1\n");
        assert!(super::evaluate(&compiled, &small.docs[0].root).is_empty());
        let small = crate::parse::yaml::parse("l: [1, 2, 3]\nm: 0\n");
        assert_eq!(super::evaluate(&compiled, &small.docs[0].root).len(), 1);
    }

    #[test]
    fn a_message_expression_over_the_per_call_limit_ends_the_validation() {
        let schema = crate::parse::yaml::parse(
            "type: object\nproperties:\n  l:\n    type: array\n    items: {type: integer}\n    x-kubernetes-validations:\n    - rule: self.size() < 3\n      messageExpression: \"self.all(x, self.all(y, x + y >= 0)) ? 'too many' : 'too many, some negative'\"\n",
        );
        let compiled = super::compile(&schema.docs[0].root);
        let items: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        let big = crate::parse::yaml::parse(&format!("l: [{}]\n", items.join(", ")));
        let found = super::evaluate(&compiled, &big.docs[0].root);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .starts_with("no further validation rules will be run due to call cost exceeds limit for messageExpression: \"self.all("),
            "{found:?}"
        );
        let small = crate::parse::yaml::parse("l: [1, 2, 3]\n");
        let found = super::evaluate(&compiled, &small.docs[0].root);
        assert_eq!(found[0].message, "too many", "{found:?}");
    }

    #[test]
    fn rules_stop_once_the_object_runs_out_of_cost_budget() {
        // Each rule counts 600 002 on this object (200 000 items, 3 per step, 2 more),
        // under the per-call limit: sixteen fit in the budget of 10 000 000 and the
        // seventeenth runs out.
        let mut rules = String::new();
        for i in 0..20 {
            rules.push_str(&format!("    - rule: self.all(x, x >= -{i})\n"));
        }
        let schema = crate::parse::yaml::parse(&format!(
            "type: object\nproperties:\n  l:\n    type: array\n    items: {{type: integer}}\n    x-kubernetes-validations:\n{rules}"
        ));
        let compiled = super::compile(&schema.docs[0].root);
        let items: Vec<String> = (0..200_000).map(|_| "1".to_string()).collect();
        let object = crate::parse::yaml::parse(&format!("l: [{}]\n", items.join(", ")));
        let found = super::evaluate(&compiled, &object.docs[0].root);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "validation failed due to running out of cost budget, no further validation rules will be run"
        );
        assert_eq!(found[0].rule, "self.all(x, x >= -16)");
    }

    #[test]
    fn debug_printed_values_become_their_types() {
        assert_eq!(
            value_free(
                r#"Unsupported binary operator 'add': Map(Map { map: {Key("b"): String("y)\"("), Key("a"): Int(1)} }), Int(1)"#
            ),
            "Unsupported binary operator 'add': map, int"
        );
        assert_eq!(value_free("No such key: spec"), "No such key: spec");
        assert_eq!(value_free("Mapping(x) Int(3"), "Mapping(x) int");
    }

    #[test]
    fn a_type_error_reads_the_same_on_every_run() {
        let schema = crate::parse::yaml::parse(
            "type: object\nproperties:\n  m:\n    type: object\n    additionalProperties: {type: string}\nx-kubernetes-validations:\n- rule: self.m + 1 > 0\n",
        );
        let compiled = super::compile(&schema.docs[0].root);
        let keys: String = (0..64).map(|i| format!("k{i}: v{i}, ")).collect();
        let object = crate::parse::yaml::parse(&format!("m: {{{keys}}}\n"));
        let first = super::evaluate(&compiled, &object.docs[0].root);
        assert_eq!(first.len(), 1, "{first:?}");
        assert!(!first[0].message.contains("k1"), "{}", first[0].message);
        assert!(first[0].message.contains("map, int"), "{}", first[0].message);
        for _ in 0..5 {
            let again = super::evaluate(&super::compile(&schema.docs[0].root), &object.docs[0].root);
            assert_eq!(again[0].message, first[0].message);
        }
    }
}
