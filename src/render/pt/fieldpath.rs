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
                    return Err(format!("field path {path:?}: unexpected '.' at position {i}"));
                }
                expect_field = true;
                i += 1;
            }
            b'[' => {
                if !cur.is_empty() {
                    out.push(Segment::Field(std::mem::take(&mut cur)));
                }
                let Some(end) = path[i + 1..].find(']') else {
                    return Err(format!("field path {path:?}: unterminated '['"));
                };
                let inner = &path[i + 1..i + 1 + end];
                if inner.is_empty() {
                    return Err(format!("field path {path:?}: empty '[]'"));
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
        return Err(format!("field path {path:?}: ends with '.'"));
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
