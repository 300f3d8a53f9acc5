//! `toYaml` / `fromYaml` as function-go-templating has them (sigs.k8s.io/yaml: keys sorted,
//! sequences not indented under their key; decoding goes through JSON, so numbers are float64).

use crate::parse::yaml;
use serde_json::Value;

/// Numbers as encoding/json decodes them into `interface{}`: float64.
pub fn floatify(v: Value) -> Value {
    match v {
        Value::Number(n) => super::exec::float(n.as_f64().unwrap_or(0.0)),
        Value::Array(a) => Value::Array(a.into_iter().map(floatify).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, floatify(v))).collect()),
        o => o,
    }
}

/// `fromYaml`: the first document, numbers as float64.
pub fn from_yaml(s: &str) -> Result<Value, String> {
    let p = yaml::parse(s);
    if let Some(e) = p.problems.first() {
        return Err(format!("error converting YAML to JSON: {}", e.message));
    }
    Ok(p.docs.first().map_or(Value::Null, |d| floatify(d.root.to_json())))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        Value::String(s) => {
            let plain_ok = !s.is_empty()
                && matches!(yaml::resolve_plain(s), yaml::Value::Str(_))
                && !s.contains(": ")
                && !s.contains(" #")
                && !s.ends_with(':')
                && s.trim() == s
                && !s.starts_with([
                    '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
                ])
                && !s.chars().any(|c| c.is_control());
            // go-yaml (under sigs.k8s.io/yaml) asks for double quotes when the plain text
            // would read as another type (`"True"`, `"1"`, `""`), and falls back to single
            // quotes when a string cannot be plain (`'*'`, `'a: b'`).
            let other_type = s.is_empty() || !matches!(yaml::resolve_plain(s), yaml::Value::Str(_));
            if plain_ok {
                s.clone()
            } else if other_type || s.chars().any(|c| c.is_control()) {
                serde_json::to_string(s).unwrap_or_default()
            } else {
                format!("'{}'", s.replace('\'', "''"))
            }
        }
        _ => String::new(),
    }
}

fn emit(v: &Value, ind: usize, out: &mut String) {
    let pad = " ".repeat(ind);
    match v {
        Value::Object(m) if !m.is_empty() => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for k in keys {
                let x = &m[k];
                out.push_str(&format!("{pad}{}:", scalar(&Value::String(k.clone()))));
                match x {
                    Value::Object(c) if !c.is_empty() => {
                        out.push('\n');
                        emit(x, ind + 2, out);
                    }
                    Value::Array(c) if !c.is_empty() => {
                        out.push('\n');
                        emit(x, ind, out);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&flow(x));
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for x in a {
                let mut inner = String::new();
                emit(x, 0, &mut inner);
                let mut first = true;
                for line in inner.lines() {
                    if first {
                        out.push_str(&format!("{pad}- {line}\n"));
                        first = false;
                    } else {
                        out.push_str(&format!("{pad}  {line}\n"));
                    }
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&flow(v));
            out.push('\n');
        }
    }
}

fn flow(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        o => scalar(o),
    }
}

/// `toYaml`.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    emit(v, 0, &mut out);
    out
}
