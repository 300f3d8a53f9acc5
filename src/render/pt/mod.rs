//! function-patch-and-transform run in process, as its `RunFunction` does (fn.go of
//! crossplane-contrib/function-patch-and-transform): the input's `patchSets` expanded into
//! the resources' patches, `environment.patches` between the XR and the environment, then
//! for each resource template its base (or the resource a previous step produced), its
//! patches, and, when an observed resource of that name exists, its readiness checks and
//! connection details; a v2 XR's connection details go to a composed Secret.
//!
//! Field paths follow crossplane-runtime's `fieldpath` ([`fieldpath`]), transforms the
//! function's transforms.go ([`transforms`]), combine and `string.fmt` Go's `fmt`
//! ([`gofmt`]). A desired resource keeps its base's span as `origin`; an error or warning
//! carries the span of the patch, check or connection detail it is about.
//!
//! Bounds portalint adds (the function has none): at most [`MAX_PATCHES`] patches after
//! PatchSet expansion, [`MAX_BYTES`] bytes of patched values per step, and the field path
//! limits of [`fieldpath`]. Past one, the step fails with a Fatal result.
//!
//! Not modelled: the desired composite's `Ready: False` that the function sets when it
//! skipped a resource (the pipeline contract has no field for it; the Warning is kept).

pub mod fieldpath;
pub mod gofmt;
mod patch;
mod ready;
pub mod transforms;

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::model::composition::Step;
use crate::model::Doc;
use crate::parse::source::Span;
use crate::parse::yaml::Node;

use super::{FnResult, Observed, Ready, Resource, Severity, State, ENVIRONMENT_KEY};
use patch::{Patch, Work};

/// The most patches a step may apply after PatchSet expansion (portalint's bound).
pub const MAX_PATCHES: usize = 10_000;
/// The most bytes of values a step's patches may write (portalint's bound).
pub const MAX_BYTES: usize = 64 << 20;

/// The GVK the function gives an environment that has none.
const ENV_API: &str = "internal.crossplane.io/v1alpha1";

/// A resource template of the input.
struct Template<'a> {
    name: String,
    base: Option<&'a Node>,
    patches: Vec<Patch>,
    readiness: Vec<(Value, Span)>,
    connection: Vec<(Value, Span)>,
}

fn result(severity: Severity, message: String, span: Span) -> FnResult {
    FnResult {
        severity,
        message,
        span: Some(span),
    }
}

/// A number as the function sees it after the protobuf round trip: integral floats are
/// integers (the Kubernetes JSON decoder reads `1` as int64).
fn normalize(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(normalize).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}

/// Runs the patch-and-transform `step` (of the Composition `doc`, whose file text is `text`)
/// on `state`: its resources are added to the desired state, its results returned. Same
/// contract as [`super::gotemplating::run`]. On a Fatal result `state` is left unchanged,
/// as Crossplane discards the response of a failed function.
pub fn run(doc: &Doc, _text: &str, step_index: usize, step: &Step<'_>, state: &mut State) -> Vec<FnResult> {
    let span = |n: &Node| Span::new(doc.file, n.start, n.end);
    let step_span = span(step.node);
    let fatal = |message: String, at: Span| vec![result(Severity::Fatal, message, at)];

    // The input, validated as validate.go does.
    let input = step.input;
    let seq = |key: &str| -> &[Node] { input.and_then(|i| i.get(key)).and_then(Node::as_seq).unwrap_or(&[]) };
    let resources = seq("resources");
    let env_nodes = input
        .and_then(|i| i.path(&["environment", "patches"]))
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    let input_span = input.map_or(step_span, span);

    let mut sets: BTreeMap<String, Vec<Patch>> = BTreeMap::new();
    for (i, ps) in seq("patchSets").iter().enumerate() {
        let name = ps.get("name").and_then(Node::as_str).unwrap_or("");
        if name.is_empty() {
            return fatal(
                format!("invalid Function input: patchSets[{i}].name: Required value: name is required"),
                span(ps),
            );
        }
        let mut patches = Vec::new();
        for (j, p) in ps
            .get("patches")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let p = Patch::of(p, span(p));
            if p.ty == "PatchSet" {
                return fatal(
                    format!(
                        "cannot resolve PatchSets: {}",
                        "a patch in a PatchSet cannot be of type PatchSet"
                    ),
                    p.span,
                );
            }
            if let Err(e) = p.validate(false) {
                return fatal(format!("invalid Function input: patches[{j}].{e}"), p.span);
            }
            patches.push(p);
        }
        sets.insert(name.to_string(), patches);
    }
    if resources.is_empty() && env_nodes.is_empty() {
        return fatal(
            "invalid Function input: resources: Required value: resources or environment patches are required".into(),
            input_span,
        );
    }

    let mut templates = Vec::new();
    let mut total = 0usize;
    for (i, r) in resources.iter().enumerate() {
        let at = |e: String| format!("invalid Function input: resources[{i}].{e}");
        let name = r.get("name").and_then(Node::as_str).unwrap_or("");
        if name.is_empty() {
            return fatal(at("name: Required value: name is required".into()), span(r));
        }
        let mut patches = Vec::new();
        for (j, p) in r
            .get("patches")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let p = Patch::of(p, span(p));
            if let Err(e) = p.validate(true) {
                return fatal(at(format!("patches[{j}].{e}")), p.span);
            }
            if p.ty == "PatchSet" {
                let set = p.json.get("patchSetName").and_then(Value::as_str).unwrap_or("");
                let Some(found) = sets.get(set) else {
                    return fatal(
                        format!("cannot resolve PatchSets: cannot find PatchSet by name {set}"),
                        p.span,
                    );
                };
                total += found.len();
                if total > MAX_PATCHES {
                    break;
                }
                patches.extend(found.iter().cloned());
            } else {
                total += 1;
                patches.push(p);
            }
        }
        if total > MAX_PATCHES {
            return fatal(
                format!("cannot run in process: more than {MAX_PATCHES} patches after PatchSet expansion (portalint's limit)"),
                span(r),
            );
        }
        let items = |key: &str| -> Vec<(Value, Span)> {
            r.get(key)
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .map(|n| (n.to_json(), span(n)))
                .collect()
        };
        let connection = items("connectionDetails");
        for (j, (c, s)) in connection.iter().enumerate() {
            if let Err(e) = ready::validate_connection_detail(c) {
                return fatal(at(format!("connectionDetails[{j}].{e}")), *s);
            }
        }
        let readiness = items("readinessChecks");
        for (j, (c, s)) in readiness.iter().enumerate() {
            if let Err(e) = ready::validate_check(c) {
                return fatal(at(format!("readinessChecks[{j}].{e}")), *s);
            }
        }
        templates.push(Template {
            name: name.to_string(),
            base: r.get("base"),
            patches,
            readiness,
            connection,
        });
    }
    let mut env_patches = Vec::new();
    for (i, p) in env_nodes.iter().enumerate() {
        let p = Patch::of(p, span(p));
        if !matches!(
            p.ty.as_str(),
            "FromCompositeFieldPath"
                | "ToCompositeFieldPath"
                | "CombineFromComposite"
                | "CombineToComposite"
                | "FromEnvironmentFieldPath"
                | "ToEnvironmentFieldPath"
        ) {
            return fatal(
                format!(
                    "invalid Function input: environment.patches[{i}][type]: Invalid value: {:?}: invalid environment patch type",
                    p.ty
                ),
                p.span,
            );
        }
        if let Err(e) = p.validate(false) {
            return fatal(format!("invalid Function input: environment.patches[{i}].{e}"), p.span);
        }
        env_patches.push(p);
    }

    // The state the function works on; committed to `state` only when nothing was fatal.
    // The function reads the XR and the observed resources after a protobuf round trip.
    let oxr = &normalize(state.composite.clone());
    let mut dxr = match &state.desired_composite {
        Value::Object(m) => Value::Object(m.clone()),
        _ => Value::Object(Map::new()),
    };
    for k in ["apiVersion", "kind"] {
        if let Some(v) = oxr.get(k) {
            dxr[k] = v.clone();
        }
    }
    let mut env = match state.context.get(ENVIRONMENT_KEY) {
        Some(Value::Object(m)) => Value::Object(m.clone()),
        Some(Value::Null) | None => Value::Object(Map::new()),
        Some(other) => {
            return fatal(
                format!(
                    "cannot get Composition environment from context key {ENVIRONMENT_KEY:?}: not an object: {other}"
                ),
                step_span,
            )
        }
    };
    if env.get("apiVersion").is_none() && env.get("kind").is_none() {
        env["apiVersion"] = json!(ENV_API);
        env["kind"] = json!("Environment");
    }
    let mut work = Work::default();
    let mut results = Vec::new();

    for (i, p) in env_patches.iter().enumerate() {
        let out = match p.ty.as_str() {
            "FromCompositeFieldPath" | "ToEnvironmentFieldPath" | "CombineFromComposite" => {
                p.apply(oxr, &mut env, &mut work)
            }
            _ => p.apply(&env.clone(), &mut dxr, &mut work),
        };
        if let Err(e) = out {
            if e.is_not_found() && p.source_policy() == "Optional" {
                continue;
            }
            return fatal(
                format!(
                    "cannot apply the {:?} environment patch at index {i}: {}",
                    p.ty,
                    e.message()
                ),
                p.span,
            );
        }
    }

    let mut desired = state.desired.clone();
    let mut connection = state.desired_connection.clone();
    for t in &templates {
        let previous = desired.iter().position(|(n, _)| *n == t.name);
        let (mut dcd, origin) = match (t.base, previous) {
            (Some(b), _) => (normalize(b.to_json()), Some(span(b))),
            (None, Some(k)) => (desired[k].1.resource.clone(), desired[k].1.origin),
            (None, None) => {
                return fatal(
                    format!(
                        "composed resource {:?} has no base template, and was not produced by a previous Function in the pipeline",
                        t.name
                    ),
                    step_span,
                )
            }
        };
        if !dcd.is_object() {
            return fatal(
                format!(
                    "cannot parse base template of composed resource {:?}: not an object",
                    t.name
                ),
                origin.unwrap_or(step_span),
            );
        }
        let observed = state.observed.get(&t.name).map(|o| Observed {
            resource: normalize(o.resource.clone()),
            connection_details: o.connection_details.clone(),
        });
        let ocd = observed.as_ref();
        let mut ready = Ready::Unspecified;
        if let Some(o) = ocd {
            for k in ["namespace", "name"] {
                match o.resource.pointer(&format!("/metadata/{k}")).and_then(Value::as_str) {
                    Some(v) if !v.is_empty() => dcd["metadata"][k] = json!(v),
                    _ => {
                        if let Some(m) = dcd.get_mut("metadata").and_then(Value::as_object_mut) {
                            m.shift_remove(k);
                        }
                    }
                }
            }
            match ready::extract_connection(&o.resource, &o.connection_details, &t.connection) {
                Ok(c) => connection.extend(c),
                Err((e, at)) => results.push(result(
                    Severity::Warning,
                    format!(
                        "cannot extract composite resource connection details from composed resource {:?}: {e}",
                        t.name
                    ),
                    at,
                )),
            }
            match ready::is_ready(&o.resource, &t.readiness) {
                Ok(true) => ready = Ready::True,
                Ok(false) => {}
                Err((e, at)) => results.push(result(
                    Severity::Warning,
                    format!("cannot check readiness of composed resource {:?}: {e}", t.name),
                    at.unwrap_or(step_span),
                )),
            }
        }
        let mut skip = false;
        for (i, p) in t.patches.iter().enumerate() {
            let to_composed = p.to_composed();
            let out = match (ocd, p.ty.as_str()) {
                (None, _) if !to_composed => Ok(()),
                (Some(o), "ToCompositeFieldPath" | "CombineToComposite") => p.apply(&o.resource, &mut dxr, &mut work),
                (Some(o), "ToEnvironmentFieldPath" | "CombineToEnvironment") => {
                    p.apply(&o.resource, &mut env, &mut work)
                }
                (_, "FromCompositeFieldPath" | "CombineFromComposite") => p.apply(oxr, &mut dcd, &mut work),
                (_, "FromEnvironmentFieldPath" | "CombineFromEnvironment") => p.apply(&env, &mut dcd, &mut work),
                _ => Ok(()),
            };
            let Err(e) = out else { continue };
            if let patch::Miss::Error(m) = &e {
                if work.over_budget() {
                    return fatal(m.clone(), p.span);
                }
            }
            if !e.is_not_found() {
                return fatal(
                    format!(
                        "cannot render composed resource {:?} {:?} patch at index {i}: {}",
                        t.name,
                        p.ty,
                        e.message()
                    ),
                    p.span,
                );
            }
            if p.source_policy() == "Required" {
                if to_composed && ocd.is_none() {
                    results.push(result(
                        Severity::Warning,
                        format!(
                            "not adding new composed resource {:?} to desired state because {:?} patch at index {i} has 'policy.fromFieldPath: Required': {}",
                            t.name,
                            p.ty,
                            e.message()
                        ),
                        p.span,
                    ));
                    skip = true;
                    break;
                }
                results.push(result(
                    Severity::Warning,
                    format!(
                        "cannot render composed resource {:?} {:?} patch at index {i}: ignoring 'policy.fromFieldPath: Required' because 'to' resource already exists: {}",
                        t.name,
                        p.ty,
                        e.message()
                    ),
                    p.span,
                ));
            }
        }
        if skip {
            // The function also marks the desired composite not ready here (see above).
            continue;
        }
        let r = Resource {
            resource: dcd,
            ready,
            origin,
            step: step_index,
        };
        match previous {
            Some(k) => {
                let first = desired[k].1.step;
                desired[k].1 = Resource { step: first, ..r };
            }
            None => desired.push((t.name.clone(), r)),
        }
    }

    // A v2 XR (one with spec.crossplane) has no connection details of its own: the function
    // composes a Secret holding them.
    if oxr.pointer("/spec/crossplane").is_some() && !connection.is_empty() {
        let ref_node = input.and_then(|i| i.get("writeConnectionSecretToRef"));
        match ready::connection_secret(oxr, &connection, ref_node.map(Node::to_json).as_ref(), &mut work) {
            Ok(secret) => {
                let xr_name = oxr.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
                let name = format!("{xr_name}-connection-secret");
                let r = Resource {
                    resource: secret,
                    ready: Ready::True,
                    origin: ref_node.map(span),
                    step: step_index,
                };
                match desired.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, old)) => *old = Resource { step: old.step, ..r },
                    None => desired.push((name, r)),
                }
            }
            Err(e) => {
                return fatal(
                    format!("cannot compose connection secret: {e}"),
                    ref_node.map_or(step_span, span),
                )
            }
        }
    }

    state.desired_composite = dxr;
    state.desired = desired;
    state.desired_connection = connection;
    state.context.insert(ENVIRONMENT_KEY.to_string(), env);
    results
}

/// The base64 text of connection secret data, as a Secret's `data` holds it.
fn b64(v: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(v)
}

#[cfg(test)]
mod tests;
