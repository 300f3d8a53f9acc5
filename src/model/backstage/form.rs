//! Template parameters as JSON Schema forms: the properties a form declares (through its
//! conditional branches) and what is wrong in a form page's schema.

use crate::parse::yaml::Node;

use super::expression::has_expression;
use crate::parse::text::code;

/// The properties a JSON Schema object form declares, through its conditional branches.
pub fn collect_properties<'a>(schema: &'a Node, out: &mut Vec<(&'a str, &'a Node)>, depth: usize) {
    if depth > 16 {
        return;
    }
    for e in schema.get("properties").and_then(Node::as_map).unwrap_or(&[]) {
        out.push((e.key.as_str(), &e.value));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for branch in schema.get(key).and_then(Node::as_seq).unwrap_or(&[]) {
            collect_properties(branch, out, depth + 1);
        }
    }
    for key in ["then", "else"] {
        if let Some(branch) = schema.get(key) {
            collect_properties(branch, out, depth + 1);
        }
    }
    for dep in schema.get("dependencies").and_then(Node::as_map).unwrap_or(&[]) {
        collect_properties(&dep.value, out, depth + 1);
    }
}

/// JSON Schema types.
const JSON_TYPES: &[&str] = &["string", "number", "integer", "boolean", "object", "array", "null"];

/// What is wrong in a form page's JSON Schema (the subset react-jsonschema-form and the
/// scaffolder read), node by node: `type` names, `properties` of objects, `required` lists of
/// strings, non-empty `enum`s with matching `enumNames`, compiling `pattern`s, non-negative
/// integer bounds, `items` schemas, `default`s of the declared type, and the same below
/// `properties`, `items`, `dependencies` and the `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else`
/// branches.
pub fn form_schema_problems<'a>(schema: &'a Node, out: &mut Vec<(&'a Node, String)>, depth: usize) {
    if depth > 32 {
        return;
    }
    let Some(map) = schema.as_map() else {
        if schema.as_bool().is_none() {
            out.push((
                schema,
                format!("a schema must be an object, not {}", schema.type_name()),
            ));
        }
        return;
    };
    let mut types: Vec<&str> = Vec::new();
    if let Some(t) = schema.get("type") {
        let names: Vec<&Node> = t.as_seq().map_or_else(|| vec![t], |s| s.iter().collect());
        for n in names {
            match n.as_str() {
                Some(name) if JSON_TYPES.contains(&name) => types.push(name),
                Some(name) => {
                    let hint = crate::parse::text::suggest(name, JSON_TYPES.iter().copied())
                        .map(|s| format!("; did you mean {code0}?", code0 = code(&s)))
                        .unwrap_or_default();
                    out.push((
                        n,
                        format!("{code0} is not a JSON Schema type{hint}", code0 = code(&name)),
                    ));
                }
                None => out.push((n, "`type` must be a string or a list of strings".into())),
            }
        }
    }
    for e in map {
        let v = &e.value;
        match e.key.as_str() {
            "properties" | "definitions" | "$defs" | "patternProperties" => match v.as_map() {
                Some(props) => props
                    .iter()
                    .for_each(|p| form_schema_problems(&p.value, out, depth + 1)),
                None => out.push((v, format!("{code0} must map names to schemas", code0 = code(&e.key)))),
            },
            "required" => match v.as_seq() {
                Some(items) => items
                    .iter()
                    .filter(|i| i.as_str().is_none())
                    .for_each(|i| out.push((i, "`required` lists property names (strings)".into()))),
                // `required: true` on a property is a common slip: JSON Schema lists names on
                // the object.
                None => out.push((
                    v,
                    "`required` must be a list of property names on the object, not a flag on the property".into(),
                )),
            },
            "enum" => match v.as_seq() {
                Some([]) => out.push((v, "`enum` must not be empty".into())),
                Some(items) => {
                    if let Some(names) = schema.get("enumNames").and_then(Node::as_seq) {
                        if names.len() != items.len() {
                            out.push((
                                v,
                                format!("`enum` has {} values but `enumNames` has {}", items.len(), names.len()),
                            ));
                        }
                    }
                }
                None => out.push((v, "`enum` must be a list".into())),
            },
            "pattern" => match v.as_str() {
                // ECMAScript look-arounds and back-references are valid in the browser; only
                // what neither engine accepts is reported.
                Some(p) if !p.contains("(?=") && !p.contains("(?!") && !p.contains("(?<") && !p.contains('\\') => {
                    if let Err(err) = regex::Regex::new(p) {
                        let why = err.to_string().lines().last().unwrap_or("").trim().to_string();
                        out.push((v, format!("`pattern` does not compile: {why}")));
                    }
                }
                Some(_) => {}
                None => out.push((v, "`pattern` must be a string".into())),
            },
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties"
                if v.as_i64().is_none_or(|n| n < 0) =>
            {
                out.push((
                    v,
                    format!("{code0} must be a non-negative integer", code0 = code(&e.key)),
                ));
            }
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" if v.as_f64().is_none() => {
                out.push((v, format!("{code0} must be a number", code0 = code(&e.key))));
            }
            "items" | "additionalProperties" | "not" | "if" | "then" | "else" | "contains" => {
                let items: Vec<&Node> = v.as_seq().map_or_else(|| vec![v], |s| s.iter().collect());
                items.into_iter().for_each(|i| form_schema_problems(i, out, depth + 1));
            }
            "allOf" | "anyOf" | "oneOf" => match v.as_seq() {
                Some(items) => items.iter().for_each(|i| form_schema_problems(i, out, depth + 1)),
                None => out.push((v, format!("{code0} must be a list of schemas", code0 = code(&e.key)))),
            },
            "dependencies" => {
                for d in v.as_map().unwrap_or(&[]) {
                    if d.value.as_seq().is_none() {
                        form_schema_problems(&d.value, out, depth + 1);
                    }
                }
            }
            "default" if !types.is_empty() && !has_expression(v.as_str().unwrap_or("")) => {
                let actual = v.type_name();
                // `default: null` is read as no default.
                let fits =
                    actual == "null" || types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
                if !fits {
                    out.push((
                        v,
                        format!(
                            "the default is {actual}, but the schema's type is {}",
                            types.join(" or ")
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
}
