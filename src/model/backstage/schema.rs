//! The field types of the catalog's entity schemas, as `@backstage/catalog-model` validates
//! them (`schema/EntityEnvelope`, `EntityMeta` and `kinds/*.v1alpha1.schema.json`; see
//! `tests/conformance/backstage_catalog_model/SOURCE.md`), and the check of a document's
//! `metadata` and `spec` against them. Backstage reads YAML 1.2, so its types are judged as
//! YAML 1.2 gives them (`yes` is a string there, not a boolean).

use crate::model::Doc;
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::parse::yaml::{Node, Value};

/// The type a field of an entity schema wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A string of at least one character.
    Text,
    /// A string, possibly empty.
    AnyText,
    /// A list of strings of at least one character each.
    TextList,
    /// An object (mapping), any content.
    Object,
    /// A list, any items.
    List,
    /// A Group's or User's `profile`: an object whose `displayName`, `email` and `picture`,
    /// when set, are non-empty strings (other keys allowed).
    Profile,
}

use FieldType::{AnyText, List, Object, Profile, Text, TextList};

/// A kind's `spec` fields: (kind, required fields, optional fields).
pub type KindFields = (
    &'static str,
    &'static [(&'static str, FieldType)],
    &'static [(&'static str, FieldType)],
);

/// The `spec` fields of the built-in kinds (v1alpha1 schemas). `Template` is checked by the
/// template rules.
pub const KIND_FIELDS: &[KindFields] = &[
    (
        "Component",
        &[("type", Text), ("lifecycle", Text), ("owner", Text)],
        &[
            ("system", Text),
            ("subcomponentOf", Text),
            ("providesApis", TextList),
            ("consumesApis", TextList),
            ("dependsOn", TextList),
            ("dependencyOf", TextList),
            ("environmentOverrides", Object),
            ("deploysToEnvironments", TextList),
        ],
    ),
    (
        "API",
        &[
            ("type", Text),
            ("lifecycle", Text),
            ("owner", Text),
            ("definition", Text),
        ],
        &[("system", Text)],
    ),
    (
        "Resource",
        &[("type", Text), ("owner", Text)],
        &[("system", Text), ("dependsOn", TextList), ("dependencyOf", TextList)],
    ),
    ("System", &[("owner", Text)], &[("domain", Text), ("type", Text)]),
    ("Domain", &[("owner", Text)], &[("subdomainOf", Text), ("type", Text)]),
    (
        "Group",
        &[("type", Text), ("children", TextList)],
        &[("profile", Profile), ("parent", Text), ("members", TextList)],
    ),
    ("User", &[("memberOf", TextList)], &[("profile", Profile)]),
    (
        "Location",
        &[],
        &[("type", Text), ("target", Text), ("targets", TextList)],
    ),
];

/// The `metadata` fields of every entity (`EntityMeta.schema.json`) besides `name`,
/// `namespace`, `labels`, `annotations`, `tags` and `links`, which have rules of their own.
pub const META_FIELDS: &[(&str, FieldType)] =
    &[("uid", Text), ("etag", Text), ("title", Text), ("description", AnyText)];

/// The type of `node` as Backstage's YAML 1.2 reader gives it (`object`, `array`, `string`,
/// `number`, `boolean`, `null`). `text` is the document's file text: a YAML 1.1 boolean
/// spelling other than `true`/`false` is a string in YAML 1.2.
pub fn yaml12_type(node: &Node, text: &str) -> &'static str {
    match &node.value {
        Value::Bool(_) => {
            let src = text.get(node.start as usize..node.end as usize).unwrap_or("");
            if matches!(src, "true" | "True" | "TRUE" | "false" | "False" | "FALSE") {
                "boolean"
            } else {
                "string"
            }
        }
        Value::Int(_) | Value::Float(_) => "number",
        Value::Null => "null",
        Value::Str(_) => "string",
        Value::Map(_) => "object",
        Value::Seq(_) => "array",
    }
}

fn article(t: &str) -> &'static str {
    match t {
        "object" | "array" => "an",
        "null" => "",
        _ => "a",
    }
}

fn described(t: &str) -> String {
    let a = article(t);
    if a.is_empty() {
        t.to_string()
    } else {
        format!("{a} {t}")
    }
}

/// The problem of `node` for a field of type `want`, if any (`what` names the field).
pub fn type_problem(node: &Node, want: FieldType, what: &str, text: &str) -> Option<(Span0, String)> {
    if is_placeholder(node) {
        return None;
    }
    let got = yaml12_type(node, text);
    let at = Span0(node.start, node.end);
    match want {
        Text | AnyText => {
            if got != "string" {
                return Some((
                    at,
                    format!("{code0} must be a string, not {}", described(got), code0 = code(&what)),
                ));
            }
            if want == Text && node.as_str().is_some_and(str::is_empty) {
                return Some((at, format!("{code0} must not be empty", code0 = code(&what))));
            }
            None
        }
        Object => (got != "object").then(|| {
            (
                at,
                format!("{code0} must be an object, not {}", described(got), code0 = code(&what)),
            )
        }),
        Profile => {
            if got != "object" {
                return Some((
                    at,
                    format!("{code0} must be an object, not {}", described(got), code0 = code(&what)),
                ));
            }
            ["displayName", "email", "picture"].iter().find_map(|f| {
                node.get(f)
                    .and_then(|v| type_problem(v, Text, &format!("{what}.{f}"), text))
            })
        }
        List => (got != "array").then(|| {
            (
                at,
                format!("{code0} must be a list, not {}", described(got), code0 = code(&what)),
            )
        }),
        TextList => {
            let Some(items) = node.as_seq() else {
                return Some((
                    at,
                    format!(
                        "{code0} must be a list of strings, not {}",
                        described(got),
                        code0 = code(&what)
                    ),
                ));
            };
            items.iter().enumerate().find_map(|(i, item)| {
                let t = yaml12_type(item, text);
                let at = Span0(item.start, item.end);
                if t != "string" {
                    Some((
                        at,
                        format!(
                            "{code0} must be a string, not {}",
                            described(t),
                            code0 = code(&format!("{what}[{i}]"))
                        ),
                    ))
                } else if item.as_str().is_some_and(str::is_empty) {
                    Some((
                        at,
                        format!("{code0} must not be empty", code0 = code(&format!("{what}[{i}]"))),
                    ))
                } else {
                    None
                }
            })
        }
    }
}

/// True for a catalog placeholder (`$text: ./openapi.yaml`, `$json`, `$yaml`): an object of one
/// `$`-key that the catalog replaces with the file's content before it validates the entity.
pub fn is_placeholder(node: &Node) -> bool {
    node.as_map().is_some_and(|m| m.len() == 1 && m[0].key.starts_with('$'))
}

/// A byte range of the document's file, made a [`Span`] by [`Span0::of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span0(pub u32, pub u32);

impl Span0 {
    /// The span in `doc`'s file.
    pub fn of(self, doc: &Doc) -> Span {
        Span::new(doc.file, self.0, self.1)
    }
}

/// The problems of a document's `spec` against its kind's fields: missing, of the wrong type,
/// empty. Empty for kinds without a table here.
pub fn spec_problems(doc: &Doc, text: &str) -> Vec<(Span, String)> {
    let Some((kind, required, optional)) = KIND_FIELDS.iter().find(|(k, _, _)| *k == doc.kind) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let Some(spec) = doc.spec() else {
        let names: Vec<String> = required.iter().map(|(f, _)| code(&f)).collect();
        let need = if names.is_empty() {
            String::new()
        } else {
            format!(" with {}", names.join(", "))
        };
        out.push((doc.kind_span(), format!("a {kind} needs a `spec`{need}")));
        return out;
    };
    if spec.as_map().is_none() {
        let got = yaml12_type(spec, text);
        out.push((
            doc.span(spec),
            format!("`spec` must be an object, not {}", described(got)),
        ));
        return out;
    }
    for (field, want) in required.iter() {
        match spec.get(field) {
            None => out.push((
                doc.span_of_key(&doc.root, "spec"),
                format!("a {kind} needs {code0}", code0 = code(&format!("spec.{field}"))),
            )),
            Some(v) => out.extend(type_problem(v, *want, &format!("spec.{field}"), text).map(|(s, m)| (s.of(doc), m))),
        }
    }
    for (field, want) in optional.iter() {
        if let Some(v) = spec.get(field) {
            out.extend(type_problem(v, *want, &format!("spec.{field}"), text).map(|(s, m)| (s.of(doc), m)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(src: &str) -> &'static str {
        let p = crate::parse::yaml::parse(&format!("v: {src}\n"));
        let root = &p.docs[0].root;
        yaml12_type(root.get("v").expect("v"), &format!("v: {src}\n"))
    }

    #[test]
    fn yaml12_types() {
        assert_eq!(ty("yes"), "string");
        assert_eq!(ty("true"), "boolean");
        assert_eq!(ty("7"), "number");
        assert_eq!(ty("'7'"), "string");
        assert_eq!(ty("~"), "null");
        assert_eq!(ty("[a]"), "array");
        assert_eq!(ty("{a: b}"), "object");
    }
}

#[cfg(test)]
mod profile_tests {
    use super::*;

    #[test]
    fn profile_fields_are_non_empty_strings() {
        let src = "p:\n  displayName: 7\n";
        let parsed = crate::parse::yaml::parse(src);
        let p = parsed.docs[0].root.get("p").expect("p");
        let got = type_problem(p, Profile, "spec.profile", src).map(|(_, m)| m);
        assert_eq!(
            got.as_deref(),
            Some("`spec.profile.displayName` must be a string, not a number")
        );
    }
}
