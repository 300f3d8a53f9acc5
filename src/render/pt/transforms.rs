//! The transforms of function-patch-and-transform (`map`, `match`, `math`, `string`,
//! `convert`), applied to JSON values with the function's error messages.

use base64::Engine;
use serde_json::{Number, Value};

use super::gofmt;

fn s<'a>(t: &'a Value, k: &str) -> Option<&'a str> {
    t.get(k).and_then(Value::as_str)
}

/// `Resolve` of transforms.go: [`apply`] with the function's wrapping of the error
/// (`math transform could not resolve: ...`).
pub fn resolve(t: &Value, input: &Value) -> Result<Value, String> {
    let ty = s(t, "type").unwrap_or("");
    if !matches!(ty, "map" | "match" | "math" | "string" | "convert") {
        return Err(format!("transform type {ty} is not supported"));
    }
    if t.get(ty).is_none_or(Value::is_null) {
        return Err(format!("given transform type {ty} requires configuration"));
    }
    apply(t, input).map_err(|e| format!("{ty} transform could not resolve: {e}"))
}

/// Applies one transform (the YAML object with `type` and its settings) to `input`.
pub fn apply(t: &Value, input: &Value) -> Result<Value, String> {
    match s(t, "type").unwrap_or("") {
        "map" => {
            let key = input
                .as_str()
                .ok_or_else(|| format!("input is required to be a string for map transforms, got {input}"))?;
            t.get("map")
                .and_then(|m| m.get(key))
                .cloned()
                .ok_or_else(|| format!("key {key} is not found in map"))
        }
        "match" => apply_match(t.get("match").unwrap_or(&Value::Null), input),
        "math" => apply_math(t.get("math").unwrap_or(&Value::Null), input),
        "string" => apply_string(t.get("string").unwrap_or(&Value::Null), input),
        "convert" => {
            let c = t.get("convert").unwrap_or(&Value::Null);
            convert(input, s(c, "toType").unwrap_or(""), s(c, "format").unwrap_or(""))
        }
        other => Err(format!("unknown transform type {other:?}")),
    }
}

fn apply_match(m: &Value, input: &Value) -> Result<Value, String> {
    for p in m.get("patterns").and_then(Value::as_array).into_iter().flatten() {
        let hit = match s(p, "type").unwrap_or("literal") {
            "literal" => input.as_str().is_some_and(|i| Some(i) == s(p, "literal")),
            "regexp" => {
                let re = regex::Regex::new(s(p, "regexp").unwrap_or(""))
                    .map_err(|e| format!("cannot compile regexp: {e}"))?;
                input.as_str().is_some_and(|i| re.is_match(i))
            }
            other => return Err(format!("unsupported pattern type {other:?}")),
        };
        if hit {
            return Ok(p.get("result").cloned().unwrap_or(Value::Null));
        }
    }
    if s(m, "fallbackTo") == Some("Input") {
        return Ok(input.clone());
    }
    Ok(m.get("fallbackValue").cloned().unwrap_or(Value::Null))
}

fn num(v: &Value) -> Option<Number> {
    v.as_number().cloned()
}

fn apply_math(m: &Value, input: &Value) -> Result<Value, String> {
    let n = num(input).ok_or_else(|| format!("input is required to be a number for math transformer, got {input}"))?;
    let ty = s(m, "type").unwrap_or("Multiply");
    let field = match ty {
        "Multiply" => "multiply",
        "ClampMin" => "clampMin",
        "ClampMax" => "clampMax",
        other => return Err(format!("unknown math transform type {other:?}")),
    };
    let arg = m
        .get(field)
        .and_then(num)
        .ok_or_else(|| format!("math transform {ty} needs {field}"))?;
    if ty == "Multiply" {
        return Ok(match (n.as_i64(), arg.as_i64()) {
            (Some(a), Some(b)) => Value::from(a.wrapping_mul(b)),
            _ => Value::from(n.as_f64().unwrap_or(0.0) * arg.as_f64().unwrap_or(0.0)),
        });
    }
    let (a, b) = (n.as_f64().unwrap_or(0.0), arg.as_f64().unwrap_or(0.0));
    let take_arg = if ty == "ClampMin" { a < b } else { a > b };
    Ok(if take_arg { Value::Number(arg) } else { Value::Number(n) })
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn apply_string(t: &Value, input: &Value) -> Result<Value, String> {
    let ty = s(t, "type").unwrap_or("Format");
    let text = gofmt::go_v(input);
    let out = match ty {
        "Format" => gofmt::sprintf(s(t, "fmt").unwrap_or(""), std::slice::from_ref(input)),
        "Convert" => match s(t, "convert").unwrap_or("") {
            "ToUpper" => text.to_uppercase(),
            "ToLower" => text.to_lowercase(),
            "ToBase64" => base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
            "FromBase64" => {
                let b = base64::engine::general_purpose::STANDARD
                    .decode(text.as_bytes())
                    .map_err(|e| format!("cannot decode base64: {e}"))?;
                String::from_utf8_lossy(&b).into_owned()
            }
            "ToJson" => serde_json::to_string(input).map_err(|e| e.to_string())?,
            "ToAdler32" => adler32(serde_json::to_string(input).map_err(|e| e.to_string())?.as_bytes()).to_string(),
            c @ ("ToSha1" | "ToSha256" | "ToSha512") => {
                return Err(format!("string conversion {c} is not run in process by portalint yet"))
            }
            other => return Err(format!("invalid string conversion type {other:?}")),
        },
        "TrimPrefix" => text
            .strip_prefix(s(t, "trim").unwrap_or(""))
            .unwrap_or(&text)
            .to_string(),
        "TrimSuffix" => text
            .strip_suffix(s(t, "trim").unwrap_or(""))
            .unwrap_or(&text)
            .to_string(),
        "Regexp" => {
            let r = t.get("regexp").unwrap_or(&Value::Null);
            let pat = s(r, "match").unwrap_or("");
            let re = regex::Regex::new(pat).map_err(|e| format!("invalid string regexp {pat:?}: {e}"))?;
            let group = r.get("group").and_then(Value::as_u64).unwrap_or(0) as usize;
            let caps = re
                .captures(&text)
                .ok_or_else(|| format!("regexp {pat:?} had no matches"))?;
            caps.get(group)
                .ok_or_else(|| format!("regexp {pat:?} has no group {group}"))?
                .as_str()
                .to_string()
        }
        "Join" => {
            let a = input
                .as_array()
                .ok_or_else(|| format!("input is required to be an array for Join, got {input}"))?;
            let sep = t.get("join").and_then(|j| s(j, "separator")).unwrap_or("");
            a.iter().map(gofmt::go_v).collect::<Vec<_>>().join(sep)
        }
        "Replace" => {
            let r = t.get("replace").unwrap_or(&Value::Null);
            let search = s(r, "search").unwrap_or("");
            if search.is_empty() {
                text
            } else {
                text.replace(search, s(r, "replace").unwrap_or(""))
            }
        }
        other => return Err(format!("string transform type {other:?} is not supported")),
    };
    Ok(Value::String(out))
}

fn go_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Parses a Kubernetes quantity ("1Gi", "500m", "2e3") to a float.
pub fn quantity(q: &str) -> Result<f64, String> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(q.len());
    let (n, suf) = q.split_at(split);
    let base: f64 = n.parse().map_err(|_| format!("invalid quantity {q:?}"))?;
    let mult = match suf {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        e if e.starts_with(['e', 'E']) => {
            10f64.powi(e[1..].parse::<i32>().map_err(|_| format!("invalid quantity {q:?}"))?)
        }
        _ => return Err(format!("invalid quantity {q:?}")),
    };
    Ok(base * mult)
}

/// The `convert` transform: `input` to `to` (string, int, int64, float64, bool, object,
/// array) with the optional `format` (quantity, json).
pub fn convert(input: &Value, to: &str, format: &str) -> Result<Value, String> {
    let fail = || {
        format!(
            "conversion from {} to {to} is not supported with format {format:?}",
            type_name(input)
        )
    };
    let same = type_name(input) == to || (to == "int" && type_name(input) == "int64");
    if same && format.is_empty() {
        return Ok(input.clone());
    }
    match (input, to, format) {
        (Value::String(x), "int" | "int64", "") => x
            .parse::<i64>()
            .map(Value::from)
            .map_err(|e| format!("cannot convert {x:?} to {to}: {e}")),
        (Value::String(x), "float64", "") => x
            .parse::<f64>()
            .map(Value::from)
            .map_err(|e| format!("cannot convert {x:?} to float64: {e}")),
        (Value::String(x), "float64", "quantity") => quantity(x).map(Value::from),
        (Value::String(x), "int" | "int64", "quantity") => quantity(x).map(|f| Value::from(f.ceil() as i64)),
        (Value::String(x), "bool", "") => match x.as_str() {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(Value::Bool(true)),
            "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(Value::Bool(false)),
            _ => Err(format!("cannot convert {x:?} to bool")),
        },
        (Value::String(x), "object" | "array", "json") => {
            let v: Value = serde_json::from_str(x).map_err(|e| format!("cannot parse {x:?} as JSON: {e}"))?;
            if type_name(&v) == to {
                Ok(v)
            } else {
                Err(fail())
            }
        }
        (Value::Number(n), "string", "") => Ok(Value::String(if n.is_f64() {
            go_float(n.as_f64().unwrap_or(0.0))
        } else {
            n.to_string()
        })),
        (Value::Number(n), "float64", "") => Ok(Value::from(n.as_f64().unwrap_or(0.0))),
        (Value::Number(n), "int" | "int64", "") => Ok(Value::from(n.as_f64().unwrap_or(0.0) as i64)),
        (Value::Number(n), "bool", "") => Ok(Value::Bool(n.as_f64() != Some(0.0))),
        (Value::Bool(b), "string", "") => Ok(Value::String(b.to_string())),
        (Value::Bool(b), "int" | "int64", "") => Ok(Value::from(*b as i64)),
        (Value::Bool(b), "float64", "") => Ok(Value::from(*b as i64 as f64)),
        (Value::Object(_) | Value::Array(_), "string", "json") => {
            Ok(Value::String(serde_json::to_string(input).map_err(|e| e.to_string())?))
        }
        _ => Err(fail()),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::Null => "null",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(spec: Value, input: Value) -> Result<Value, String> {
        apply(&spec, &input)
    }

    #[test]
    fn map_and_match() {
        assert_eq!(
            t(json!({"type":"map","map":{"us":"us-east-1"}}), json!("us")),
            Ok(json!("us-east-1"))
        );
        assert_eq!(
            t(json!({"type":"map","map":{}}), json!("eu")),
            Err("key eu is not found in map".into())
        );
        let m = json!({"type":"match","match":{"patterns":[{"type":"literal","literal":"a","result":1},{"type":"regexp","regexp":"^b.*","result":2}],"fallbackValue":0}});
        assert_eq!(t(m.clone(), json!("a")), Ok(json!(1)));
        assert_eq!(t(m.clone(), json!("bee")), Ok(json!(2)));
        assert_eq!(t(m, json!("c")), Ok(json!(0)));
        assert_eq!(
            t(
                json!({"type":"match","match":{"patterns":[],"fallbackTo":"Input"}}),
                json!("c")
            ),
            Ok(json!("c"))
        );
    }

    #[test]
    fn math() {
        assert_eq!(
            t(json!({"type":"math","math":{"type":"Multiply","multiply":2}}), json!(3)),
            Ok(json!(6))
        );
        assert_eq!(
            t(
                json!({"type":"math","math":{"type":"Multiply","multiply":2}}),
                json!(1.5)
            ),
            Ok(json!(3.0))
        );
        assert_eq!(
            t(
                json!({"type":"math","math":{"type":"ClampMin","clampMin":10}}),
                json!(3)
            ),
            Ok(json!(10))
        );
        assert_eq!(
            t(
                json!({"type":"math","math":{"type":"ClampMax","clampMax":10}}),
                json!(30)
            ),
            Ok(json!(10))
        );
        assert!(t(json!({"type":"math","math":{"multiply":2}}), json!("x")).is_err());
    }

    #[test]
    fn string() {
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"Format","fmt":"db-%s"}}),
                json!("x")
            ),
            Ok(json!("db-x"))
        );
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"Convert","convert":"ToUpper"}}),
                json!("ab")
            ),
            Ok(json!("AB"))
        );
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"Convert","convert":"ToBase64"}}),
                json!("Crossplane")
            ),
            Ok(json!("Q3Jvc3NwbGFuZQ=="))
        );
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"Convert","convert":"FromBase64"}}),
                json!("Q3Jvc3NwbGFuZQ==")
            ),
            Ok(json!("Crossplane"))
        );
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"Convert","convert":"ToJson"}}),
                json!({"a":1})
            ),
            Ok(json!("{\"a\":1}"))
        );
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"TrimPrefix","trim":"https://"}}),
                json!("https://x")
            ),
            Ok(json!("x"))
        );
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"TrimSuffix","trim":".com"}}),
                json!("x.com")
            ),
            Ok(json!("x"))
        );
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"Regexp","regexp":{"match":"my-(.*)","group":1}}}),
                json!("my-db")
            ),
            Ok(json!("db"))
        );
        assert!(t(
            json!({"type":"string","string":{"type":"Regexp","regexp":{"match":"z"}}}),
            json!("a")
        )
        .is_err());
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"Join","join":{"separator":","}}}),
                json!(["a", "b"])
            ),
            Ok(json!("a,b"))
        );
        assert_eq!(
            t(
                json!({"type":"string","string":{"type":"Replace","replace":{"search":"a","replace":"b"}}}),
                json!("aa")
            ),
            Ok(json!("bb"))
        );
    }

    #[test]
    fn converts() {
        assert_eq!(convert(&json!("42"), "int64", ""), Ok(json!(42)));
        assert_eq!(convert(&json!("true"), "bool", ""), Ok(json!(true)));
        assert_eq!(convert(&json!(2.0), "string", ""), Ok(json!("2")));
        assert_eq!(convert(&json!(2.5), "string", ""), Ok(json!("2.5")));
        assert_eq!(convert(&json!("1Gi"), "float64", "quantity"), Ok(json!(1073741824.0)));
        assert_eq!(convert(&json!("250m"), "float64", "quantity"), Ok(json!(0.25)));
        assert_eq!(convert(&json!("{\"a\":1}"), "object", "json"), Ok(json!({"a":1})));
        assert_eq!(convert(&json!(true), "int", ""), Ok(json!(1)));
        assert!(convert(&json!("x"), "int", "").is_err());
        assert!(convert(&json!([1]), "bool", "").is_err());
    }
}
