//! Readiness checks (ready.go), connection details and the v2 connection Secret
//! (connection.go) of function-patch-and-transform, against observed resources.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::fieldpath::{self, Miss};
use super::patch::{Patch, Work};
use crate::parse::source::Span;

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn present(v: &Value, k: &str) -> bool {
    v.get(k).is_some_and(|x| !x.is_null())
}

/// validate.go's `ValidateReadinessCheck`, the error as `field: Required value: ...`.
pub fn validate_check(c: &Value) -> Result<(), String> {
    let ty = s(c, "type").unwrap_or("");
    let need = |k: &str, what: &str| {
        if present(c, k) {
            Ok(())
        } else {
            Err(format!("{k}: Required value: cannot be nil for type {what}"))
        }
    };
    match ty {
        "None" => return Ok(()),
        "MatchString" => need("matchString", "MatchString")?,
        "MatchInteger" => need("matchInteger", "MatchInteger")?,
        "MatchCondition" => {
            if let Some(m) = c.get("matchCondition").filter(|m| !m.is_null()) {
                for k in ["type", "status"] {
                    if s(m, k).unwrap_or("").is_empty() {
                        return Err(format!(
                            "matchCondition.{k}: Required value: cannot be empty for type MatchCondition"
                        ));
                    }
                }
            }
            return Ok(());
        }
        "NonEmpty" | "MatchFalse" | "MatchTrue" => {}
        other => return Err(format!("type: Invalid value: {other:?}: unknown readiness check type")),
    }
    if !present(c, "fieldPath") {
        return Err("fieldPath: Required value: cannot be empty".into());
    }
    Ok(())
}

/// The status of the condition `ty` of `o` (`Unknown` when absent, as `GetCondition`).
fn condition<'a>(o: &'a Value, ty: &str) -> &'a str {
    o.pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| s(c, "type") == Some(ty))
        .and_then(|c| s(c, "status"))
        .unwrap_or("Unknown")
}

/// `IsReady`: whether the observed resource `o` passes every check (its `Ready` condition
/// when there is none). An error names the check's index and its span.
pub fn is_ready(o: &Value, checks: &[(Value, Span)]) -> Result<bool, (String, Option<Span>)> {
    if checks.is_empty() {
        return Ok(condition(o, "Ready") == "True");
    }
    for (i, (c, at)) in checks.iter().enumerate() {
        match run_check(c, o) {
            Ok(true) => {}
            Ok(false) => return Ok(false),
            Err(e) => return Err((format!("cannot run readiness check at index {i}: {e}"), Some(*at))),
        }
    }
    Ok(true)
}

fn run_check(c: &Value, o: &Value) -> Result<bool, String> {
    validate_check(c).map_err(|e| format!("invalid: {e}"))?;
    let path = s(c, "fieldPath").unwrap_or("");
    // A missing field is "not ready", any other read error an error.
    let get = || match fieldpath::get_value(o, path) {
        Ok(v) => Ok(Some(v)),
        Err(Miss::NotFound(_)) => Ok(None),
        Err(Miss::Error(e)) => Err(e),
    };
    Ok(match s(c, "type").unwrap_or("") {
        "None" => true,
        "NonEmpty" => get()?.is_some(),
        "MatchString" => match get()? {
            None => false,
            Some(Value::String(v)) => Some(v.as_str()) == s(c, "matchString"),
            Some(_) => return Err(format!("{path}: not a string")),
        },
        "MatchInteger" => match get()? {
            None => false,
            Some(Value::Number(n)) if n.is_i64() => n.as_i64() == c.get("matchInteger").and_then(Value::as_i64),
            Some(_) => return Err(format!("{path}: not a (int64) number")),
        },
        "MatchCondition" => {
            let m = c.get("matchCondition").unwrap_or(&Value::Null);
            condition(o, s(m, "type").unwrap_or("")) == s(m, "status").unwrap_or("")
        }
        t @ ("MatchTrue" | "MatchFalse") => match get()? {
            None => false,
            Some(Value::Bool(b)) => *b == (t == "MatchTrue"),
            Some(_) => return Err(format!("{path}: not a bool")),
        },
        _ => false,
    })
}

/// validate.go's `ValidateConnectionDetail`.
pub fn validate_connection_detail(c: &Value) -> Result<(), String> {
    let ty = s(c, "type").unwrap_or("");
    if ty.is_empty() {
        return Err("type: Required value: connection detail type is required".into());
    }
    let (key, what) = match ty {
        "FromValue" => ("value", "value connection detail requires a value"),
        "FromConnectionSecretKey" => (
            "fromConnectionSecretKey",
            "from connection secret key connection detail requires a key",
        ),
        "FromFieldPath" => (
            "fromFieldPath",
            "from field path connection detail requires a field path",
        ),
        other => {
            return Err(format!(
                "type: Invalid value: {other:?}: unknown connection detail type"
            ))
        }
    };
    if s(c, "name").unwrap_or("").is_empty() {
        return Err("name: Required value: name is required".into());
    }
    if !present(c, key) {
        return Err(format!("{key}: Required value: {what}"));
    }
    Ok(())
}

/// `ExtractConnectionDetails`: the XR connection details the template's `connectionDetails`
/// take from the observed resource `o` and its connection secret `data`.
pub fn extract_connection(
    o: &Value,
    data: &BTreeMap<String, Vec<u8>>,
    cfgs: &[(Value, Span)],
) -> Result<BTreeMap<String, Vec<u8>>, (String, Span)> {
    let mut out = BTreeMap::new();
    for (c, at) in cfgs {
        validate_connection_detail(c).map_err(|e| (format!("invalid: {e}"), *at))?;
        let name = s(c, "name").unwrap_or("").to_string();
        match s(c, "type").unwrap_or("") {
            "FromValue" => {
                let v = match c.get("value") {
                    Some(Value::String(v)) => v.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                out.insert(name, v.into_bytes());
            }
            "FromConnectionSecretKey" => {
                if let Some(v) = s(c, "fromConnectionSecretKey").and_then(|k| data.get(k)) {
                    out.insert(name, v.clone());
                }
            }
            "FromFieldPath" => {
                // A path that does not resolve (yet) is skipped, as the function does.
                if let Ok(v) = fieldpath::get_value(o, s(c, "fromFieldPath").unwrap_or("")) {
                    let b = match v {
                        Value::String(x) => x.clone().into_bytes(),
                        other => serde_json::to_vec(other).unwrap_or_default(),
                    };
                    out.insert(name, b);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `composeConnectionSecret`: the Secret holding a v2 XR's connection details, named by
/// the XR's `spec.writeConnectionSecretToRef`, the input's `writeConnectionSecretToRef`
/// (patched from the XR), or `<xr>-connection`.
pub fn connection_secret(
    xr: &Value,
    details: &BTreeMap<String, Vec<u8>>,
    input_ref: Option<&Value>,
    work: &mut Work,
) -> Result<Value, String> {
    let text = |v: Option<&Value>, k: &str| v.and_then(|r| s(r, k)).unwrap_or("").to_string();
    let (mut name, mut namespace) = match xr.pointer("/spec/writeConnectionSecretToRef") {
        Some(r) if r.is_object() => (text(Some(r), "name"), text(Some(r), "namespace")),
        _ if !text(input_ref, "name").is_empty() || !text(input_ref, "namespace").is_empty() => {
            (text(input_ref, "name"), text(input_ref, "namespace"))
        }
        _ => (
            format!("{}-connection", text(xr.get("metadata"), "name")),
            text(xr.get("metadata"), "namespace"),
        ),
    };
    let patches = input_ref.and_then(|r| r.get("patches")).and_then(Value::as_array);
    if let Some(patches) = patches {
        let mut obj = json!({"apiVersion": "v1", "kind": "SecretReference", "name": name, "namespace": namespace});
        for (i, p) in patches.iter().enumerate() {
            let ty = s(p, "type")
                .filter(|t| !t.is_empty())
                .unwrap_or("FromCompositeFieldPath");
            let patch = Patch {
                json: p.clone(),
                span: Span::new(crate::parse::source::FileId(0), 0, 0),
                ty: ty.to_string(),
            };
            let applied = match ty {
                "FromCompositeFieldPath" | "CombineFromComposite" => patch.apply(xr, &mut obj, work),
                _ => {
                    return Err(format!(
                        "cannot generate connection secret reference: cannot apply connection secret patches: unsupported patch type {ty} at index {i}"
                    ))
                }
            };
            if let Err(e) = applied {
                if ty == "FromCompositeFieldPath" && patch.source_policy() == "Optional" {
                    continue;
                }
                return Err(format!(
                    "cannot generate connection secret reference: cannot apply connection secret patches: cannot apply patch type {ty} at index {i}: {}",
                    e.message()
                ));
            }
        }
        if let Some(n) = s(&obj, "name") {
            name = n.to_string();
        }
        if let Some(n) = s(&obj, "namespace") {
            namespace = n.to_string();
        }
    }
    let mut meta = serde_json::Map::new();
    if !name.is_empty() {
        meta.insert("name".into(), json!(name));
    }
    if !namespace.is_empty() {
        meta.insert("namespace".into(), json!(namespace));
    }
    let data: serde_json::Map<String, Value> = details
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(super::b64(v))))
        .collect();
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": meta,
        "data": data,
        "type": "connection.crossplane.io/v1alpha1",
    }))
}
