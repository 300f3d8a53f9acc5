//! `self` as the Kubernetes API server builds it for a CEL rule: the object's JSON typed by
//! its schema. An integer in a `number` field is a double; `format: date` / `date-time`
//! strings are timestamps, `duration` strings durations, `byte` strings bytes; fields set to
//! `null` are absent (so `has()` is false); declared field names that are CEL reserved words
//! or hold `.`, `-`, `/`, `__` are escaped (`__if__`, `a__dot__b`); map keys are not.

use kube_cel::cel::objects::{Key, Map};
use kube_cel::cel::Value;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;

/// CEL's reserved words, which a field name is escaped around (`__if__`).
const RESERVED: &[&str] = &[
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// A declared field name as CEL sees it, or `None` when it cannot be written in CEL at all
/// (it has a character outside `[a-zA-Z0-9_.\-/]` or starts with a digit).
pub fn escape(name: &str) -> Option<String> {
    if RESERVED.contains(&name) {
        return Some(format!("__{name}__"));
    }
    let mut chars = name.chars();
    let first = chars.next()?;
    if !(first.is_ascii_alphabetic() || matches!(first, '_' | '.' | '-' | '/')) {
        return None;
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'))
    {
        return None;
    }
    let mut out = String::with_capacity(name.len() + 8);
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' if b.get(i + 1) == Some(&b'_') => {
                out.push_str("__underscores__");
                i += 2;
                continue;
            }
            b'.' => out.push_str("__dot__"),
            b'-' => out.push_str("__dash__"),
            b'/' => out.push_str("__slash__"),
            c => out.push(c as char),
        }
        i += 1;
    }
    Some(out)
}

fn flag(schema: &Json, key: &str) -> bool {
    schema.get(key).and_then(Json::as_bool) == Some(true)
}

/// True when the schema node is a map (`additionalProperties` a schema or `true`).
pub fn is_map(schema: &Json) -> bool {
    matches!(
        schema.get("additionalProperties"),
        Some(Json::Object(_)) | Some(Json::Bool(true))
    )
}

fn string(s: &str) -> Value {
    Value::String(Arc::new(s.to_string()))
}

/// The typed CEL value of `value` under `schema` (`None`: untyped, as JSON reads).
pub fn typed(value: &Json, schema: Option<&Json>) -> Value {
    let schema = schema.filter(|s| s.is_object());
    let ty = schema.and_then(|s| s.get("type")).and_then(Json::as_str).unwrap_or("");
    let format = schema
        .and_then(|s| s.get("format"))
        .and_then(Json::as_str)
        .unwrap_or("");
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) if ty == "number" => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::UInt(u),
            _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) if ty == "string" => match format {
            "date-time" | "datetime" => timestamp(s).map_or_else(|| string(s), Value::Timestamp),
            "date" => date(s).map_or_else(|| string(s), Value::Timestamp),
            "duration" => duration(s).map_or_else(|| string(s), Value::Duration),
            "byte" => base64(s).map_or_else(|| string(s), |b| Value::Bytes(Arc::new(b))),
            _ => string(s),
        },
        Json::String(s) => string(s),
        Json::Array(items) => {
            let item = schema.and_then(|s| s.get("items"));
            Value::List(Arc::new(items.iter().map(|v| typed(v, item)).collect()))
        }
        Json::Object(fields) => {
            let mut map = HashMap::with_capacity(fields.len());
            match schema {
                Some(s) if is_map(s) => {
                    let add = s.get("additionalProperties").filter(|a| a.is_object());
                    for (k, v) in fields {
                        map.insert(Key::String(Arc::new(k.clone())), typed(v, add));
                    }
                }
                Some(s) => {
                    let props = s.get("properties").and_then(Json::as_object);
                    let declared = |k: &str| {
                        props.and_then(|p| p.get(k)).or_else(|| {
                            (flag(s, "x-kubernetes-embedded-resource") && matches!(k, "apiVersion" | "kind"))
                                .then_some(&Json::Null)
                        })
                    };
                    for (k, v) in fields {
                        if v.is_null() {
                            continue;
                        }
                        // A name CEL cannot spell (`k!`) is unreachable from a rule but
                        // still counts when two objects are compared, as in Kubernetes: it
                        // is kept under its own name.
                        let name = escape(k).unwrap_or_else(|| k.clone());
                        match declared(k) {
                            Some(sub) => {
                                let v = typed(v, Some(sub));
                                // The API server's parser also reads a reserved word other
                                // than `true`, `false`, `null` and `in` as a field name
                                // (`self.metadata.namespace`): both spellings reach it.
                                if name != *k && RESERVED.contains(&k.as_str()) {
                                    map.insert(Key::String(Arc::new(k.clone())), v.clone());
                                }
                                map.insert(Key::String(Arc::new(name)), v);
                            }
                            None if k == "metadata" && flag(s, "x-kubernetes-embedded-resource") => {
                                map.insert(Key::String(Arc::new(name)), typed(v, None));
                            }
                            None if flag(s, "x-kubernetes-preserve-unknown-fields") => {
                                map.insert(Key::String(Arc::new(name)), typed(v, None));
                            }
                            None => {}
                        }
                    }
                }
                None => {
                    for (k, v) in fields {
                        map.insert(Key::String(Arc::new(k.clone())), typed(v, None));
                    }
                }
            }
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}

/// Where the value does not have the shape its schema declares (an object where a list is
/// declared, …), the API server's CEL conversion fails: what it expected.
pub fn mismatch(value: &Json, schema: &Json, depth: usize) -> Option<&'static str> {
    if depth > crate::parse::yaml::MAX_DEPTH || value.is_null() {
        return None;
    }
    match (schema.get("type").and_then(Json::as_str), value) {
        (Some("object"), Json::Object(fields)) => {
            let props = schema.get("properties").and_then(Json::as_object);
            let add = schema.get("additionalProperties").filter(|a| a.is_object());
            fields.iter().find_map(|(k, v)| {
                let sub = props.and_then(|p| p.get(k)).or(add)?;
                mismatch(v, sub, depth + 1)
            })
        }
        (Some("object"), _) => Some("expected a map for the provided schema with type=object"),
        (Some("array"), Json::Array(items)) => {
            let sub = schema.get("items")?;
            items.iter().find_map(|v| mismatch(v, sub, depth + 1))
        }
        (Some("array"), _) => Some("expected an array for the provided schema with type=array"),
        _ => None,
    }
}

/// An RFC 3339 timestamp (the API server's `date-time`).
pub fn timestamp(s: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(s).ok()
}

/// A `YYYY-MM-DD` date, as a timestamp at midnight UTC.
pub fn date(s: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    let utc = chrono::FixedOffset::east_opt(0)?;
    d.and_hms_opt(0, 0, 0)?.and_local_timezone(utc).single()
}

/// A Go duration (`1h2m3.5s`, `300ms`, `-1.5h`, `0`).
pub fn duration(s: &str) -> Option<chrono::Duration> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(chrono::Duration::zero());
    }
    if rest.is_empty() {
        return None;
    }
    let mut nanos: i128 = 0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, tail) = rest.split_at(n);
        if num.is_empty() || num == "." {
            return None;
        }
        let u = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(u);
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
        let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        nanos = nanos.checked_add(whole.checked_mul(scale)?)?;
        if !frac.is_empty() {
            let digits: i128 = frac.parse().ok()?;
            let denom = 10i128.checked_pow(frac.len() as u32)?;
            nanos = nanos.checked_add(digits.checked_mul(scale)? / denom)?;
        }
        rest = tail;
    }
    if nanos > i64::MAX as i128 {
        return None;
    }
    let d = chrono::Duration::nanoseconds(nanos as i64);
    Some(if neg { -d } else { d })
}

/// Standard base64 (with padding), as the API server decodes `format: byte`.
pub fn base64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_escape_as_kubernetes_does() {
        assert_eq!(escape("if").as_deref(), Some("__if__"));
        assert_eq!(escape("a.b-c/d").as_deref(), Some("a__dot__b__dash__c__slash__d"));
        assert_eq!(escape("a__b").as_deref(), Some("a__underscores__b"));
        assert_eq!(escape("_a").as_deref(), Some("_a"));
        assert_eq!(escape("k!"), None);
        assert_eq!(escape("9a"), None);
    }

    #[test]
    fn values_are_typed_by_the_schema() {
        let schema = serde_json::json!({"type": "object", "properties": {
            "n": {"type": "number"}, "d": {"type": "string", "format": "date"},
            "t": {"type": "duration"}, "u": {"type": "string", "format": "duration"},
            "z": {"type": "string", "nullable": true}}});
        let v = typed(
            &serde_json::json!({"n": 1, "d": "1997-07-16", "u": "1h2m3s4ms", "z": null}),
            Some(&schema),
        );
        let Value::Map(m) = v else { panic!("map") };
        assert_eq!(m.map.get(&Key::String(Arc::new("n".into()))), Some(&Value::Float(1.0)));
        assert!(matches!(
            m.map.get(&Key::String(Arc::new("d".into()))),
            Some(Value::Timestamp(_))
        ));
        assert!(matches!(
            m.map.get(&Key::String(Arc::new("u".into()))),
            Some(Value::Duration(_))
        ));
        assert!(!m.map.contains_key(&Key::String(Arc::new("z".into()))));
        assert_eq!(duration("1h2m3s4ms"), Some(chrono::Duration::milliseconds(3_723_004)));
        assert_eq!(duration("1d"), None);
        assert_eq!(duration("1.5s"), Some(chrono::Duration::milliseconds(1500)));
    }
}
