//! The transforms of function-patch-and-transform (`map`, `match`, `math`, `string`,
//! `convert`), applied to JSON values with the function's error messages.

use base64::Engine;
use serde_json::Value;

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

/// [`resolve`] of each transform in turn (`ResolveTransforms`).
pub fn resolve_all(ts: &[Value], mut v: Value) -> Result<Value, String> {
    for (i, t) in ts.iter().enumerate() {
        v = resolve(t, &v).map_err(|e| format!("transform at index {i} returned error: {e}"))?;
    }
    Ok(v)
}

/// validate.go's `ValidateTransform`: what the function rejects in its input before it runs,
/// the error as `field: Required value: ...` below the transform.
pub fn validate(t: &Value) -> Result<(), String> {
    let ty = s(t, "type").unwrap_or("");
    let cfg = match ty {
        "math" | "map" | "match" | "string" | "convert" => match t.get(ty).filter(|v| !v.is_null()) {
            Some(c) => c,
            None => {
                return Err(format!(
                    "{ty}: Required value: given transform type {ty} requires configuration"
                ))
            }
        },
        other => return Err(format!("type: Invalid value: {other:?}: unknown transform type")),
    };
    let under = |e: String| format!("{ty}.{e}");
    let need = |k: &str, why: &str| -> Result<(), String> {
        if cfg.get(k).is_some_and(|v| !v.is_null()) {
            Ok(())
        } else {
            Err(under(format!("{k}: Required value: {why}")))
        }
    };
    let compiles = |field: &str, pat: &str| -> Result<(), String> {
        regex::Regex::new(pat)
            .map(|_| ())
            .map_err(|_| under(format!("{field}: Invalid value: {pat:?}: invalid regexp")))
    };
    match ty {
        "math" => {
            let field = match s(cfg, "type").unwrap_or("") {
                "" => return Err(under("type: Required value: math transform type is required".into())),
                "Multiply" => ("multiply", "multiply"),
                "ClampMin" => ("clampMin", "clamp min"),
                "ClampMax" => ("clampMax", "clamp max"),
                other => {
                    return Err(under(format!(
                        "type: Invalid value: {other:?}: unknown math transform type"
                    )))
                }
            };
            need(
                field.0,
                &format!("must specify a value if a {} math transform is specified", field.1),
            )
        }
        "map" => match cfg.as_object() {
            Some(m) if !m.is_empty() => Ok(()),
            _ => Err(under(
                "pairs: Required value: at least one pair must be specified if a map transform is specified".into(),
            )),
        },
        "match" => {
            let patterns = cfg
                .get("patterns")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            if patterns.is_empty() {
                return Err(under(
                    "patterns: Required value: at least one pattern must be specified if a match transform is specified"
                        .into(),
                ));
            }
            for (i, p) in patterns.iter().enumerate() {
                match s(p, "type").unwrap_or("") {
                    "literal" | "" if s(p, "literal").is_none() => {
                        return Err(under(format!(
                            "patterns[{i}].literal: Required value: literal pattern type requires a literal"
                        )))
                    }
                    "literal" | "" => {}
                    "regexp" => match s(p, "regexp") {
                        None => {
                            return Err(under(format!(
                                "patterns[{i}].regexp: Required value: regexp pattern type requires a regexp"
                            )))
                        }
                        Some(pat) => compiles(&format!("patterns[{i}].regexp"), pat)?,
                    },
                    other => {
                        return Err(under(format!(
                            "patterns[{i}].type: Invalid value: {other:?}: unknown pattern type"
                        )))
                    }
                }
            }
            Ok(())
        }
        "string" => match s(cfg, "type").unwrap_or("") {
            "" => Err(under("type: Required value: string transform type is required".into())),
            "Format" => need("fmt", "format transform requires a format"),
            "Convert" => need("convert", "convert transform requires a conversion type"),
            "TrimPrefix" | "TrimSuffix" => need("trim", "trim transform requires a trim value"),
            "Regexp" => {
                need("regexp", "regexp transform requires a regexp")?;
                match cfg.get("regexp").and_then(|r| s(r, "match")).unwrap_or("") {
                    "" => Err(under(
                        "regexp.match: Required value: regexp transform requires a match".into(),
                    )),
                    pat => compiles("regexp.match", pat),
                }
            }
            "Join" => need("join", "join transform requires a join"),
            "Replace" => {
                need("replace", "replace transform requires a replace")?;
                match cfg.get("replace").and_then(|r| s(r, "search")).unwrap_or("") {
                    "" => Err(under(
                        "replace.search: Required value: replace transform requires a search".into(),
                    )),
                    _ => Ok(()),
                }
            }
            other => Err(under(format!(
                "type: Invalid value: {other:?}: unknown string transform type"
            ))),
        },
        _ => {
            let format = s(cfg, "format").unwrap_or("");
            if !matches!(format, "" | "none" | "quantity" | "json") {
                return Err(under(format!("format: Invalid value: {format:?}: invalid format")));
            }
            let to = s(cfg, "toType").unwrap_or("");
            if !matches!(to, "string" | "bool" | "int" | "int64" | "float64" | "object" | "array") {
                return Err(under(format!("toType: Invalid value: {to:?}: invalid type")));
            }
            Ok(())
        }
    }
}

/// Compiles `pat`; the error on one line, as Go words it (`error parsing regexp: why:
/// `pat``), with the regex crate's reason.
fn regex(pat: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pat).map_err(|e| {
        let text = e.to_string();
        let why = text.lines().last().unwrap_or("").trim();
        let why = why.strip_prefix("error: ").unwrap_or(why);
        format!("error parsing regexp: {why}: `{pat}`")
    })
}

/// Go's `%T` of a JSON value as the function decodes it.
pub fn go_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::Object(_) => "map[string]interface {}",
        Value::Array(_) => "[]interface {}",
        Value::Null => "<nil>",
    }
}

/// A value as `json.Unmarshal` into `any` leaves it: every number a float64.
fn floatify(v: Value) -> Value {
    match v {
        Value::Number(n) if !n.is_f64() => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Number(n), Value::Number),
        Value::Array(a) => Value::Array(a.into_iter().map(floatify).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, floatify(v))).collect()),
        other => other,
    }
}

/// `json.Marshal` of a value: object keys sorted, as Go's encoder writes maps.
pub fn go_json(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string(&sorted(v)).unwrap_or_default()
}

/// Applies one transform (the YAML object with `type` and its settings) to `input`, with
/// the messages of the function's `ResolveMap`, `ResolveMatch`, `ResolveMath`,
/// `ResolveString` and `ResolveConvert`.
pub fn apply(t: &Value, input: &Value) -> Result<Value, String> {
    let cfg = |k: &str| t.get(k).unwrap_or(&Value::Null);
    match s(t, "type").unwrap_or("") {
        "map" => {
            let Value::String(key) = input else {
                return Err(format!("type {} is not supported for map transform", go_type(input)));
            };
            cfg("map")
                .get(key)
                .cloned()
                .map(floatify)
                .ok_or_else(|| format!("key {key} is not found in map"))
        }
        "match" => apply_match(cfg("match"), input),
        "math" => apply_math(cfg("math"), input),
        "string" => apply_string(cfg("string"), input),
        "convert" => {
            let c = cfg("convert");
            convert(input, s(c, "toType").unwrap_or(""), s(c, "format").unwrap_or(""))
        }
        other => Err(format!("transform type {other} is not supported")),
    }
}

fn apply_match(m: &Value, input: &Value) -> Result<Value, String> {
    for (i, p) in m
        .get("patterns")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = |e: String| format!("cannot match pattern at index {i}: {e}");
        let ty = s(p, "type").unwrap_or("literal");
        let hit = match ty {
            "literal" => {
                let Some(lit) = s(p, "literal") else {
                    return Err(at("literal is required by type literal".into()));
                };
                let Value::String(i) = input else {
                    return Err(at(format!("unsupported input type '{}'", go_type(input))));
                };
                i == lit
            }
            "regexp" => {
                let Some(pat) = s(p, "regexp") else {
                    return Err(at("regexp is required by type regexp".into()));
                };
                let re = regex(pat).map_err(|e| at(format!("cannot compile regexp: {e}")))?;
                match input {
                    Value::String(i) => re.is_match(i),
                    Value::Null => return Err(at("unsupported input type 'null'".into())),
                    other => return Err(at(format!("unsupported input type '{}'", go_type(other)))),
                }
            }
            other => return Err(at(format!("unsupported pattern type '{other}'"))),
        };
        if hit {
            return Ok(floatify(p.get("result").cloned().unwrap_or(Value::Null)));
        }
    }
    let fallback = m.get("fallbackValue").filter(|v| !v.is_null());
    if s(m, "fallbackTo") == Some("Input") {
        if fallback.is_some() {
            return Err("cannot set both a fallback value and the fallback to input flag".into());
        }
        return Ok(input.clone());
    }
    Ok(floatify(fallback.cloned().unwrap_or(Value::Null)))
}

fn apply_math(m: &Value, input: &Value) -> Result<Value, String> {
    let ty = s(m, "type").unwrap_or("");
    let (field, what) = match ty {
        "" => return Err("type: Required value: math transform type is required".into()),
        "Multiply" => ("multiply", "multiply"),
        "ClampMin" => ("clampMin", "clamp min"),
        "ClampMax" => ("clampMax", "clamp max"),
        other => return Err(format!("type: Invalid value: {other:?}: unknown math transform type")),
    };
    let arg = m.get(field).and_then(Value::as_i64).ok_or_else(|| {
        format!("{field}: Required value: must specify a value if a {what} math transform is specified")
    })?;
    let Value::Number(n) = input else {
        return Err(format!(
            "input is required to be a number for math transformer, got {}",
            go_type(input)
        ));
    };
    if ty == "Multiply" {
        return Ok(match n.as_i64() {
            Some(a) => Value::from(a.wrapping_mul(arg)),
            None => Value::from(n.as_f64().unwrap_or(0.0) * arg as f64),
        });
    }
    // Go compares the input truncated to int64 and returns the input or the bound.
    let a = n.as_i64().unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64);
    let take_arg = if ty == "ClampMin" { a < arg } else { a > arg };
    Ok(if take_arg { Value::from(arg) } else { input.clone() })
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// The bytes a hash conversion reads: a string as is, anything else as JSON.
fn hash_input(input: &Value) -> Vec<u8> {
    match input {
        Value::String(s) => s.as_bytes().to_vec(),
        other => go_json(other).into_bytes(),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn apply_string(t: &Value, input: &Value) -> Result<Value, String> {
    let ty = s(t, "type").unwrap_or("");
    let text = gofmt::go_v(input);
    let unset = |k: &str| format!("string transform of type {ty} {k} is not set");
    let cfg = |k: &str| t.get(k).filter(|v| !v.is_null()).ok_or_else(|| unset(k));
    let out = match ty {
        "Format" => gofmt::sprintf(cfg("fmt")?.as_str().unwrap_or(""), std::slice::from_ref(input)),
        "Convert" => match cfg("convert")?.as_str().unwrap_or("") {
            "ToUpper" => text.to_uppercase(),
            "ToLower" => text.to_lowercase(),
            "ToBase64" => base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
            "FromBase64" => {
                let b = base64::engine::general_purpose::STANDARD
                    .decode(text.as_bytes())
                    .map_err(|e| {
                        let at = match e {
                            base64::DecodeError::InvalidByte(o, _) | base64::DecodeError::InvalidLastSymbol(o, _) => o,
                            base64::DecodeError::InvalidLength(n) => n / 4 * 4,
                            base64::DecodeError::InvalidPadding => text.len(),
                        };
                        format!("string is not valid base64: illegal base64 data at input byte {at}")
                    })?;
                String::from_utf8_lossy(&b).into_owned()
            }
            "ToJson" => go_json(input),
            "ToSha1" => hex(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &hash_input(input)).as_ref()),
            "ToSha256" => hex(ring::digest::digest(&ring::digest::SHA256, &hash_input(input)).as_ref()),
            "ToSha512" => hex(ring::digest::digest(&ring::digest::SHA512, &hash_input(input)).as_ref()),
            "ToAdler32" => adler32(&hash_input(input)).to_string(),
            other => return Err(format!("type {other} is not supported for string convert")),
        },
        "TrimPrefix" => {
            let trim = cfg("trim")?.as_str().unwrap_or("");
            text.strip_prefix(trim).unwrap_or(&text).to_string()
        }
        "TrimSuffix" => {
            let trim = cfg("trim")?.as_str().unwrap_or("");
            text.strip_suffix(trim).unwrap_or(&text).to_string()
        }
        "Regexp" => {
            let r = cfg("regexp")?;
            let pat = s(r, "match").unwrap_or("");
            let re = regex(pat).map_err(|e| format!("could not compile regexp: {e}"))?;
            let group = r.get("group").and_then(Value::as_u64).unwrap_or(0) as usize;
            re.captures(&text)
                .and_then(|c| c.get(group).map(|m| m.as_str().to_string()))
                .ok_or_else(|| format!("regexp {pat:?} had no matches for group {group}"))?
        }
        "Join" => {
            let sep = cfg("join")?.get("separator").and_then(Value::as_str).unwrap_or("");
            let Value::Array(a) = input else {
                return Err("could not parse input array".into());
            };
            // Go appends the separator to every element and cuts one byte off the end
            // (all of a one-byte separator, part of a longer one).
            let mut out: String = a.iter().map(|v| format!("{}{sep}", gofmt::go_v(v))).collect();
            if !sep.is_empty() {
                out.pop();
            }
            out
        }
        "Replace" => {
            let r = cfg("replace")?;
            text.replace(s(r, "search").unwrap_or(""), s(r, "replace").unwrap_or(""))
        }
        other => return Err(format!("type {other} is not supported for string transform type")),
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

/// apimachinery's `ErrFormatWrong`.
const QUANTITY_FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// Parses a Kubernetes quantity ("1Gi", "500m", "2e3") to a float.
pub fn quantity(q: &str) -> Result<f64, String> {
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(q.len());
    let (n, suf) = q.split_at(split);
    let base: f64 = n.parse().map_err(|_| QUANTITY_FORMAT.to_string())?;
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
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse::<i32>().map_err(|_| QUANTITY_FORMAT.to_string())?),
        _ => return Err(QUANTITY_FORMAT.into()),
    };
    Ok(base * mult)
}

/// The `convert` transform (`ResolveConvert`): `input` to `to` (string, int, int64,
/// float64, bool, object, array) with the optional `format` (none, quantity, json).
pub fn convert(input: &Value, to: &str, format: &str) -> Result<Value, String> {
    let format = if format.is_empty() { "none" } else { format };
    if !matches!(format, "none" | "quantity" | "json") {
        return Err(format!("format: Invalid value: {format:?}: invalid format"));
    }
    if !matches!(to, "string" | "bool" | "int" | "int64" | "float64" | "object" | "array") {
        return Err(format!("toType: Invalid value: {to:?}: invalid type"));
    }
    let from = type_name(input);
    if !matches!(from, "string" | "bool" | "int64" | "float64") {
        return Err(format!("invalid input type {}", go_type(input)));
    }
    let to = if to == "int" { "int64" } else { to };
    if from == to {
        return Ok(input.clone());
    }
    let parse = |what: &str, x: &str| format!("strconv.{what}: parsing {x:?}: invalid syntax");
    match (input, to, format) {
        (Value::String(x), "int64", "none") => x.parse::<i64>().map(Value::from).map_err(|_| parse("ParseInt", x)),
        (Value::String(x), "bool", "none") => match x.as_str() {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(Value::Bool(true)),
            "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(Value::Bool(false)),
            _ => Err(parse("ParseBool", x)),
        },
        (Value::String(x), "float64", "none") => x.parse::<f64>().map(Value::from).map_err(|_| parse("ParseFloat", x)),
        (Value::String(x), "float64", "quantity") => quantity(x).map(Value::from),
        (Value::String(x), "object" | "array", "json") => {
            let v: Value = serde_json::from_str(x).map_err(|e| format!("cannot parse {x:?} as JSON: {e}"))?;
            if type_name(&v) == to {
                Ok(v)
            } else {
                Err(format!(
                    "json: cannot unmarshal {} into Go value of type {}",
                    type_name(&v),
                    if to == "object" {
                        "map[string]interface {}"
                    } else {
                        "[]interface {}"
                    }
                ))
            }
        }
        (Value::Number(n), "string", "none") => Ok(Value::String(match n.as_i64() {
            Some(i) if !n.is_f64() => i.to_string(),
            _ => go_float(n.as_f64().unwrap_or(0.0)),
        })),
        (Value::Number(n), "bool", "none") => Ok(Value::Bool(match n.as_i64() {
            Some(i) if !n.is_f64() => i == 1,
            _ => n.as_f64() == Some(1.0),
        })),
        (Value::Number(n), "float64", "none") => Ok(Value::from(n.as_f64().unwrap_or(0.0))),
        (Value::Number(n), "int64", "none") => Ok(Value::from(n.as_f64().unwrap_or(0.0) as i64)),
        (Value::Bool(b), "string", "none") => Ok(Value::String(b.to_string())),
        (Value::Bool(b), "int64", "none") => Ok(Value::from(*b as i64)),
        (Value::Bool(b), "float64", "none") => Ok(Value::from(*b as i64 as f64)),
        _ => Err(format!(
            "conversion from {from} to {to} is not supported with format {format}"
        )),
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
        // Results are decoded as Go decodes JSON into `any`: numbers are float64.
        assert_eq!(t(m.clone(), json!("a")), Ok(json!(1.0)));
        assert_eq!(t(m.clone(), json!("bee")), Ok(json!(2.0)));
        assert_eq!(t(m, json!("c")), Ok(json!(0.0)));
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
