//! function-go-templating run in process: Go `text/template` ([`parse`], [`exec`]) with the
//! deterministic Sprig functions and the function's own helpers ([`funcs`]), over the
//! pipeline [`State`](super::State).
//!
//! Supported: an `Inline` template source. `FileSystem` and `Environment` sources are
//! reported as unsupported (Fatal). The output documents are applied as the function does:
//! composed resources by the composition-resource-name annotation (removed), the ready
//! annotation, the XR (desired composite), `Context` objects (merged into the context).
//! Origins are the span of the whole inline template (per-document spans are not mapped yet).

pub mod exec;
pub mod funcs;
pub mod parse;
pub mod yaml_out;

use super::{FnResult, Ready, Resource, Severity, State, RESOURCE_NAME_ANNOTATION};
use crate::model::composition::Step;
use crate::model::Doc;
use crate::parse::source::Span;
use crate::parse::yaml::OffsetMap;
use serde_json::{json, Map, Value};

const READY_ANNOTATION: &str = "gotemplating.fn.crossplane.io/ready";
const META_API: &str = "meta.gotemplating.fn.crossplane.io/v1alpha1";

fn fatal(message: String, span: Option<Span>) -> Vec<FnResult> {
    vec![FnResult {
        severity: Severity::Fatal,
        message,
        span,
    }]
}

/// The template data function-go-templating passes: the request as JSON (numbers float64).
pub fn request_data(state: &State) -> Value {
    let b64 = |m: &std::collections::BTreeMap<String, Vec<u8>>| -> Value {
        use base64::Engine as _;
        Value::Object(
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        Value::String(base64::engine::general_purpose::STANDARD.encode(v)),
                    )
                })
                .collect(),
        )
    };
    let observed: Map<String, Value> = state
        .observed
        .iter()
        .map(|(k, o)| {
            (
                k.clone(),
                json!({"resource": o.resource, "connectionDetails": b64(&o.connection_details)}),
            )
        })
        .collect();
    let desired: Map<String, Value> = state
        .desired
        .iter()
        .map(|(k, r)| (k.clone(), json!({"resource": r.resource})))
        .collect();
    // The EnvironmentConfigs given to the render are function-environment-configs' own
    // extra resources (it requests them): Crossplane sends them to no other function.
    let extra: Map<String, Value> = state
        .extra
        .iter()
        .filter(|(k, _)| k.as_str() != "environment")
        .map(|(k, xs)| {
            let items: Vec<Value> = xs.iter().map(|x| json!({"resource": x})).collect();
            (k.clone(), json!({"items": items}))
        })
        .collect();
    // The function reads the request through protojson, which leaves out empty maps: with
    // nothing observed, `.observed.resources` is no value (`eq .observed.resources nil` is
    // true), not an empty map.
    fn put(m: &mut Map<String, Value>, key: &str, v: Value) {
        let empty = match &v {
            Value::Object(o) => o.is_empty(),
            Value::Null => true,
            _ => false,
        };
        if !empty {
            m.insert(key.to_string(), v);
        }
    }
    let part = |resource: &Value, connection: Value, resources: Map<String, Value>| {
        let mut composite = Map::new();
        put(&mut composite, "resource", resource.clone());
        put(&mut composite, "connectionDetails", connection);
        let mut m = Map::new();
        put(&mut m, "composite", Value::Object(composite));
        put(&mut m, "resources", Value::Object(resources));
        Value::Object(m)
    };
    let mut req = Map::new();
    put(
        &mut req,
        "observed",
        part(&state.composite, b64(&state.composite_connection), observed),
    );
    put(
        &mut req,
        "desired",
        part(&state.desired_composite, b64(&state.desired_connection), desired),
    );
    put(&mut req, "context", Value::Object(state.context.clone()));
    put(&mut req, "extraResources", Value::Object(extra));
    yaml_out::floatify(Value::Object(req))
}

/// The template parsed, from a small cache: `portalint check` renders one Composition for many
/// XRs (every order with `--render`), and parsing the template again for each is a sixth of
/// a render. Keyed by the text itself; at most [`CACHED`] templates of at most
/// [`CACHED_BYTES`] each are kept.
fn parsed(src: &str) -> Result<std::sync::Arc<parse::Set>, parse::TplError> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<parse::Set>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(s) = cache.lock().ok().and_then(|c| c.get(src).cloned()) {
        return Ok(s);
    }
    let set = Arc::new(parse::parse(src)?);
    if src.len() > CACHED_BYTES {
        return Ok(set);
    }
    if let Ok(mut c) = cache.lock() {
        if c.len() >= CACHED {
            c.clear();
        }
        c.insert(src.to_string(), set.clone());
    }
    Ok(set)
}

/// The most parsed templates [`parsed`] keeps.
const CACHED: usize = 64;

/// Templates longer than this are parsed every time, not kept.
const CACHED_BYTES: usize = 256 << 10;

/// Runs the go-templating `step` (of the Composition `doc`, whose file text is `text`) on
/// `state`: its output resources are added to the desired state, its results returned.
pub fn run(doc: &Doc, text: &str, step_index: usize, step: &Step<'_>, state: &mut State) -> Vec<FnResult> {
    let step_span = Some(Span::new(doc.file, step.node.start, step.node.end));
    let Some(input) = step.input else {
        return fatal("invalid function input: missing input".into(), step_span);
    };
    let source = input.get("source").and_then(|n| n.as_str()).unwrap_or("");
    let Some(tpl) = input.path(&["inline", "template"]) else {
        return fatal(
            format!("cannot run in process: template source {source:?} (only Inline is supported)"),
            step_span,
        );
    };
    let src = tpl.as_str().unwrap_or("");
    let map = OffsetMap::new(text, tpl);
    let span_at = |off: usize| {
        let s = map.to_file(off);
        Some(Span::new(doc.file, s, s))
    };
    let origin = Some(Span::new(doc.file, tpl.start, tpl.end));
    let set = match parsed(src) {
        Ok(s) => s,
        Err(e) => {
            return fatal(
                format!(
                    "invalid function input: cannot parse the provided templates: {}",
                    e.message
                ),
                span_at(e.at),
            )
        }
    };
    let data = request_data(state);
    let out = match exec::execute(&set, &data, exec::Budget::default()) {
        Ok(o) => o,
        Err(e) => return fatal(format!("cannot execute template: {}", e.message), span_at(e.at)),
    };
    let parsed = crate::parse::yaml::parse(&out);
    if let Some(p) = parsed.problems.first() {
        return fatal(format!("cannot decode manifest: {}", p.message), origin);
    }
    let xr_api = state.composite.get("apiVersion").cloned();
    let xr_kind = state.composite.get("kind").cloned();
    let mut results = Vec::new();
    for d in parsed.docs {
        let mut obj = d.root.to_json();
        let api = obj.get("apiVersion").cloned();
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
        if api.as_ref().and_then(Value::as_str) == Some(META_API) {
            match kind.as_str() {
                "Context" => {
                    if let Some(Value::Object(m)) = obj.get("data") {
                        for (k, v) in m {
                            state.context.insert(k.clone(), v.clone());
                        }
                    }
                }
                other => results.push(FnResult {
                    severity: Severity::Warning,
                    message: format!("{other} output is not applied in process"),
                    span: origin,
                }),
            }
            continue;
        }
        if api == xr_api && obj.get("kind") == xr_kind.as_ref() {
            if let (Value::Object(dc), Value::Object(o)) = (&mut state.desired_composite, &obj) {
                for (k, v) in o {
                    dc.insert(k.clone(), v.clone());
                }
            } else {
                state.desired_composite = obj;
            }
            continue;
        }
        let annotations = obj.pointer_mut("/metadata/annotations").and_then(Value::as_object_mut);
        let (name, ready) = match annotations {
            Some(a) => {
                let name = a
                    .shift_remove(RESOURCE_NAME_ANNOTATION)
                    .and_then(|v| v.as_str().map(str::to_string));
                let ready = a.shift_remove(READY_ANNOTATION);
                (name, ready)
            }
            None => (None, None),
        };
        if obj
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                m.shift_remove("annotations");
            }
        }
        let Some(name) = name else {
            return fatal(
                format!("{kind:?} template is missing required \"{RESOURCE_NAME_ANNOTATION}\" annotation"),
                origin,
            );
        };
        let ready = match ready.as_ref().and_then(Value::as_str) {
            Some("True") => Ready::True,
            Some("False") => Ready::False,
            None | Some("Unspecified") => Ready::Unspecified,
            Some(o) => {
                return fatal(
                    format!("invalid function input: invalid \"{READY_ANNOTATION}\": {o}"),
                    origin,
                )
            }
        };
        let r = Resource {
            resource: obj,
            ready,
            origin,
            step: step_index,
        };
        match state.desired.iter_mut().find(|(n, _)| *n == name) {
            Some((_, old)) => {
                let gvk = |v: &Value| {
                    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    (s("apiVersion"), s("kind"))
                };
                let (oa, ok) = gvk(&old.resource);
                let (na, nk) = gvk(&r.resource);
                state.replaced.push(super::Replacement {
                    name: name.clone(),
                    old: (oa, ok, old.origin, old.step),
                    new: (na, nk, r.origin, r.step),
                });
                let first = old.step;
                *old = r;
                old.step = first;
            }
            None => state.desired.push((name, r)),
        }
    }
    results
}

#[cfg(test)]
mod tests;
