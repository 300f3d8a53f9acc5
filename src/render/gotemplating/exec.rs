//! Execution of a parsed Go template over JSON data, with Go's semantics (truthiness,
//! missing map keys print `<no value>`, `eq` refuses int/float mixes, floats print in
//! `%v` form) and a budget: a hostile template ends with an error, never hangs.

use super::funcs;
use super::parse::{err, Arg, Cmd, Node, Pipe, Set, TplError};
use serde_json::Value;

/// Limits of one execution.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Evaluation steps (nodes, commands, range iterations).
    pub steps: u64,
    /// Bytes of output.
    pub output: usize,
    /// Depth of `template` / `include` calls.
    pub depth: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            steps: 5_000_000,
            output: 16 << 20,
            depth: 200,
        }
    }
}

enum Flow {
    Normal,
    Break,
    Continue,
}

/// One execution of a template set.
pub struct Exec<'s> {
    pub(crate) set: &'s Set,
    budget: Budget,
    steps: u64,
    depth: usize,
    vars: Vec<(String, Value)>,
    /// Options for helpers (function-go-templating's request, for `getComposedResource`…).
    pub(crate) at: usize,
}

/// Executes `set`'s main template with `data` as dot.
pub fn execute(set: &Set, data: &Value, budget: Budget) -> Result<String, TplError> {
    let mut e = Exec {
        set,
        budget,
        steps: 0,
        depth: 0,
        vars: vec![("".to_string(), data.clone())],
        at: 0,
    };
    let mut out = String::new();
    e.list(&set.main, data, &mut out)?;
    Ok(out)
}

/// Go's truth: false, 0, nil, empty string / list / map are false.
pub fn truth(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

impl<'s> Exec<'s> {
    fn tick(&mut self, at: usize) -> Result<(), TplError> {
        self.steps += 1;
        if self.steps > self.budget.steps {
            return err(at, format!("template execution exceeded {} steps", self.budget.steps));
        }
        Ok(())
    }

    fn emit(&self, out: &mut String, s: &str, at: usize) -> Result<(), TplError> {
        if out.len() + s.len() > self.budget.output {
            return err(at, format!("template output exceeded {} bytes", self.budget.output));
        }
        out.push_str(s);
        Ok(())
    }

    /// Runs the template `name` on `dot` into a string (for `include`).
    pub(crate) fn include(&mut self, name: &str, dot: &Value) -> Result<String, String> {
        let Some(t) = self.set.defs.get(name) else {
            return Err(format!("no template {name:?} associated with template"));
        };
        let at = self.at;
        let mut out = String::new();
        self.call_template(t, dot, &mut out, at).map_err(|e| e.message)?;
        Ok(out)
    }

    fn call_template(&mut self, t: &'s [Node], dot: &Value, out: &mut String, at: usize) -> Result<(), TplError> {
        self.depth += 1;
        if self.depth > self.budget.depth {
            return err(at, format!("exceeded maximum template depth ({})", self.budget.depth));
        }
        let saved = std::mem::replace(&mut self.vars, vec![("".to_string(), dot.clone())]);
        let r = self.list(t, dot, out).map(|_| ());
        self.vars = saved;
        self.depth -= 1;
        r
    }

    fn list(&mut self, nodes: &'s [Node], dot: &Value, out: &mut String) -> Result<Flow, TplError> {
        for n in nodes {
            match self.node(n, dot, out)? {
                Flow::Normal => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn scoped(&mut self, nodes: &'s [Node], dot: &Value, out: &mut String) -> Result<Flow, TplError> {
        let mark = self.vars.len();
        let r = self.list(nodes, dot, out);
        self.vars.truncate(mark);
        r
    }

    fn node(&mut self, n: &'s Node, dot: &Value, out: &mut String) -> Result<Flow, TplError> {
        match n {
            Node::Text(s) => {
                self.tick(0)?;
                let at = 0;
                self.emit(out, s, at)?;
            }
            Node::Action(p) => {
                self.tick(p.at)?;
                let v = self.pipe(p, dot)?;
                if p.decl.is_empty() {
                    let s = print_value(&v, true);
                    self.emit(out, &s, p.at)?;
                }
            }
            Node::If(p, a, b) | Node::With(p, a, b) => {
                self.tick(p.at)?;
                let mark = self.vars.len();
                let v = self.pipe(p, dot)?;
                let t = truth(&v);
                let with = matches!(n, Node::With(..));
                let r = if t {
                    self.scoped(a, if with { &v } else { dot }, out)
                } else {
                    self.scoped(b, dot, out)
                };
                self.vars.truncate(mark);
                return r;
            }
            Node::Range(p, a, b) => {
                self.tick(p.at)?;
                let mark = self.vars.len();
                let mut pp = p.clone();
                let decl = std::mem::take(&mut pp.decl);
                let assign = pp.assign;
                let v = self.pipe(&pp, dot)?;
                let items: Vec<(Value, Value)> = match &v {
                    Value::Array(xs) => xs
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (Value::from(i as i64), x.clone()))
                        .collect(),
                    Value::Object(m) => {
                        let mut keys: Vec<&String> = m.keys().collect();
                        keys.sort();
                        keys.into_iter()
                            .map(|k| (Value::from(k.clone()), m[k].clone()))
                            .collect()
                    }
                    Value::Number(n) if n.is_i64() => {
                        let k = n.as_i64().unwrap_or(0);
                        if k as u64 > self.budget.steps.saturating_sub(self.steps) {
                            return err(
                                p.at,
                                format!("template execution exceeded {} steps (range {k})", self.budget.steps),
                            );
                        }
                        (0..k.max(0)).map(|i| (Value::from(i), Value::from(i))).collect()
                    }
                    Value::Null => Vec::new(),
                    Value::Number(_) => return err(p.at, "range can't iterate over float64"),
                    other => return err(p.at, format!("range can't iterate over {}", print_value(other, false))),
                };
                if items.is_empty() {
                    let r = self.scoped(b, dot, out);
                    self.vars.truncate(mark);
                    return r;
                }
                if decl.len() == 2 && matches!(v, Value::Number(_)) {
                    return err(p.at, "can't use two variables when ranging over an integer");
                }
                for (k, x) in items {
                    self.tick(p.at)?;
                    let m2 = self.vars.len();
                    match decl.len() {
                        1 => self.set_var(&decl[0], x.clone(), assign, p.at)?,
                        2 => {
                            self.set_var(&decl[0], k, assign, p.at)?;
                            self.set_var(&decl[1], x.clone(), assign, p.at)?;
                        }
                        _ => {}
                    }
                    let f = self.list(a, &x, out)?;
                    self.vars.truncate(m2.max(if assign { m2 } else { mark }));
                    if !assign {
                        self.vars.truncate(mark);
                    }
                    if let Flow::Break = f {
                        break;
                    }
                }
                self.vars.truncate(mark);
            }
            Node::Template(at, name, p) => {
                self.tick(*at)?;
                let Some(t) = self.set.defs.get(name) else {
                    return err(*at, format!("no such template {name:?}"));
                };
                let d = match p {
                    Some(p) => self.pipe(p, dot)?,
                    None => Value::Null,
                };
                self.call_template(t, &d, out, *at)?;
            }
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn set_var(&mut self, name: &str, v: Value, assign: bool, at: usize) -> Result<(), TplError> {
        if assign {
            for (n, x) in self.vars.iter_mut().rev() {
                if n == name {
                    *x = v;
                    return Ok(());
                }
            }
            return err(at, format!("undefined variable: ${name}"));
        }
        self.vars.push((name.to_string(), v));
        Ok(())
    }

    fn var(&self, name: &str, at: usize) -> Result<Value, TplError> {
        for (n, x) in self.vars.iter().rev() {
            if n == name {
                return Ok(x.clone());
            }
        }
        err(at, format!("undefined variable: ${name}"))
    }

    fn pipe(&mut self, p: &Pipe, dot: &Value) -> Result<Value, TplError> {
        let mut last: Option<Value> = None;
        for c in &p.cmds {
            let v = self.cmd(c, dot, last)?;
            if let Value::String(x) = &v {
                if x.len() > self.budget.output {
                    return err(c.at, format!("template output exceeded {} bytes", self.budget.output));
                }
            }
            last = Some(v);
        }
        let v = last.unwrap_or(Value::Null);
        for d in &p.decl {
            self.set_var(d, v.clone(), p.assign, p.at)?;
        }
        Ok(v)
    }

    fn cmd(&mut self, c: &Cmd, dot: &Value, piped: Option<Value>) -> Result<Value, TplError> {
        self.tick(c.at)?;
        match &c.args[0] {
            Arg::Ident(name) => self.call(name, &c.args[1..], dot, piped, c.at),
            Arg::Field(f) if c.args.len() > 1 || piped.is_some() => {
                err(c.at, format!("can't give argument to non-function .{}", f.join(".")))
            }
            a => {
                if c.args.len() > 1 || piped.is_some() {
                    return err(c.at, format!("can't give argument to non-function {}", arg_name(a)));
                }
                if matches!(a, Arg::Nil) {
                    return err(c.at, "nil is not a command");
                }
                self.arg(a, dot, c.at)
            }
        }
    }

    fn arg(&mut self, a: &Arg, dot: &Value, at: usize) -> Result<Value, TplError> {
        Ok(match a {
            Arg::Dot => dot.clone(),
            Arg::Nil => Value::Null,
            Arg::Bool(b) => Value::Bool(*b),
            Arg::Int(i) => Value::from(*i),
            Arg::Float(f) => float(*f),
            Arg::Str(s) => Value::String(s.clone()),
            Arg::Field(f) => fields(dot, f, at)?,
            Arg::Var(v, f) => fields(&self.var(v, at)?, f, at)?,
            Arg::Ident(name) => self.call(name, &[], dot, None, at)?,
            Arg::Pipe(p, f) => {
                let mark = self.vars.len();
                let v = self.pipe(p, dot)?;
                self.vars.truncate(mark);
                fields(&v, f, at)?
            }
        })
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Arg],
        dot: &Value,
        piped: Option<Value>,
        at: usize,
    ) -> Result<Value, TplError> {
        // and / or evaluate lazily.
        if name == "and" || name == "or" {
            let n = args.len() + usize::from(piped.is_some());
            if n == 0 {
                return err(at, format!("wrong number of args for {name}: want at least 1 got 0"));
            }
            let mut last = Value::Null;
            for a in args {
                last = self.arg(a, dot, at)?;
                if truth(&last) == (name == "or") {
                    return Ok(last);
                }
            }
            if let Some(p) = piped {
                last = p;
            }
            return Ok(last);
        }
        let mut vals = Vec::with_capacity(args.len() + 1);
        for a in args {
            vals.push(self.arg(a, dot, at)?);
        }
        if let Some(p) = piped {
            vals.push(p);
        }
        self.at = at;
        match funcs::call(self, name, vals) {
            Some(Ok(v)) => Ok(v),
            Some(Err(m)) => err(at, format!("error calling {name}: {m}")),
            None => err(at, format!("function {name:?} not defined")),
        }
    }
}

fn arg_name(a: &Arg) -> String {
    match a {
        Arg::Dot => ".".into(),
        Arg::Bool(b) => b.to_string(),
        Arg::Int(i) => i.to_string(),
        Arg::Float(f) => f.to_string(),
        Arg::Str(s) => format!("{s:?}"),
        Arg::Var(v, _) => format!("${v}"),
        _ => "value".into(),
    }
}

/// A float as a JSON number (NaN/inf become null: JSON has no such numbers).
pub fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn fields(v: &Value, f: &[String], at: usize) -> Result<Value, TplError> {
    let mut cur = v.clone();
    // A key the map does not have is Go's invalid value (the default `missingkey`): a field
    // of it is no value again, where a field of a key holding `null` (a nil interface) is an
    // error.
    let mut missing = false;
    for name in f {
        cur = match cur {
            Value::Object(mut m) => match m.remove(name) {
                Some(v) => v,
                None => {
                    missing = true;
                    Value::Null
                }
            },
            Value::Null if missing => Value::Null,
            Value::Null => return err(at, format!("nil pointer evaluating interface {{}}.{name}")),
            other => {
                return err(
                    at,
                    format!("can't evaluate field {name} in type {}", funcs::type_of(&other)),
                )
            }
        };
    }
    Ok(cur)
}

/// Formats a float as Go's `%v`: `strconv.FormatFloat(f, 'g', -1, 64)`, shortest digits,
/// exponent form when the decimal exponent is < -4 or >= 6 (so 1000000.0 prints `1e+06`).
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // shortest digits via Rust's exponent formatting
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        let a = exp.abs();
        return format!("{mant}e{sign}{a:02}");
    }
    format!("{f}")
}

/// Prints a value as Go's `fmt.Sprint` would (`top`: an action's value, where nil prints
/// `<no value>`).
pub fn print_value(v: &Value, top: bool) -> String {
    match v {
        Value::Null => {
            if top {
                "<no value>".into()
            } else {
                "<nil>".into()
            }
        }
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                if !n.is_f64() {
                    return i.to_string();
                }
            }
            if let Some(u) = n.as_u64() {
                if !n.is_f64() {
                    return u.to_string();
                }
            }
            go_float(n.as_f64().unwrap_or(0.0))
        }
        Value::String(s) => s.clone(),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(|x| print_value(x, false)).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", print_value(&m[*k], false)))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}
