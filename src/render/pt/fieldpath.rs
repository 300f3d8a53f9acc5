//! Crossplane field paths (`spec.forProvider.tags[0]`, `metadata.labels[app.kubernetes.io/name]`)
//! read from and written into JSON values, as crossplane-runtime's `fieldpath` package does.

use serde_json::{Map, Value};

/// One segment of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object field.
    Field(String),
    /// An array index.
    Index(usize),
}

/// Parses a field path; an error names what is wrong.
pub fn parse(path: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let b = path.as_bytes();
    let mut i = 0;
    let mut cur = String::new();
    let mut expect_field = true;
    while i < b.len() {
        match b[i] {
            b'.' => {
                if !cur.is_empty() {
                    out.push(Segment::Field(std::mem::take(&mut cur)));
                } else if expect_field {
                    return Err(format!("unexpected '.' at position {i}"));
                }
                expect_field = true;
                i += 1;
            }
            b'[' => {
                if !cur.is_empty() {
                    out.push(Segment::Field(std::mem::take(&mut cur)));
                }
                let Some(end) = path[i + 1..].find(']') else {
                    return Err(format!("unterminated '[' at position {i}"));
                };
                let inner = &path[i + 1..i + 1 + end];
                if inner.is_empty() {
                    return Err(format!("unexpected ']' at position {}", i + 1));
                }
                match inner.parse::<usize>() {
                    Ok(n) => out.push(Segment::Index(n)),
                    Err(_) => out.push(Segment::Field(
                        inner.trim_matches(|c| c == '\'' || c == '"').to_string(),
                    )),
                }
                i += end + 2;
                expect_field = false;
            }
            _ => {
                let start = i;
                while i < b.len() && b[i] != b'.' && b[i] != b'[' {
                    i += 1;
                }
                cur.push_str(&path[start..i]);
            }
        }
    }
    if !cur.is_empty() {
        out.push(Segment::Field(cur));
    } else if expect_field && !out.is_empty() {
        return Err(format!("unexpected '.' at position {}", path.len() - 1));
    }
    if out.is_empty() {
        return Err("empty field path".to_string());
    }
    Ok(out)
}

/// The value at `path` in `v`, `Ok(None)` when some segment is absent.
pub fn get<'a>(v: &'a Value, path: &str) -> Result<Option<&'a Value>, String> {
    let segs = parse(path)?;
    let mut cur = v;
    for s in &segs {
        let next = match (s, cur) {
            (Segment::Field(f), Value::Object(m)) => m.get(f),
            (Segment::Index(n), Value::Array(a)) => a.get(*n),
            (_, Value::Null) => None,
            (Segment::Field(f), _) => return Err(format!("{path}: cannot read field {f:?} of a non-object")),
            (Segment::Index(n), _) => return Err(format!("{path}: cannot read index {n} of a non-array")),
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// Sets `path` in `v` to `value`, creating objects and arrays on the way.
pub fn set(v: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let segs = parse(path)?;
    let mut cur = v;
    for s in &segs {
        cur = match s {
            Segment::Field(f) => {
                if cur.is_null() {
                    *cur = Value::Object(Map::new());
                }
                match cur {
                    Value::Object(m) => m.entry(f.clone()).or_insert(Value::Null),
                    _ => return Err(format!("{path}: cannot set field {f:?} of a non-object")),
                }
            }
            Segment::Index(n) => {
                if cur.is_null() {
                    *cur = Value::Array(Vec::new());
                }
                match cur {
                    Value::Array(a) => {
                        if a.len() <= *n {
                            a.resize(*n + 1, Value::Null);
                        }
                        &mut a[*n]
                    }
                    _ => return Err(format!("{path}: cannot set index {n} of a non-array")),
                }
            }
        };
    }
    *cur = value;
    Ok(())
}

/// The most segments a field path may have, and the highest array index portalint sets
/// (crossplane-runtime has no limit; these keep a hostile path from building a structure
/// deeper than the YAML reader allows, or an array of billions of nulls).
pub const MAX_SEGMENTS: usize = 256;
/// See [`MAX_SEGMENTS`].
pub const MAX_INDEX: usize = 100_000;

/// Why a read failed: crossplane-runtime tells "not found" (an optional patch is skipped)
/// from every other error (the patch fails).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// The path is absent (`spec.x: no such field`).
    NotFound(String),
    /// The path cannot be read (`spec.x: not an array`, a bad path).
    Error(String),
}

impl Miss {
    /// The message, as crossplane-runtime words it.
    pub fn message(&self) -> &str {
        match self {
            Miss::NotFound(m) | Miss::Error(m) => m,
        }
    }
    /// True for [`Miss::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Miss::NotFound(_))
    }
}

/// A path as crossplane-runtime prints it (`Segments.String()`): `a.b[0][x.y]`.
pub fn display(segs: &[Segment]) -> String {
    let mut out = String::new();
    for s in segs {
        match s {
            Segment::Field(f) if f == "*" || f.contains('.') => {
                out.push('[');
                out.push_str(f);
                out.push(']');
            }
            Segment::Field(f) => {
                out.push('.');
                out.push_str(f);
            }
            Segment::Index(n) => out.push_str(&format!("[{n}]")),
        }
    }
    out.strip_prefix('.').map(str::to_string).unwrap_or(out)
}

/// Parses a path for reading or writing, within [`MAX_SEGMENTS`].
pub fn parse_bounded(path: &str) -> Result<Vec<Segment>, String> {
    let segs = parse(path).map_err(|e| format!("cannot parse path {path:?}: {e}"))?;
    if segs.len() > MAX_SEGMENTS {
        return Err(format!(
            "cannot parse path {:?}: more than {MAX_SEGMENTS} segments (portalint's limit)",
            path.chars().take(40).collect::<String>()
        ));
    }
    Ok(segs)
}

/// Reads `segs` from `v` as crossplane-runtime's `Paved.GetValue` does.
pub fn lookup<'a>(v: &'a Value, segs: &[Segment]) -> Result<&'a Value, Miss> {
    let mut cur = v;
    for (i, s) in segs.iter().enumerate() {
        cur = match (s, cur) {
            (Segment::Index(n), Value::Array(a)) => a
                .get(*n)
                .ok_or_else(|| Miss::NotFound(format!("{}: no such element", display(&segs[..=i]))))?,
            (Segment::Index(_), _) => return Err(Miss::Error(format!("{}: not an array", display(&segs[..i])))),
            (Segment::Field(f), Value::Object(m)) => m
                .get(f)
                .ok_or_else(|| Miss::NotFound(format!("{}: no such field", display(&segs[..=i]))))?,
            (Segment::Field(_), Value::Null) => {
                return Err(Miss::NotFound(format!(
                    "{}: expected map, got nil",
                    display(&segs[..i])
                )))
            }
            (Segment::Field(_), _) => return Err(Miss::Error(format!("{}: not an object", display(&segs[..i])))),
        };
    }
    Ok(cur)
}

/// Reads the string `path` names.
pub fn get_value<'a>(v: &'a Value, path: &str) -> Result<&'a Value, Miss> {
    let segs = parse_bounded(path).map_err(Miss::Error)?;
    lookup(v, &segs)
}

/// Expands `[*]` segments against `v` (`Paved.ExpandWildcards`): every concrete path, none
/// when a part before a wildcard is absent.
pub fn expand_wildcards(v: &Value, segs: &[Segment], limit: usize) -> Result<Vec<Vec<Segment>>, Miss> {
    let mut out = Vec::new();
    expand(v, segs.to_vec(), &mut out, limit)?;
    Ok(out)
}

fn expand(root: &Value, segs: Vec<Segment>, out: &mut Vec<Vec<Segment>>, limit: usize) -> Result<(), Miss> {
    for i in 0..segs.len() {
        if segs[i] == Segment::Field("*".into()) {
            let here = if i == 0 { Ok(root) } else { lookup(root, &segs[..i]) };
            let keys: Vec<Segment> = match here {
                Ok(Value::Array(a)) => (0..a.len()).map(Segment::Index).collect(),
                Ok(Value::Object(m)) => m.keys().map(|k| Segment::Field(k.clone())).collect(),
                Ok(Value::Null) | Err(Miss::NotFound(_)) => {
                    return Err(Miss::NotFound(format!(
                        "wildcard field {:?} is not found in the path",
                        display(&segs[..i])
                    )))
                }
                Ok(_) => {
                    return Err(Miss::Error(format!(
                        "{:?}: unexpected wildcard usage",
                        display(&segs[..i])
                    )))
                }
                Err(e) => return Err(e),
            };
            for k in keys {
                let mut e = segs.clone();
                e[i] = k;
                expand(root, e, out, limit)?;
            }
            return Ok(());
        }
        match lookup(root, &segs[..=i]) {
            Err(Miss::NotFound(_)) => return Ok(()),
            Err(e) => return Err(e),
            Ok(_) => {}
        }
    }
    if out.len() >= limit {
        return Err(Miss::Error(format!(
            "more than {limit} paths after expanding wildcards (portalint's limit)"
        )));
    }
    out.push(segs);
    Ok(())
}

/// Writes `value` at `segs` (`Paved.SetValue`): objects and arrays are made on the way; a
/// field of a non-object or an index of a non-array is an error.
pub fn set_segments(v: &mut Value, segs: &[Segment], value: Value) -> Result<(), String> {
    if segs.is_empty() {
        return Err("cannot set an empty field path".into());
    }
    let mut cur = v;
    for (i, s) in segs.iter().enumerate() {
        cur = match s {
            Segment::Field(f) => {
                if cur.is_null() {
                    *cur = Value::Object(Map::new());
                }
                match cur {
                    Value::Object(m) => m.entry(f.clone()).or_insert(Value::Null),
                    _ => return Err(format!("{} is not an object", display(&segs[..i]))),
                }
            }
            Segment::Index(n) => {
                if *n > MAX_INDEX {
                    return Err(format!(
                        "index {n} is greater than max allowed index {MAX_INDEX} (portalint's limit)"
                    ));
                }
                if cur.is_null() {
                    *cur = Value::Array(Vec::new());
                }
                match cur {
                    Value::Array(a) => {
                        if a.len() <= *n {
                            a.resize(*n + 1, Value::Null);
                        }
                        &mut a[*n]
                    }
                    _ => return Err(format!("{} is not an array", display(&segs[..i]))),
                }
            }
        };
    }
    *cur = value;
    Ok(())
}

/// How a patch writes (`fieldpath.MergeOptions` from `policy.toFieldPath`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MergeOptions {
    /// Keep values already in the target object (`MergeObjects`).
    pub keep_map_values: bool,
    /// Append to arrays instead of replacing them (`...AppendArrays`).
    pub append_slice: bool,
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
    }
}

/// Merges `src` into `dst` as mergo does for crossplane-runtime's `MergeValue`: objects
/// recursively, arrays appended when `append_slice`, scalars replaced unless
/// `keep_map_values` keeps a non-empty target.
pub fn merge(dst: Value, src: Value, mo: MergeOptions) -> Value {
    match (dst, src) {
        (Value::Object(mut d), Value::Object(s)) => {
            for (k, v) in s {
                let merged = match d.shift_remove(&k) {
                    Some(old) => merge(old, v, mo),
                    None => v,
                };
                d.insert(k, merged);
            }
            Value::Object(d)
        }
        (Value::Array(mut d), Value::Array(s)) if mo.append_slice => {
            d.extend(s);
            Value::Array(d)
        }
        (d, s) => {
            if (mo.keep_map_values && !is_empty(&d)) || is_empty(&s) {
                d
            } else {
                s
            }
        }
    }
}

/// `Paved.MergeValue`: replaces the value at `segs` (no options), or merges into it.
pub fn merge_value(v: &mut Value, segs: &[Segment], value: Value, mo: Option<MergeOptions>) -> Result<(), String> {
    let value = match mo {
        None => value,
        Some(mo) => match lookup(v, segs) {
            Err(Miss::NotFound(_)) => value,
            Err(Miss::Error(e)) => return Err(e),
            Ok(Value::Null) => value,
            Ok(dst) if value.is_null() => {
                let _ = dst;
                value
            }
            Ok(dst) => {
                let mut src = value;
                if mo.append_slice {
                    if let (Value::Array(d), Value::Array(s)) = (dst, &mut src) {
                        s.retain(|x| !d.contains(x));
                    }
                }
                merge(dst.clone(), src, mo)
            }
        },
    };
    set_segments(v, segs, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_brackets_and_dots() {
        assert_eq!(
            parse("metadata.labels[app.kubernetes.io/name]").unwrap(),
            vec![
                Segment::Field("metadata".into()),
                Segment::Field("labels".into()),
                Segment::Field("app.kubernetes.io/name".into())
            ]
        );
        assert_eq!(
            parse("spec.tags[1].key").unwrap(),
            vec![
                Segment::Field("spec".into()),
                Segment::Field("tags".into()),
                Segment::Index(1),
                Segment::Field("key".into())
            ]
        );
        assert!(parse("a..b").is_err());
        assert!(parse("a[1").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn gets_and_sets() {
        let mut v = json!({"spec": {"a": [1, {"b": "x"}]}});
        assert_eq!(get(&v, "spec.a[1].b").unwrap(), Some(&json!("x")));
        assert_eq!(get(&v, "spec.missing.b").unwrap(), None);
        set(&mut v, "spec.c[2].d", json!(true)).unwrap();
        assert_eq!(v["spec"]["c"], json!([null, null, {"d": true}]));
        set(&mut v, "metadata.labels[x.io/y]", json!("z")).unwrap();
        assert_eq!(v["metadata"]["labels"]["x.io/y"], json!("z"));
    }
}
