//! One patch of function-patch-and-transform (patches.go): read, transform, combine and
//! write with the `policy.toFieldPath` merge options.

use serde_json::Value;

pub use super::fieldpath::Miss;
use super::fieldpath::{self, MergeOptions, Segment};
use super::{gofmt, transforms, MAX_BYTES};
use crate::parse::source::Span;
use crate::parse::yaml::Node;

/// The most concrete paths one wildcard `toFieldPath` may expand to.
const MAX_EXPANDED: usize = 10_000;

/// What a step has written so far, to bound it by [`MAX_BYTES`].
#[derive(Debug, Default)]
pub struct Work {
    bytes: usize,
    over: bool,
}

impl Work {
    /// True once a patch went past the bound.
    pub fn over_budget(&self) -> bool {
        self.over
    }
    /// Counts `v`; an error once the step has written more than [`MAX_BYTES`].
    pub fn charge(&mut self, v: &Value) -> Result<(), Miss> {
        self.bytes = self
            .bytes
            .saturating_add(size(v, MAX_BYTES.saturating_sub(self.bytes) + 1));
        if self.bytes > MAX_BYTES {
            self.over = true;
            return Err(Miss::Error(format!(
                "cannot run in process: the patches write more than {} MiB (portalint's limit)",
                MAX_BYTES >> 20
            )));
        }
        Ok(())
    }
}

/// The size of `v` in bytes (about its JSON length), counted up to `cap`.
fn size(v: &Value, cap: usize) -> usize {
    match v {
        Value::String(s) => s.len() + 2,
        Value::Array(a) => {
            let mut n = 2;
            for x in a {
                n += size(x, cap) + 1;
                if n > cap {
                    break;
                }
            }
            n
        }
        Value::Object(m) => {
            let mut n = 2;
            for (k, x) in m {
                n += k.len() + 4 + size(x, cap);
                if n > cap {
                    break;
                }
            }
            n
        }
        _ => 8,
    }
}

/// A patch of the input (composed, environment or PatchSet patch).
#[derive(Debug, Clone)]
pub struct Patch {
    /// The patch as written.
    pub json: Value,
    /// Where it is.
    pub span: Span,
    /// Its type (default `FromCompositeFieldPath`).
    pub ty: String,
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

impl Patch {
    /// The patch at `node`.
    pub fn of(node: &Node, span: Span) -> Patch {
        let json = node.to_json();
        let ty = match s(&json, "type") {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => "FromCompositeFieldPath".to_string(),
        };
        Patch { json, span, ty }
    }

    fn source_path(&self) -> &str {
        s(&self.json, "fromFieldPath").unwrap_or("")
    }

    fn to_path(&self) -> &str {
        match self.json.get("toFieldPath") {
            Some(Value::String(t)) => t,
            _ => self.source_path(),
        }
    }

    /// `policy.fromFieldPath` (default `Optional`).
    pub fn source_policy(&self) -> &str {
        self.json
            .get("policy")
            .and_then(|p| s(p, "fromFieldPath"))
            .unwrap_or("Optional")
    }

    fn to_policy(&self) -> &str {
        self.json
            .get("policy")
            .and_then(|p| s(p, "toFieldPath"))
            .unwrap_or("Replace")
    }

    /// True when the patch writes to the desired composed resource (`ToComposedResource`).
    pub fn to_composed(&self) -> bool {
        matches!(
            self.ty.as_str(),
            "FromCompositeFieldPath" | "CombineFromComposite" | "FromEnvironmentFieldPath" | "CombineFromEnvironment"
        )
    }

    /// validate.go's `ValidatePatch`: the error as `field: Required value: ...`.
    pub fn validate(&self, allow_patch_set: bool) -> Result<(), String> {
        match self.ty.as_str() {
            "FromCompositeFieldPath"
            | "ToCompositeFieldPath"
            | "FromEnvironmentFieldPath"
            | "ToEnvironmentFieldPath" => {
                if self.source_path().is_empty() {
                    return Err(format!(
                        "fromFieldPath: Required value: fromFieldPath must be set for patch type {}",
                        self.ty
                    ));
                }
            }
            "PatchSet" => {
                if !allow_patch_set {
                    return Err(format!(
                        "type: Invalid value: \"PatchSet\": patch type PatchSetPatch does not support patch of type {}",
                        self.ty
                    ));
                }
                if s(&self.json, "patchSetName").unwrap_or("").is_empty() {
                    return Err(
                        "patchSetName: Required value: patchSetName must be set for patch type PatchSet".into(),
                    );
                }
            }
            "CombineFromComposite" | "CombineToComposite" | "CombineFromEnvironment" | "CombineToEnvironment" => {
                let Some(c) = self.json.get("combine").filter(|c| !c.is_null()) else {
                    return Err(format!(
                        "combine: Required value: combine must be set for patch type {}",
                        self.ty
                    ));
                };
                if self.to_path().is_empty() {
                    return Err(format!(
                        "toFieldPath: Required value: toFieldPath must be set for patch type {}",
                        self.ty
                    ));
                }
                return validate_combine(c).map_err(|e| format!("combine.{e}"));
            }
            other => return Err(format!("type: Invalid value: {other:?}: unknown patch type")),
        }
        let ts = self.json.get("transforms").and_then(Value::as_array);
        for (i, t) in ts.into_iter().flatten().enumerate() {
            transforms::validate(t).map_err(|e| format!("transforms[{i}].{e}"))?;
        }
        if self.json.get("policy").is_some_and(|p| !p.is_null()) {
            if to_merge_option(self.to_policy()).is_err() {
                return Err(format!(
                    "policy.toFieldPathPolicy: Invalid value: {:?}: unknown toFieldPathPolicy",
                    self.to_policy()
                ));
            }
            if !matches!(self.source_policy(), "Optional" | "Required") {
                return Err(format!(
                    "policy.fromFieldPathPolicy: Invalid value: {:?}: unknown fromFieldPathPolicy",
                    self.source_policy()
                ));
            }
        }
        Ok(())
    }

    /// Applies the patch from `from` to `to`.
    pub fn apply(&self, from: &Value, to: &mut Value, work: &mut Work) -> Result<(), Miss> {
        if self.ty.starts_with("Combine") {
            self.combine(from, to, work)
        } else {
            self.copy_field(from, to, work)
        }
    }

    fn transforms(&self, mut v: Value, work: &mut Work) -> Result<Value, Miss> {
        let ts = self.json.get("transforms").and_then(Value::as_array);
        for (i, t) in ts.into_iter().flatten().enumerate() {
            v = transforms::resolve(t, &v)
                .map_err(|e| Miss::Error(format!("transform at index {i} returned error: {e}")))?;
            work.charge(&v)?;
        }
        Ok(v)
    }

    fn copy_field(&self, from: &Value, to: &mut Value, work: &mut Work) -> Result<(), Miss> {
        let v = fieldpath::get_value(from, self.source_path())?.clone();
        work.charge(&v)?;
        // The value goes through the Kubernetes JSON decoder: integral floats are int64.
        let out = super::normalize(self.transforms(v, work)?);
        let mo = to_merge_option(self.to_policy()).map_err(Miss::Error)?;
        let path = self.to_path();
        if path.contains("[*]") {
            let segs = fieldpath::parse_bounded(path).map_err(Miss::Error)?;
            let paths = fieldpath::expand_wildcards(to, &segs, MAX_EXPANDED)?;
            if paths.is_empty() {
                return Err(Miss::Error(format!("cannot expand ToFieldPath {path}")));
            }
            for p in paths {
                work.charge(&out)?;
                fieldpath::merge_value(to, &p, out.clone(), mo).map_err(Miss::Error)?;
            }
            return Ok(());
        }
        write(to, path, out, mo)
    }

    fn combine(&self, from: &Value, to: &mut Value, work: &mut Work) -> Result<(), Miss> {
        let c = self.json.get("combine").unwrap_or(&Value::Null);
        let mut vars = Vec::new();
        for v in c.get("variables").and_then(Value::as_array).into_iter().flatten() {
            vars.push(fieldpath::get_value(from, s(v, "fromFieldPath").unwrap_or(""))?.clone());
        }
        let strategy = s(c, "strategy").unwrap_or("");
        let combined = match strategy {
            "string" => match c.get("string").filter(|v| !v.is_null()) {
                Some(sc) => Value::String(gofmt::sprintf(s(sc, "fmt").unwrap_or(""), &vars)),
                None => {
                    return Err(Miss::Error(format!(
                        "given combine strategy {strategy} requires configuration"
                    )))
                }
            },
            other => return Err(Miss::Error(format!("combine strategy {other} is not supported"))),
        };
        work.charge(&combined)?;
        let out = super::normalize(self.transforms(combined, work)?);
        let mo = to_merge_option(self.to_policy()).map_err(Miss::Error)?;
        write(to, self.to_path(), out, mo)
    }
}

fn write(to: &mut Value, path: &str, v: Value, mo: Option<MergeOptions>) -> Result<(), Miss> {
    let segs: Vec<Segment> =
        fieldpath::parse_bounded(path).map_err(|e| Miss::Error(format!("cannot patch to object: {e}")))?;
    fieldpath::merge_value(to, &segs, v, mo).map_err(|e| Miss::Error(format!("cannot patch to object: {e}")))
}

/// `toMergeOption` of patches.go.
fn to_merge_option(policy: &str) -> Result<Option<MergeOptions>, String> {
    Ok(match policy {
        "Replace" => None,
        "MergeObjects" | "MergeObject" => Some(MergeOptions {
            keep_map_values: true,
            append_slice: false,
        }),
        "MergeObjectsAppendArrays" => Some(MergeOptions {
            keep_map_values: true,
            append_slice: true,
        }),
        "ForceMergeObjects" => Some(MergeOptions::default()),
        "ForceMergeObjectsAppendArrays" | "AppendArray" => Some(MergeOptions {
            keep_map_values: false,
            append_slice: true,
        }),
        other => return Err(format!("invalid patch policy {other}")),
    })
}

/// validate.go's `ValidateCombine`.
fn validate_combine(c: &Value) -> Result<(), String> {
    match s(c, "strategy").unwrap_or("") {
        "string" => {
            if c.get("string").is_none_or(Value::is_null) {
                return Err("string: Required value: string must be set for combine strategy string".into());
            }
        }
        "" => return Err("strategy: Required value: a combine strategy must be provided".into()),
        other => return Err(format!("strategy: Invalid value: {other:?}: unknown strategy type")),
    }
    let vars = c
        .get("variables")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if vars.is_empty() {
        return Err("variables: Required value: at least one variable must be provided".into());
    }
    for (i, v) in vars.iter().enumerate() {
        if s(v, "fromFieldPath").unwrap_or("").is_empty() {
            return Err(format!(
                "variables[{i}].fromFieldPath: Required value: fromFieldPath must be set for each combine variable"
            ));
        }
    }
    Ok(())
}
