//! The CRD-schema checks of the apiextensions API server that a structural schema must pass
//! when a v1 CRD is created (`pkg/apis/apiextensions/validation` and
//! `pkg/apiserver/schema` of k8s.io/apiextensions-apiserver, read, not copied): valid `type`s,
//! `items` a single schema and present on arrays, no unsupported JSON-Schema keywords, the
//! `x-kubernetes-*` extensions and their conflicts, list and map types, value validations
//! inside `allOf`/`anyOf`/`oneOf`/`not` (no structure there, and nothing there the structure
//! does not specify), and the shape of `x-kubernetes-validations` entries (rule, message,
//! reason, fieldPath, `oldSelf` only where old and new values correlate).
//!
//! The checks that `xp-xrd-structural-schema` made before this module (a `type` on every node,
//! `properties` with `additionalProperties`, patterns, defaults, list-map keys required or
//! defaulted, root `metadata`, CEL compilation) stay in that rule.

use crate::parse::yaml::{Node, Value};

/// One thing the API server refuses.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Start offset of the node (or key) to point at.
    pub start: u32,
    /// End offset.
    pub end: u32,
    /// What is wrong.
    pub message: String,
}

const TYPES: &[&str] = &["array", "boolean", "integer", "number", "object", "string"];
const REASONS: &[&str] = &[
    "FieldValueDuplicate",
    "FieldValueForbidden",
    "FieldValueInvalid",
    "FieldValueRequired",
];
/// JSON-Schema keywords a CRD schema may not use.
const UNSUPPORTED: &[&str] = &[
    "id",
    "$ref",
    "additionalItems",
    "patternProperties",
    "definitions",
    "dependencies",
];

/// Checks the schema node `s` at `path` (a field or an item of the schema; the root of an
/// XRD's schema is built by Crossplane, so callers start at the fields below it).
pub fn check(s: &Node, path: &str) -> Vec<Problem> {
    let mut w = Walk { out: Vec::new() };
    w.node(s, path, Ctx::default());
    w.out
}

/// Checks what Crossplane copies of the XRD's root (`top` is `None`: its
/// `x-kubernetes-validations`) or of its top-level `spec` / `status` (`top` names it: its
/// validations and `oneOf`) into the CRD it builds.
pub fn check_copied(s: &Node, top: Option<&str>) -> Vec<Problem> {
    let mut w = Walk { out: Vec::new() };
    let p = top.unwrap_or("<root>");
    w.validations(s, p, &Ctx::default());
    if top.is_some() {
        for (i, sub) in s.get("oneOf").and_then(Node::as_seq).unwrap_or(&[]).iter().enumerate() {
            w.nested(sub, &format!("{p}.oneOf[{i}]"), false, false);
            w.complete(s, sub, &format!("{p}.oneOf[{i}]"));
        }
    }
    w.out
}

#[derive(Clone, Default)]
struct Ctx {
    /// Inside `metadata`, `apiVersion` or `kind` of an embedded resource.
    resource_meta: bool,
    /// The path of the list or map under which old and new values do not correlate.
    uncorrelated: Option<String>,
}

struct Walk {
    out: Vec<Problem>,
}

fn flag(s: &Node, k: &str) -> bool {
    s.get(k).and_then(Node::as_bool).unwrap_or(false)
}

fn ty(s: &Node) -> Option<&str> {
    s.get("type").and_then(Node::as_str)
}

/// Whether `text` (a CEL expression) names the variable `oldSelf` outside string literals.
pub fn uses_old_self(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' || c == b'\'' {
            let q = c;
            i += 1;
            while i < b.len() && b[i] != q {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let before = start.checked_sub(1).map(|p| b[p]);
            if &text[start..i] == "oldSelf" && before != Some(b'.') {
                return true;
            }
            continue;
        }
        i += 1;
    }
    false
}

/// Whether `path` (a CEL `fieldPath` such as `.spec.list[0]` or `['a.b'].c`) names a field of
/// schema `s`.
pub fn field_path_valid(s: &Node, path: &str) -> bool {
    let mut s = s;
    let mut rest = path.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let (name, next) = if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return false;
            }
            (r[..end].to_string(), &r[end..])
        } else if let Some(r) = rest.strip_prefix("['") {
            let Some(end) = r.find("']") else { return false };
            (r[..end].to_string(), &r[end + 2..])
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else { return false };
            let idx = &r[..end];
            if idx.is_empty() || !idx.bytes().all(|c| c.is_ascii_digit()) {
                return false;
            }
            match s.get("items") {
                Some(items) if ty(s) == Some("array") => s = items,
                _ => return false,
            }
            rest = &r[end + 1..];
            continue;
        } else {
            return false;
        };
        if let Some(p) = s.get("properties").and_then(|p| p.get(&name)) {
            s = p;
        } else if let Some(a) = s.get("additionalProperties").filter(|a| a.as_map().is_some()) {
            s = a;
        } else {
            return false;
        }
        rest = next;
    }
    true
}

fn is_int_or_string_pattern(subs: &[Node]) -> bool {
    subs.len() == 2
        && subs[0].as_map().is_some_and(|m| m.len() == 1)
        && subs[1].as_map().is_some_and(|m| m.len() == 1)
        && ty(&subs[0]) == Some("integer")
        && ty(&subs[1]) == Some("string")
}

impl Walk {
    fn report(&mut self, n: &Node, message: String) {
        self.out.push(Problem {
            start: n.start,
            end: n.end,
            message,
        });
    }

    /// Points at the key `k` of `s` (its entry), or at `s`.
    fn report_key(&mut self, s: &Node, k: &str, message: String) {
        let (start, end) = s.entry(k).map(|e| (e.key_start, e.key_end)).unwrap_or((s.start, s.end));
        self.out.push(Problem { start, end, message });
    }

    fn node(&mut self, s: &Node, p: &str, ctx: Ctx) {
        if s.as_map().is_none() {
            return;
        }
        self.keywords(s, p, &ctx);
        self.extensions(s, p, &ctx);
        self.lists_and_maps(s, p);
        self.validations(s, p, &ctx);
        for j in ["allOf", "anyOf", "oneOf"] {
            let Some(subs) = s.get(j).and_then(Node::as_seq) else {
                continue;
            };
            let int_or_string = j == "anyOf" && is_int_or_string_pattern(subs);
            for (i, sub) in subs.iter().enumerate() {
                let skip_any_of = j == "allOf"
                    && i == 0
                    && sub
                        .get("anyOf")
                        .and_then(Node::as_seq)
                        .is_some_and(is_int_or_string_pattern);
                if !int_or_string {
                    self.nested(sub, &format!("{p}.{j}[{i}]"), skip_any_of, j == "allOf");
                }
                self.complete(s, sub, &format!("{p}.{j}[{i}]"));
            }
        }
        if let Some(n) = s.get("not") {
            self.nested(n, &format!("{p}.not"), false, false);
            self.complete(s, n, &format!("{p}.not"));
        }

        // Children.
        let embedded = flag(s, "x-kubernetes-embedded-resource");
        let correlatable_map = matches!(s.str_at(&["x-kubernetes-map-type"]), None | Some("granular" | "atomic"));
        for e in s.get("properties").and_then(Node::as_map).unwrap_or(&[]) {
            let mut c = ctx.clone();
            if !correlatable_map && c.uncorrelated.is_none() {
                c.uncorrelated = Some(p.to_string());
            }
            if embedded && matches!(e.key.as_str(), "metadata" | "apiVersion" | "kind") {
                c.resource_meta = true;
            }
            self.node(&e.value, &format!("{p}.{}", e.key), c);
        }
        if let Some(items) = s.get("items") {
            let mut c = ctx.clone();
            if s.str_at(&["x-kubernetes-list-type"]) != Some("map") && c.uncorrelated.is_none() {
                c.uncorrelated = Some(p.to_string());
            }
            match &items.value {
                Value::Seq(list) => {
                    for (i, it) in list.iter().enumerate() {
                        self.node(it, &format!("{p}[{i}]"), c.clone());
                    }
                }
                _ => self.node(items, &format!("{p}[]"), c),
            }
        }
        if let Some(a) = s.get("additionalProperties").filter(|a| a.as_map().is_some()) {
            if ctx.resource_meta {
                if let Some(d) = a.entry("default") {
                    let (start, end) = (d.key_start, d.key_end);
                    self.out.push(Problem {
                        start,
                        end,
                        message: format!(
                            "`{p}.*` has a `default` inside `additionalProperties` of object metadata, which the API server forbids"
                        ),
                    });
                }
            }
            self.node(a, &format!("{p}.*"), ctx.clone());
        }
    }

    fn keywords(&mut self, s: &Node, p: &str, _ctx: &Ctx) {
        if let Some(t) = s.get("type") {
            match t.as_str() {
                Some("null") => self.report(
                    t,
                    format!(
                        "`{p}` has `type: null`; the API server refuses it (use `nullable: true` on the real type)"
                    ),
                ),
                Some(name) if !TYPES.contains(&name) => self.report(
                    t,
                    format!(
                        "`{p}` has an unsupported `type` `{name}` (one of {})",
                        crate::parse::text::list(TYPES, 6)
                    ),
                ),
                Some(_) => {}
                None => self.report(t, format!("`{p}` has a `type` that is not a string")),
            }
        }
        for k in UNSUPPORTED {
            if s.get(k).is_some() {
                self.report_key(s, k, format!("`{p}` uses `{k}`, which CRD schemas do not support"));
            }
        }
        if flag(s, "uniqueItems") {
            self.report_key(
                s,
                "uniqueItems",
                format!(
                    "`{p}` sets `uniqueItems: true`, which the API server forbids (use `x-kubernetes-list-type: set`)"
                ),
            );
        }
        match s.get("items") {
            Some(items) if items.as_seq().is_some() => self.report_key(
                s,
                "items",
                format!("`{p}.items` is a list of schemas; CRD schemas allow one schema for all items"),
            ),
            None if ty(s) == Some("array") => self.report_key(
                s,
                "type",
                format!("`{p}` is an array without `items`; the API server requires them"),
            ),
            _ => {}
        }
    }

    fn extensions(&mut self, s: &Node, p: &str, ctx: &Ctx) {
        if s.get("x-kubernetes-preserve-unknown-fields").and_then(Node::as_bool) == Some(false) {
            self.report_key(
                s,
                "x-kubernetes-preserve-unknown-fields",
                format!("`{p}` sets `x-kubernetes-preserve-unknown-fields: false`; it must be `true` or left out"),
            );
        }
        let int_or_string = flag(s, "x-kubernetes-int-or-string");
        let embedded = flag(s, "x-kubernetes-embedded-resource");
        if int_or_string && flag(s, "x-kubernetes-preserve-unknown-fields") {
            self.report_key(
                s,
                "x-kubernetes-preserve-unknown-fields",
                format!("`{p}` is `x-kubernetes-int-or-string` and cannot also preserve unknown fields"),
            );
        }
        if int_or_string && embedded {
            self.report_key(
                s,
                "x-kubernetes-embedded-resource",
                format!("`{p}` is `x-kubernetes-int-or-string` and cannot also be an embedded resource"),
            );
        }
        if !embedded {
            return;
        }
        if ctx.resource_meta {
            self.report_key(
                s,
                "x-kubernetes-embedded-resource",
                format!("`{p}` is an embedded resource inside the metadata of another resource, which the API server forbids"),
            );
        }
        if ty(s) != Some("object") {
            self.report_key(
                s,
                "x-kubernetes-embedded-resource",
                format!("`{p}` is an embedded resource, so its `type` must be `object`"),
            );
        }
        if s.get("additionalProperties").is_some() {
            self.report_key(
                s,
                "additionalProperties",
                format!("`{p}` is an embedded resource and cannot have `additionalProperties`"),
            );
        }
        let has_props = s
            .get("properties")
            .and_then(Node::as_map)
            .is_some_and(|m| !m.is_empty());
        if !has_props && !flag(s, "x-kubernetes-preserve-unknown-fields") {
            self.report_key(
                s,
                "x-kubernetes-embedded-resource",
                format!("`{p}` is an embedded resource without `properties`; declare them or set `x-kubernetes-preserve-unknown-fields: true`"),
            );
        }
        let props = s.get("properties");
        for (k, want) in [("apiVersion", "string"), ("kind", "string"), ("metadata", "object")] {
            if let Some(f) = props.and_then(|m| m.get(k)) {
                if ty(f) != Some(want) {
                    self.report(f, format!("`{p}.{k}` of an embedded resource must be `type: {want}`"));
                }
            }
        }
    }

    fn lists_and_maps(&mut self, s: &Node, p: &str) {
        let t = ty(s);
        if let Some(m) = s.get("x-kubernetes-map-type") {
            if t != Some("object") {
                self.report(
                    m,
                    format!("`{p}` has `x-kubernetes-map-type`, so its `type` must be `object`"),
                );
            }
            if !matches!(m.as_str(), Some("atomic" | "granular")) {
                self.report(
                    m,
                    format!("`{p}` has an unsupported `x-kubernetes-map-type` (`atomic` or `granular`)"),
                );
            }
        }
        let list_type = s.get("x-kubernetes-list-type");
        let lt = list_type.and_then(Node::as_str);
        let items = s.get("items").filter(|i| i.as_map().is_some());
        if let Some(l) = list_type {
            if t != Some("array") {
                self.report(
                    l,
                    format!("`{p}` has `x-kubernetes-list-type`, so its `type` must be `array`"),
                );
            } else if lt == Some("set") {
                if let Some(is) = items {
                    match ty(is) {
                        Some("array") if is.str_at(&["x-kubernetes-list-type"]).is_some_and(|x| x != "atomic") => {
                            self.report(is, format!("the items of the set `{p}` must be atomic lists (`x-kubernetes-list-type: atomic`)"))
                        }
                        Some("object") if is.str_at(&["x-kubernetes-map-type"]) != Some("atomic") => self.report(
                            is,
                            format!("the items of the set `{p}` are objects, so they must be `x-kubernetes-map-type: atomic`"),
                        ),
                        _ => {}
                    }
                }
            }
            if !matches!(lt, Some("atomic" | "set" | "map")) {
                self.report(
                    l,
                    format!("`{p}` has an unsupported `x-kubernetes-list-type` (`atomic`, `set` or `map`)"),
                );
            }
        }
        let keys: Vec<&Node> = s
            .get("x-kubernetes-list-map-keys")
            .and_then(Node::as_seq)
            .map(|k| k.iter().collect())
            .unwrap_or_default();
        if !keys.is_empty() && lt != Some("map") {
            self.report_key(
                s,
                "x-kubernetes-list-map-keys",
                format!("`{p}` has `x-kubernetes-list-map-keys`, so it must be `x-kubernetes-list-type: map`"),
            );
        }
        if matches!(lt, Some("map" | "set")) {
            if let Some(is) = items.filter(|is| flag(is, "nullable")) {
                self.report_key(
                    is,
                    "nullable",
                    format!("the items of the {} list `{p}` cannot be nullable", lt.unwrap_or("")),
                );
            }
        }
        if lt != Some("map") {
            return;
        }
        if keys.is_empty() {
            self.report_key(
                s,
                "x-kubernetes-list-type",
                format!("`{p}` is `x-kubernetes-list-type: map` without `x-kubernetes-list-map-keys`"),
            );
        }
        match s.get("items") {
            None => {
                self.report_key(
                    s,
                    "x-kubernetes-list-type",
                    format!("`{p}` is a list map without `items`"),
                );
                return;
            }
            Some(i) if i.as_seq().is_some() => return,
            _ => {}
        }
        let Some(is) = items else { return };
        if ty(is) != Some("object") {
            self.report(is, format!("the items of the list map `{p}` must be `type: object`"));
            return;
        }
        let mut seen = Vec::new();
        for k in keys {
            let Some(name) = k.as_str() else { continue };
            match is.get("properties").and_then(|m| m.get(name)) {
                Some(f) => {
                    if matches!(ty(f), Some("array" | "object")) {
                        self.report(f, format!("the key `{name}` of the list map `{p}` must be a scalar"));
                    }
                    if flag(f, "nullable") {
                        self.report(f, format!("the key `{name}` of the list map `{p}` cannot be nullable"));
                    }
                }
                None => self.report(
                    k,
                    format!("the key `{name}` of the list map `{p}` is not a property of its items"),
                ),
            }
            if seen.contains(&name) {
                self.report(k, format!("the key `{name}` of the list map `{p}` is listed twice"));
            }
            seen.push(name);
        }
    }

    fn validations(&mut self, s: &Node, p: &str, ctx: &Ctx) {
        let Some(rules) = s.get("x-kubernetes-validations").and_then(Node::as_seq) else {
            return;
        };
        for (i, r) in rules.iter().enumerate() {
            let at = format!("`{p}` x-kubernetes-validations[{i}]");
            let rule = r.get("rule").and_then(Node::as_str).unwrap_or("");
            let message = r.get("message").and_then(Node::as_str);
            let trimmed_msg = message.map(str::trim).unwrap_or("");
            if rule.trim().is_empty() {
                self.report(r, format!("{at} has no `rule`"));
            } else if message.is_some_and(|m| !m.is_empty()) && trimmed_msg.is_empty() {
                self.report_key(r, "message", format!("{at} has a blank `message`"));
            } else if trimmed_msg.contains(['\n', '\r']) {
                self.report_key(r, "message", format!("{at} has a `message` with line breaks"));
            } else if rule.trim().contains(['\n', '\r']) && trimmed_msg.is_empty() {
                self.report_key(
                    r,
                    "rule",
                    format!("{at} has a rule with line breaks, so it needs a `message`"),
                );
            }
            if let Some(reason) = r.get("reason") {
                if !reason.as_str().is_some_and(|x| REASONS.contains(&x)) {
                    self.report(
                        reason,
                        format!(
                            "{at} has an unsupported `reason` (one of {})",
                            crate::parse::text::list(REASONS, 4)
                        ),
                    );
                }
            }
            if let Some(fp) = r.get("fieldPath") {
                let text = fp.as_str().unwrap_or("");
                if text.contains(['\n', '\r']) || !field_path_valid(s, text) {
                    self.report(
                        fp,
                        format!("{at} has a `fieldPath` `{text}` that is not a path to a field of `{p}`"),
                    );
                }
            }
            if rule.trim().is_empty() {
                continue;
            }
            let old = uses_old_self(rule);
            let short: String = rule.chars().take(80).collect();
            if old {
                if let Some(u) = &ctx.uncorrelated {
                    self.report_key(
                        r,
                        "rule",
                        format!("{at} rule `{short}` uses `oldSelf` below `{u}`, where the API server cannot pair old and new values (only under list maps and maps)"),
                    );
                }
            } else if r.get("optionalOldSelf").is_some() {
                self.report_key(
                    r,
                    "optionalOldSelf",
                    format!("{at} sets `optionalOldSelf` but its rule `{short}` does not use `oldSelf`"),
                );
            }
        }
    }

    /// A schema inside `allOf`/`anyOf`/`oneOf`/`not`: value validations only.
    fn nested(&mut self, v: &Node, p: &str, skip_any_of: bool, in_all_of: bool) {
        let Some(entries) = v.as_map() else { return };
        for e in entries {
            let forbidden = match e.key.as_str() {
                "type" | "default" | "title" | "description" => true,
                "nullable" => e.value.as_bool() == Some(true),
                "additionalProperties" => true,
                "x-kubernetes-preserve-unknown-fields"
                | "x-kubernetes-embedded-resource"
                | "x-kubernetes-int-or-string" => e.value.as_bool() == Some(true),
                "x-kubernetes-list-map-keys" => e.value.as_seq().is_some_and(|s| !s.is_empty()),
                "x-kubernetes-list-type" | "x-kubernetes-map-type" => true,
                "x-kubernetes-validations" => !in_all_of && e.value.as_seq().is_some_and(|s| !s.is_empty()),
                _ => false,
            };
            if forbidden {
                self.out.push(Problem {
                    start: e.key_start,
                    end: e.key_end,
                    message: format!(
                        "`{p}` sets `{}`; inside `allOf`/`anyOf`/`oneOf`/`not` only value validations are allowed",
                        e.key
                    ),
                });
            }
        }
        if let Some(m) = v.get("properties").and_then(|m| m.entry("metadata")) {
            self.out.push(Problem {
                start: m.key_start,
                end: m.key_end,
                message: format!(
                    "`{p}` constrains `metadata`, which the API server forbids inside `allOf`/`anyOf`/`oneOf`/`not`"
                ),
            });
        }
        for e in v.get("properties").and_then(Node::as_map).unwrap_or(&[]) {
            self.nested(&e.value, &format!("{p}.{}", e.key), false, in_all_of);
        }
        if let Some(i) = v.get("items") {
            self.nested(i, &format!("{p}[]"), false, in_all_of);
        }
        for j in ["allOf", "anyOf", "oneOf"] {
            if j == "anyOf" && skip_any_of {
                continue;
            }
            for (i, sub) in v.get(j).and_then(Node::as_seq).unwrap_or(&[]).iter().enumerate() {
                self.nested(sub, &format!("{p}.{j}[{i}]"), false, in_all_of && j == "allOf");
            }
        }
        if let Some(n) = v.get("not") {
            self.nested(n, &format!("{p}.not"), false, false);
        }
    }

    /// Every field, item and value that junctor `v` constrains must be specified by the
    /// structure `s` it applies to.
    fn complete(&mut self, s: &Node, v: &Node, p: &str) {
        if v.as_map().is_none() {
            return;
        }
        for e in v.get("properties").and_then(Node::as_map).unwrap_or(&[]) {
            match s.get("properties").and_then(|m| m.get(&e.key)) {
                Some(sp) => self.complete(sp, &e.value, &format!("{p}.{}", e.key)),
                None if flag(s, "x-kubernetes-preserve-unknown-fields") => {}
                None => self.out.push(Problem {
                    start: e.key_start,
                    end: e.key_end,
                    message: format!(
                        "`{p}` constrains the field `{}`, which the schema outside it does not specify",
                        e.key
                    ),
                }),
            }
        }
        if let Some(i) = v.get("items") {
            match s.get("items").filter(|x| x.as_map().is_some()) {
                Some(si) => self.complete(si, i, &format!("{p}[]")),
                None => self.report_key(
                    v,
                    "items",
                    format!("`{p}` constrains `items`, which the schema outside it does not specify"),
                ),
            }
        }
        if let Some(a) = v.get("additionalProperties") {
            match s.get("additionalProperties").filter(|x| x.as_map().is_some()) {
                Some(sa) => self.complete(sa, a, &format!("{p}.*")),
                None => self.report_key(
                    v,
                    "additionalProperties",
                    format!("`{p}` constrains `additionalProperties`, which the schema outside it does not specify"),
                ),
            }
        }
        for j in ["allOf", "anyOf", "oneOf"] {
            for sub in v.get(j).and_then(Node::as_seq).unwrap_or(&[]) {
                self.complete(s, sub, p);
            }
        }
        if let Some(n) = v.get("not") {
            self.complete(s, n, p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(schema: &str) -> Vec<String> {
        let root = crate::parse::yaml::parse(schema).docs.remove(0).root;
        check(&root, "c").into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn accepts_what_the_api_server_accepts() {
        for ok in [
            "type: object\nproperties:\n  a: {type: array, x-kubernetes-list-type: set, items: {type: string}}",
            "type: object\nproperties:\n  a: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}",
            "type: object\nproperties:\n  a: {type: string}\nallOf:\n- properties:\n    a: {minLength: 2}",
            "type: object\nproperties:\n  a: {type: string, x-kubernetes-validations: [{rule: 'self == oldSelf'}]}",
            "type: array\nx-kubernetes-list-type: map\nx-kubernetes-list-map-keys: [k]\nitems:\n  type: object\n  required: [k]\n  properties:\n    k: {type: string}\n    v: {type: string, x-kubernetes-validations: [{rule: 'self == oldSelf'}]}",
        ] {
            assert_eq!(run(ok), Vec::<String>::new(), "{ok}");
        }
    }

    #[test]
    fn refuses_what_the_api_server_refuses() {
        for (bad, want) in [
            ("type: bogus", "unsupported `type`"),
            ("type: 'null'", "`type: null`"),
            ("type: array", "without `items`"),
            ("type: array\nitems: [{type: string}]", "a list of schemas"),
            ("type: object\nuniqueItems: true", "uniqueItems"),
            (
                "type: object\nx-kubernetes-preserve-unknown-fields: false",
                "must be `true` or left out",
            ),
            ("type: object\nx-kubernetes-list-type: set", "must be `array`"),
            (
                "type: array\nitems: {type: string}\nx-kubernetes-list-type: bag",
                "unsupported `x-kubernetes-list-type`",
            ),
            (
                "type: array\nx-kubernetes-list-type: set\nitems: {type: object}",
                "must be `x-kubernetes-map-type: atomic`",
            ),
            (
                "type: object\nx-kubernetes-embedded-resource: true",
                "without `properties`",
            ),
            (
                "type: object\nproperties:\n  a: {type: string}\nallOf:\n- properties:\n    b: {minLength: 2}",
                "does not specify",
            ),
            ("type: object\nanyOf:\n- type: object", "only value validations"),
            (
                "type: array\nitems:\n  type: string\n  x-kubernetes-validations: [{rule: 'self == oldSelf'}]",
                "uses `oldSelf`",
            ),
            (
                "type: string\nx-kubernetes-validations: [{rule: 'self == \"a\"', optionalOldSelf: true}]",
                "optionalOldSelf",
            ),
            ("type: string\nx-kubernetes-validations: [{rule: ' '}]", "has no `rule`"),
            (
                "type: string\nx-kubernetes-validations: [{rule: 'true', reason: Nope}]",
                "unsupported `reason`",
            ),
            (
                "type: object\nx-kubernetes-validations: [{rule: 'true', fieldPath: '.nope'}]",
                "not a path",
            ),
        ] {
            let got = run(bad);
            assert!(got.iter().any(|m| m.contains(want)), "{bad}: {got:?}");
        }
    }

    #[test]
    fn copied_nodes_are_checked_too() {
        let root = crate::parse::yaml::parse(
            "type: object\nx-kubernetes-validations: [{rule: ''}]\nproperties:\n  a: {type: string}\noneOf:\n- required: [a]\n- properties: {b: {minLength: 1}}\n",
        )
        .docs
        .remove(0)
        .root;
        let root_msgs: Vec<String> = check_copied(&root, None).into_iter().map(|p| p.message).collect();
        assert_eq!(root_msgs, ["`<root>` x-kubernetes-validations[0] has no `rule`"]);
        let spec_msgs: Vec<String> = check_copied(&root, Some("spec"))
            .into_iter()
            .map(|p| p.message)
            .collect();
        assert!(
            spec_msgs.iter().any(|m| m.contains("constrains the field `b`")),
            "{spec_msgs:?}"
        );
    }

    #[test]
    fn old_self_outside_strings() {
        assert!(uses_old_self("self == oldSelf"));
        assert!(!uses_old_self("self == 'oldSelf'"));
        assert!(!uses_old_self("self.oldSelf == 1"));
    }
}
