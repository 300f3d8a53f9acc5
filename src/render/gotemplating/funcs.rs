//! The functions a function-go-templating template can call: Go's builtins, the
//! deterministic part of Sprig, and the function's own helpers. A name not here is reported
//! as `function "x" not defined` (the non-deterministic Sprig functions — `now`, `uuidv4`,
//! `rand*` — are deliberately absent: a render must be reproducible).

use super::exec::{float, print_value, truth, Exec};
use base64::Engine as _;
use serde_json::{Map, Value};

type R = Result<Value, String>;

/// Go's type name of a value as the template sees it (JSON data decoded by encoding/json).
pub fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "invalid",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int",
        Value::String(_) => "string",
        Value::Array(_) => "slice",
        Value::Object(_) => "map",
    }
}

fn want(name: &str, args: &[Value], n: usize) -> Result<(), String> {
    if args.len() != n {
        return Err(format!("wrong number of args for {name}: want {n} got {}", args.len()));
    }
    Ok(())
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => print_value(other, false),
    }
}

/// Sprig's `toInt64` (cast.ToInt64): numbers truncate, strings parse, else 0.
fn int(v: &Value) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64),
        Value::String(s) => s.trim().parse::<i64>().unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

fn flt(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::String(s) => s.trim().parse::<f64>().unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

fn list(v: &Value) -> Result<Vec<Value>, String> {
    match v {
        Value::Array(a) => Ok(a.clone()),
        Value::Null => Ok(Vec::new()),
        other => Err(format!("cannot find list on type {}", type_of(other))),
    }
}

/// Go's `eq` on two basic values.
fn eq2(a: &Value, b: &Value) -> Result<bool, String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_f64() != y.is_f64() {
                return Err("incompatible types for comparison".into());
            }
            Ok(x.as_f64() == y.as_f64())
        }
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => {
            Err("non-comparable type".into())
        }
        (Value::Null, Value::Null) => Ok(true),
        (Value::Null, _) | (_, Value::Null) => Ok(false),
        (Value::String(x), Value::String(y)) => Ok(x == y),
        (Value::Bool(x), Value::Bool(y)) => Ok(x == y),
        _ => Err("incompatible types for comparison".into()),
    }
}

fn lt2(a: &Value, b: &Value) -> Result<bool, String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() == y.is_f64() => {
            Ok(x.as_f64().unwrap_or(0.0) < y.as_f64().unwrap_or(0.0))
        }
        (Value::String(x), Value::String(y)) => Ok(x < y),
        (Value::Number(_), Value::Number(_)) => Err("incompatible types for comparison".into()),
        _ => Err(format!("invalid type for comparison: {}", type_of(a))),
    }
}

fn empty(v: &Value) -> bool {
    !truth(v)
}

/// Go's `%q`.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `fmt.Sprintf` for the verbs and value kinds templates use.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut it = format.chars().peekable();
    let mut n = 0;
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = it.peek() {
            if "+-# 0".contains(f) {
                flags.push(f);
                it.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = it.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            it.next();
        }
        let mut prec: Option<usize> = None;
        if it.peek() == Some(&'.') {
            it.next();
            let mut p = String::new();
            while let Some(&d) = it.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                it.next();
            }
            prec = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = it.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(a) = args.get(n) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        n += 1;
        let body = match (verb, a) {
            ('v' | 's', Value::String(x)) => x.clone(),
            ('v', _) => print_value(a, false),
            ('s', Value::Number(_) | Value::Bool(_)) => format!("%!s({}={})", type_of(a), print_value(a, false)),
            ('s', _) => print_value(a, false),
            ('d', Value::Number(x)) if !x.is_f64() => x.to_string(),
            ('q', Value::String(x)) => go_quote(x),
            ('t', Value::Bool(b)) => b.to_string(),
            ('x' | 'X', Value::Number(x)) if !x.is_f64() => {
                let v = x.as_i64().unwrap_or(0);
                let h = if v < 0 {
                    format!("-{:x}", -(v as i128))
                } else {
                    format!("{v:x}")
                };
                if verb == 'X' {
                    h.to_uppercase()
                } else {
                    h
                }
            }
            ('x' | 'X', Value::String(x)) => {
                let h: String = x.bytes().map(|b| format!("{b:02x}")).collect();
                if verb == 'X' {
                    h.to_uppercase()
                } else {
                    h
                }
            }
            ('f' | 'F', Value::Number(x)) if x.is_f64() => {
                format!("{:.*}", prec.unwrap_or(6), x.as_f64().unwrap_or(0.0))
            }
            ('e', Value::Number(x)) if x.is_f64() => {
                let e = format!("{:.*e}", prec.unwrap_or(6), x.as_f64().unwrap_or(0.0));
                let (m, ex) = e.split_once('e').unwrap_or((&e, "0"));
                let ex: i32 = ex.parse().unwrap_or(0);
                format!("{m}e{}{:02}", if ex < 0 { '-' } else { '+' }, ex.abs())
            }
            ('g', Value::Number(x)) if x.is_f64() => print_value(a, false),
            _ => format!("%!{verb}({}={})", type_of(a), print_value(a, false)),
        };
        let body = match prec {
            Some(p) if verb == 's' => body.chars().take(p).collect(),
            _ => body,
        };
        let w: usize = width.parse().unwrap_or(0);
        let len = body.chars().count();
        if len < w {
            let pad = w - len;
            if flags.contains('-') {
                out.push_str(&body);
                out.push_str(&" ".repeat(pad));
            } else if flags.contains('0') && matches!(verb, 'd' | 'f' | 'x') {
                let (sign, digits) = body.strip_prefix('-').map_or(("", body.as_str()), |d| ("-", d));
                out.push_str(sign);
                out.push_str(&"0".repeat(pad));
                out.push_str(digits);
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(&body);
            }
        } else {
            out.push_str(&body);
        }
    }
    if n < args.len() {
        let extra: Vec<String> = args[n..]
            .iter()
            .map(|a| format!("{}={}", type_of(a), print_value(a, false)))
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

/// Go's `fmt.Sprint`: spaces between operands when neither is a string.
fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !matches!(a, Value::String(_)) && !matches!(args[i - 1], Value::String(_)) {
            out.push(' ');
        }
        out.push_str(&print_value(a, false));
    }
    out
}

fn html_escape(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\'' => o.push_str("&#39;"),
            '"' => o.push_str("&#34;"),
            '\0' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

fn js_escape(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\'' => o.push_str("\\'"),
            '"' => o.push_str("\\\""),
            '<' => o.push_str("\\u003C"),
            '>' => o.push_str("\\u003E"),
            '&' => o.push_str("\\u0026"),
            '=' => o.push_str("\\u003D"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04X}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

fn query_escape(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => o.push(b as char),
            b' ' => o.push('+'),
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

fn deep_merge(dst: &mut Map<String, Value>, src: &Map<String, Value>, overwrite: bool) {
    for (k, v) in src {
        match (dst.get_mut(k), v) {
            (Some(Value::Object(d)), Value::Object(s2)) => deep_merge(d, s2, overwrite),
            (Some(d), _) => {
                if overwrite || d.is_null() {
                    *d = v.clone();
                }
            }
            (None, _) => {
                dst.insert(k.clone(), v.clone());
            }
        }
    }
}

fn regex(p: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(p).map_err(|e| e.to_string())
}

fn title(s: &str) -> String {
    let mut out = String::new();
    let mut prev_letter = false;
    for c in s.chars() {
        if !prev_letter && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_letter = !c.is_whitespace();
    }
    out
}

fn indent(n: i64, s: &str) -> String {
    let pad = " ".repeat(n.max(0) as usize);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

fn index(mut v: Value, keys: &[Value]) -> R {
    for k in keys {
        v = match (v, k) {
            (Value::Object(mut m), Value::String(k)) => m.remove(k).unwrap_or(Value::Null),
            (Value::Array(a), Value::Number(n)) if !n.is_f64() => {
                let i = n.as_i64().unwrap_or(-1);
                if i < 0 || i as usize >= a.len() {
                    return Err(format!("index out of range: {i}"));
                }
                a[i as usize].clone()
            }
            (Value::String(s), Value::Number(n)) if !n.is_f64() => {
                let i = n.as_i64().unwrap_or(-1);
                let b = s.as_bytes();
                if i < 0 || i as usize >= b.len() {
                    return Err(format!("index out of range: {i}"));
                }
                Value::from(i64::from(b[i as usize]))
            }
            (Value::Null, _) => return Err("index of untyped nil".into()),
            (Value::Array(_), k) => return Err(format!("cannot index slice/array with type {}", type_of(k))),
            (Value::Object(_), k) => return Err(format!("value has type {}; should be string", type_of(k))),
            (v, _) => return Err(format!("can't index item of type {}", type_of(&v))),
        };
    }
    Ok(v)
}

/// A value as Go's encoding/json writes it: map keys sorted, integral float64 without `.0`.
fn go_json(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => Value::from(f as i64),
            _ => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(go_json).collect()),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), go_json(&m[k]))).collect())
        }
        o => o.clone(),
    }
}

/// Calls `name`; `None` when no such function exists.
pub fn call(ex: &mut Exec<'_>, name: &str, a: Vec<Value>) -> Option<R> {
    call_inner(ex, name, a)
}

#[allow(clippy::too_many_lines)]
fn call_inner(ex: &mut Exec<'_>, name: &str, a: Vec<Value>) -> Option<R> {
    let n = a.len();
    let arg = |i: usize| a.get(i).cloned().unwrap_or(Value::Null);
    let r: R = match name {
        // Go builtins
        "not" => want(name, &a, 1).map(|_| Value::Bool(!truth(&a[0]))),
        "len" => want(name, &a, 1).and_then(|_| match &a[0] {
            Value::String(s) => Ok(Value::from(s.len() as i64)),
            Value::Array(x) => Ok(Value::from(x.len() as i64)),
            Value::Object(m) => Ok(Value::from(m.len() as i64)),
            o => Err(format!("len of type {}", type_of(o))),
        }),
        "index" if n >= 1 => index(arg(0), &a[1..]),
        "slice" if n >= 1 => {
            let idx: Vec<i64> = a[1..].iter().map(int).collect();
            match &a[0] {
                Value::Array(x) => {
                    let lo = idx.first().copied().unwrap_or(0);
                    let hi = idx.get(1).copied().unwrap_or(x.len() as i64);
                    if lo < 0 || hi < lo || hi as usize > x.len() {
                        Err(format!("index out of range: {hi}"))
                    } else {
                        Ok(Value::Array(x[lo as usize..hi as usize].to_vec()))
                    }
                }
                Value::String(s) => {
                    let lo = idx.first().copied().unwrap_or(0);
                    let hi = idx.get(1).copied().unwrap_or(s.len() as i64);
                    match s.get(lo.max(0) as usize..hi.max(0) as usize) {
                        Some(t) if lo >= 0 && hi >= lo => Ok(Value::String(t.into())),
                        _ => Err(format!("index out of range: {hi}")),
                    }
                }
                o => Err(format!("can't slice item of type {}", type_of(o))),
            }
        }
        "eq" if n >= 2 => {
            let mut r = Ok(Value::Bool(false));
            for b in &a[1..] {
                match eq2(&a[0], b) {
                    Ok(true) => {
                        r = Ok(Value::Bool(true));
                        break;
                    }
                    Ok(false) => {}
                    Err(e) => {
                        r = Err(e);
                        break;
                    }
                }
            }
            r
        }
        "ne" => want(name, &a, 2).and_then(|_| eq2(&a[0], &a[1]).map(|b| Value::Bool(!b))),
        "lt" => want(name, &a, 2).and_then(|_| lt2(&a[0], &a[1]).map(Value::Bool)),
        "le" => want(name, &a, 2).and_then(|_| Ok(Value::Bool(lt2(&a[0], &a[1])? || eq2(&a[0], &a[1])?))),
        "gt" => want(name, &a, 2).and_then(|_| lt2(&a[1], &a[0]).map(Value::Bool)),
        "ge" => want(name, &a, 2).and_then(|_| Ok(Value::Bool(lt2(&a[1], &a[0])? || eq2(&a[0], &a[1])?))),
        "print" => Ok(Value::String(sprint(&a))),
        "println" => Ok(Value::String(
            a.iter().map(|x| print_value(x, false)).collect::<Vec<_>>().join(" ") + "\n",
        )),
        "printf" if n >= 1 => Ok(Value::String(sprintf(&s(&a[0]), &a[1..]))),
        "html" => Ok(Value::String(html_escape(&sprint(&a)))),
        "js" => Ok(Value::String(js_escape(&sprint(&a)))),
        "urlquery" => Ok(Value::String(query_escape(&sprint(&a)))),
        "call" => Err("call of a function value: template data holds no functions here".into()),
        // Sprig: defaults and flow
        "default" => want(name, &a, 2).map(|_| if empty(&a[1]) { a[0].clone() } else { a[1].clone() }),
        "empty" => want(name, &a, 1).map(|_| Value::Bool(empty(&a[0]))),
        "coalesce" => Ok(a.iter().find(|x| !empty(x)).cloned().unwrap_or(Value::Null)),
        "ternary" => want(name, &a, 3).map(|_| if truth(&a[2]) { a[0].clone() } else { a[1].clone() }),
        "fail" => Err(s(&arg(0))),
        "required" => want(name, &a, 2).and_then(|_| {
            if a[1].is_null() || a[1] == Value::String(String::new()) {
                Err(s(&a[0]))
            } else {
                Ok(a[1].clone())
            }
        }),
        // strings
        "quote" => Ok(Value::String(
            a.iter()
                .filter(|x| !x.is_null())
                .map(|x| go_quote(&s(x)))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        "squote" => Ok(Value::String(
            a.iter()
                .filter(|x| !x.is_null())
                .map(|x| format!("'{}'", s(x)))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        "upper" => Ok(Value::String(s(&arg(0)).to_uppercase())),
        "lower" => Ok(Value::String(s(&arg(0)).to_lowercase())),
        "title" => Ok(Value::String(title(&s(&arg(0))))),
        "trim" => Ok(Value::String(s(&arg(0)).trim().to_string())),
        "trimAll" => Ok(Value::String(
            s(&arg(1)).trim_matches(|c| s(&arg(0)).contains(c)).to_string(),
        )),
        "trimPrefix" => Ok(Value::String(
            s(&arg(1))
                .strip_prefix(&s(&arg(0)))
                .map_or_else(|| s(&arg(1)), str::to_string),
        )),
        "trimSuffix" => Ok(Value::String(
            s(&arg(1))
                .strip_suffix(&s(&arg(0)))
                .map_or_else(|| s(&arg(1)), str::to_string),
        )),
        "contains" => Ok(Value::Bool(s(&arg(1)).contains(&s(&arg(0))))),
        "hasPrefix" => Ok(Value::Bool(s(&arg(1)).starts_with(&s(&arg(0))))),
        "hasSuffix" => Ok(Value::Bool(s(&arg(1)).ends_with(&s(&arg(0))))),
        "replace" => Ok(Value::String(s(&arg(2)).replace(&s(&arg(0)), &s(&arg(1))))),
        "repeat" => {
            let k = int(&arg(0));
            let t = s(&arg(1));
            if k < 0 || (k as usize).saturating_mul(t.len()) > 1 << 20 {
                Err(format!("repeat count {k} too large"))
            } else {
                Ok(Value::String(t.repeat(k as usize)))
            }
        }
        "substr" => {
            let t = s(&arg(2));
            let (lo, hi) = (int(&arg(0)), int(&arg(1)));
            let lo = lo.clamp(0, t.len() as i64) as usize;
            let hi = if hi < 0 || hi as usize > t.len() {
                t.len()
            } else {
                hi as usize
            };
            Ok(Value::String(t.get(lo..hi.max(lo)).unwrap_or("").to_string()))
        }
        "trunc" => {
            let t = s(&arg(1));
            let k = int(&arg(0));
            Ok(Value::String(if k >= 0 {
                t.chars().take(k as usize).collect()
            } else {
                let c: Vec<char> = t.chars().collect();
                c[c.len().saturating_sub((-k) as usize)..].iter().collect()
            }))
        }
        "nospace" => Ok(Value::String(
            s(&arg(0)).chars().filter(|c| !c.is_whitespace()).collect(),
        )),
        "cat" => Ok(Value::String(
            a.iter().filter(|x| !x.is_null()).map(s).collect::<Vec<_>>().join(" "),
        )),
        "indent" => Ok(Value::String(indent(int(&arg(0)), &s(&arg(1))))),
        "nindent" => Ok(Value::String(format!("\n{}", indent(int(&arg(0)), &s(&arg(1)))))),
        "splitList" => Ok(Value::Array(
            s(&arg(1))
                .split(s(&arg(0)).as_str())
                .map(|x| Value::String(x.into()))
                .collect(),
        )),
        "split" => {
            let mut m = Map::new();
            for (i, p) in s(&arg(1)).split(s(&arg(0)).as_str()).enumerate() {
                m.insert(format!("_{i}"), Value::String(p.into()));
            }
            Ok(Value::Object(m))
        }
        "join" => list(&arg(1)).map(|l| Value::String(l.iter().map(s).collect::<Vec<_>>().join(&s(&arg(0))))),
        "toString" => Ok(Value::String(s(&arg(0)))),
        "toStrings" => list(&arg(0)).map(|l| Value::Array(l.iter().map(|x| Value::String(s(x))).collect())),
        "atoi" => Ok(Value::from(s(&arg(0)).trim().parse::<i64>().unwrap_or(0))),
        "int" | "int64" => Ok(Value::from(int(&arg(0)))),
        "float64" => Ok(float(flt(&arg(0)))),
        "toJson" | "mustToJson" | "toRawJson" => serde_json::to_string(&go_json(&arg(0)))
            .map(Value::String)
            .map_err(|e| e.to_string()),
        "toPrettyJson" => serde_json::to_string_pretty(&go_json(&arg(0)))
            .map(Value::String)
            .map_err(|e| e.to_string()),
        "fromJson" => Ok(serde_json::from_str(&s(&arg(0))).unwrap_or(Value::Object(Map::new()))),
        "mustFromJson" => serde_json::from_str(&s(&arg(0))).map_err(|e| e.to_string()),
        "b64enc" => Ok(Value::String(
            base64::engine::general_purpose::STANDARD.encode(s(&arg(0))),
        )),
        "b64dec" => Ok(Value::String(
            match base64::engine::general_purpose::STANDARD.decode(s(&arg(0))) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) => e.to_string(),
            },
        )),
        "regexMatch" => regex(&s(&arg(0))).map(|r| Value::Bool(r.is_match(&s(&arg(1))))),
        "regexFind" => regex(&s(&arg(0))).map(|r| Value::String(r.find(&s(&arg(1))).map_or("", |m| m.as_str()).into())),
        "regexFindAll" => regex(&s(&arg(0))).map(|r| {
            let t = s(&arg(1));
            let k = int(&arg(2));
            Value::Array(
                r.find_iter(&t)
                    .take(if k < 0 { usize::MAX } else { k as usize })
                    .map(|m| Value::String(m.as_str().into()))
                    .collect(),
            )
        }),
        "regexReplaceAll" => {
            regex(&s(&arg(0))).map(|r| Value::String(r.replace_all(&s(&arg(1)), s(&arg(2)).as_str()).into_owned()))
        }
        "regexReplaceAllLiteral" => regex(&s(&arg(0)))
            .map(|r| Value::String(r.replace_all(&s(&arg(1)), regex::NoExpand(&s(&arg(2)))).into_owned())),
        "regexSplit" => regex(&s(&arg(0))).map(|r| {
            let t = s(&arg(1));
            Value::Array(r.split(&t).map(|x| Value::String(x.into())).collect())
        }),
        "semverCompare" => {
            let c = s(&arg(0));
            let v = s(&arg(1));
            let req = semver::VersionReq::parse(&c).map_err(|e| e.to_string());
            let ver = semver::Version::parse(v.trim_start_matches('v')).map_err(|e| e.to_string());
            match (req, ver) {
                (Ok(r), Ok(v)) => Ok(Value::Bool(r.matches(&v))),
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
        // lists and dicts
        "list" | "tuple" => Ok(Value::Array(a.clone())),
        "dict" => {
            let mut m = Map::new();
            for p in a.chunks(2) {
                m.insert(s(&p[0]), p.get(1).cloned().unwrap_or(Value::Null));
            }
            Ok(Value::Object(m))
        }
        "get" => Ok(match &arg(0) {
            Value::Object(m) => m.get(&s(&arg(1))).cloned().unwrap_or(Value::String(String::new())),
            _ => Value::String(String::new()),
        }),
        "hasKey" => Ok(Value::Bool(
            matches!(&arg(0), Value::Object(m) if m.contains_key(&s(&arg(1)))),
        )),
        "set" => match arg(0) {
            Value::Object(mut m) => {
                m.insert(s(&arg(1)), arg(2));
                Ok(Value::Object(m))
            }
            o => Err(format!("set on {}", type_of(&o))),
        },
        "unset" => match arg(0) {
            Value::Object(mut m) => {
                m.shift_remove(&s(&arg(1)));
                Ok(Value::Object(m))
            }
            o => Err(format!("unset on {}", type_of(&o))),
        },
        "keys" => {
            let mut k = Vec::new();
            for d in &a {
                if let Value::Object(m) = d {
                    k.extend(m.keys().map(|x| Value::String(x.clone())));
                }
            }
            Ok(Value::Array(k))
        }
        "values" => Ok(match &arg(0) {
            Value::Object(m) => Value::Array(m.values().cloned().collect()),
            _ => Value::Array(Vec::new()),
        }),
        "sortAlpha" => list(&arg(0)).map(|l| {
            let mut v: Vec<String> = l.iter().map(s).collect();
            v.sort();
            Value::Array(v.into_iter().map(Value::String).collect())
        }),
        "merge" | "mustMerge" | "mergeOverwrite" | "mustMergeOverwrite" => {
            let over = name.contains("Overwrite");
            let mut d = match arg(0) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            for x in a.iter().skip(1) {
                if let Value::Object(m) = x {
                    deep_merge(&mut d, m, over);
                }
            }
            Ok(Value::Object(d))
        }
        "pluck" if n >= 1 => Ok(Value::Array(
            a[1..]
                .iter()
                .filter_map(|d| d.as_object().and_then(|m| m.get(&s(&a[0]))).cloned())
                .collect(),
        )),
        "dig" if n >= 2 => {
            let Value::Object(mut cur) = a[n - 1].clone() else {
                return Some(Err("dig: last argument must be a map".into()));
            };
            let keys = &a[..n - 2];
            let mut out = a[n - 2].clone();
            let mut found = true;
            for (i, k) in keys.iter().enumerate() {
                match cur.get(&s(k)).cloned() {
                    Some(Value::Object(m)) if i + 1 < keys.len() => cur = m,
                    Some(v) if i + 1 == keys.len() => out = v,
                    _ => {
                        found = false;
                        break;
                    }
                }
            }
            let _ = found;
            Ok(out)
        }
        "append" | "push" | "mustAppend" | "mustPush" => list(&arg(0)).map(|mut l| {
            l.push(arg(1));
            Value::Array(l)
        }),
        "prepend" | "mustPrepend" => list(&arg(0)).map(|mut l| {
            l.insert(0, arg(1));
            Value::Array(l)
        }),
        "concat" => {
            let mut out = Vec::new();
            for x in &a {
                match list(x) {
                    Ok(l) => out.extend(l),
                    Err(e) => return Some(Err(e)),
                }
            }
            Ok(Value::Array(out))
        }
        "first" | "mustFirst" => list(&arg(0)).map(|l| l.first().cloned().unwrap_or(Value::Null)),
        "last" | "mustLast" => list(&arg(0)).map(|l| l.last().cloned().unwrap_or(Value::Null)),
        "rest" | "mustRest" => list(&arg(0)).map(|l| Value::Array(l.iter().skip(1).cloned().collect())),
        "initial" | "mustInitial" => list(&arg(0)).map(|l| Value::Array(l[..l.len().saturating_sub(1)].to_vec())),
        "reverse" | "mustReverse" => list(&arg(0)).map(|mut l| {
            l.reverse();
            Value::Array(l)
        }),
        "uniq" | "mustUniq" => list(&arg(0)).map(|l| {
            let mut out: Vec<Value> = Vec::new();
            for x in l {
                if !out.contains(&x) {
                    out.push(x);
                }
            }
            Value::Array(out)
        }),
        "has" | "mustHas" => list(&arg(1)).map(|l| Value::Bool(l.contains(&arg(0)))),
        "without" | "mustWithout" if n >= 1 => {
            list(&a[0]).map(|l| Value::Array(l.into_iter().filter(|x| !a[1..].contains(x)).collect()))
        }
        "compact" | "mustCompact" => list(&arg(0)).map(|l| Value::Array(l.into_iter().filter(|x| !empty(x)).collect())),
        "until" => {
            let k = int(&arg(0));
            if k > 1_000_000 {
                Err(format!("until {k}: too many items"))
            } else {
                Ok(Value::Array((0..k.max(0)).map(Value::from).collect()))
            }
        }
        "deepCopy" | "mustDeepCopy" => Ok(arg(0)),
        // math (Sprig converts with toInt64; the *f variants with toFloat64)
        "add" => Ok(Value::from(a.iter().map(int).fold(0i64, i64::wrapping_add))),
        "add1" => Ok(Value::from(int(&arg(0)).wrapping_add(1))),
        "sub" => Ok(Value::from(int(&arg(0)).wrapping_sub(int(&arg(1))))),
        "mul" => Ok(Value::from(a.iter().map(int).fold(1i64, i64::wrapping_mul))),
        "div" => match int(&arg(1)) {
            0 => Err("runtime error: integer divide by zero".into()),
            d => Ok(Value::from(int(&arg(0)).wrapping_div(d))),
        },
        "mod" => match int(&arg(1)) {
            0 => Err("runtime error: integer divide by zero".into()),
            d => Ok(Value::from(int(&arg(0)).wrapping_rem(d))),
        },
        "max" => Ok(Value::from(a.iter().map(int).max().unwrap_or(0))),
        "min" => Ok(Value::from(a.iter().map(int).min().unwrap_or(0))),
        "addf" => Ok(float(a.iter().map(flt).sum())),
        "subf" => Ok(float(a.iter().skip(1).fold(flt(&arg(0)), |x, y| x - flt(y)))),
        "mulf" => Ok(float(a.iter().map(flt).product())),
        "divf" => Ok(float(a.iter().skip(1).fold(flt(&arg(0)), |x, y| x / flt(y)))),
        "floor" => Ok(float(flt(&arg(0)).floor())),
        "ceil" => Ok(float(flt(&arg(0)).ceil())),
        "round" => {
            let p = 10f64.powi(int(&arg(1)) as i32);
            Ok(float((flt(&arg(0)) * p).round() / p))
        }
        // reflection
        "kindOf" => Ok(Value::String(kind_of(&arg(0)).into())),
        "kindIs" => Ok(Value::Bool(kind_of(&arg(1)) == s(&arg(0)))),
        "typeOf" => Ok(Value::String(type_of(&arg(0)).into())),
        "typeIs" => Ok(Value::Bool(type_of(&arg(1)) == s(&arg(0)))),
        // function-go-templating's own helpers
        "toYaml" => Ok(Value::String(super::yaml_out::to_yaml(&arg(0)))),
        "fromYaml" => super::yaml_out::from_yaml(&s(&arg(0))),
        "include" => want(name, &a, 2).and_then(|_| ex.include(&s(&a[0]), &a[1]).map(Value::String)),
        "setResourceNameAnnotation" => Ok(Value::String(format!(
            "gotemplating.fn.crossplane.io/composition-resource-name: {}",
            s(&arg(0))
        ))),
        "getResourceCondition" => want(name, &a, 2).map(|_| {
            let ct = s(&a[0]);
            let found = a[1]
                .pointer("/resource/status/conditions")
                .or_else(|| a[1].pointer("/status/conditions"))
                .and_then(Value::as_array)
                .and_then(|cs| {
                    cs.iter()
                        .find(|c| c.get("type").and_then(Value::as_str) == Some(ct.as_str()))
                        .cloned()
                });
            let mut m = Map::new();
            let c = found.unwrap_or(Value::Null);
            let g = |k: &str| c.get(k).cloned().unwrap_or(Value::String(String::new()));
            m.insert("Type".into(), Value::String(ct.clone()));
            m.insert(
                "Status".into(),
                c.get("status").cloned().unwrap_or(Value::String("Unknown".into())),
            );
            m.insert("Reason".into(), g("reason"));
            m.insert("Message".into(), g("message"));
            m.insert("LastTransitionTime".into(), g("lastTransitionTime"));
            Value::Object(m)
        }),
        "getComposedResource" => want(name, &a, 2).map(|_| {
            a[0].pointer(&format!(
                "/observed/resources/{}/resource",
                s(&a[1]).replace('~', "~0").replace('/', "~1")
            ))
            .cloned()
            // The function returns a nil `map[string]any`: a map without keys to the
            // template (`.status` of it is no value, not a nil pointer error).
            .unwrap_or_else(|| Value::Object(Map::new()))
        }),
        "getCompositeResource" => want(name, &a, 1).map(|_| {
            a[0].pointer("/observed/composite/resource")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()))
        }),
        "getExtraResources" | "getRequiredResources" => want(name, &a, 2).map(|_| {
            let k = s(&a[1]);
            let items = a[0]
                .get("extraResources")
                .or_else(|| a[0].get("requiredResources"))
                .and_then(|m| m.get(&k))
                .and_then(|r| r.get("items"))
                .and_then(Value::as_array)
                .map(|xs| xs.iter().filter_map(|x| x.get("resource").cloned()).collect())
                .unwrap_or_default();
            Value::Array(items)
        }),
        "getCredentialData" => want(name, &a, 2).map(|_| {
            a[0].pointer(&format!("/credentials/{}/credentialData/data", s(&a[1])))
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()))
        }),
        _ => return None,
    };
    Some(r)
}
