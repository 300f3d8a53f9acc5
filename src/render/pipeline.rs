//! A Composition's function pipeline run in process for one XR, step by step, as Crossplane
//! runs it (`crossplane render` without Docker): each step gets the state the previous one
//! left, a fatal result stops the pipeline, and a function portalint cannot run is reported
//! once (`render-unsupported`) and its step skipped.
//!
//! The functions are told apart by their input's API group, then by the function's name
//! (the `functionRef`), as [`crate::model::composition::Step`] does: function-go-templating,
//! function-patch-and-transform, function-auto-ready and function-environment-configs.

use serde_json::{json, Map, Value};

use crate::model::composition::Step;
use crate::model::{Composition, Doc};
use crate::parse::source::Span;

use super::{FnResult, Observed, Ready, Severity, State, ENVIRONMENT_KEY};

/// Which in-process function runs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// function-go-templating.
    GoTemplating,
    /// function-patch-and-transform.
    PatchAndTransform,
    /// function-auto-ready.
    AutoReady,
    /// function-environment-configs.
    EnvironmentConfigs,
}

impl Function {
    /// The function a step runs, when portalint can run it.
    pub fn of(step: &Step<'_>) -> Option<Function> {
        if step.is_go_templating() {
            Some(Function::GoTemplating)
        } else if step.is_patch_and_transform() {
            Some(Function::PatchAndTransform)
        } else if step.is_environment_configs() {
            Some(Function::EnvironmentConfigs)
        } else if step.function.is_some_and(|f| f.contains("auto-ready"))
            && (step.input.is_none() || step.input_group() == "autoready.fn.crossplane.io")
        {
            // Recent releases take an input (`ttl`, CEL health check customisations,
            // crossplane-contrib/function-auto-ready `input/v1beta1`); without observed
            // resources it changes nothing a render shows.
            Some(Function::AutoReady)
        } else {
            None
        }
    }
}

/// A result of one step, with the step it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct StepResult {
    /// The step's name (`step`), or its position when it has none.
    pub step: String,
    /// What the function (or portalint, for a step it cannot run) said.
    pub result: FnResult,
    /// True when portalint could not run the step (`render-unsupported`).
    pub unsupported: bool,
}

/// What a render produced.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The state after the last step that ran.
    pub state: State,
    /// Every step's results, in step order.
    pub results: Vec<StepResult>,
    /// True when a step failed (a fatal result): the pipeline stopped there.
    pub failed: bool,
}

/// Runs the pipeline of the Composition `doc` (its file text is `text`) on `state`.
pub fn run(doc: &Doc, text: &str, mut state: State) -> Rendered {
    let comp = Composition { doc, id: 0 };
    let mut results = Vec::new();
    let mut failed = false;
    for (i, step) in comp.steps().iter().enumerate() {
        let name = step.name.map_or_else(|| format!("#{i}"), str::to_string);
        let span = Some(Span::new(doc.file, step.node.start, step.node.end));
        let out = match Function::of(step) {
            Some(Function::GoTemplating) => super::gotemplating::run(doc, text, i, step, &mut state),
            Some(Function::PatchAndTransform) => super::pt::run(doc, text, i, step, &mut state),
            Some(Function::AutoReady) => auto_ready(&mut state),
            Some(Function::EnvironmentConfigs) => environment_configs(step, span, &mut state),
            None => {
                let function = step.function.unwrap_or("(no functionRef)");
                results.push(StepResult {
                    step: name,
                    result: FnResult {
                        severity: Severity::Normal,
                        message: format!("function `{function}` cannot run in process: step skipped"),
                        span,
                    },
                    unsupported: true,
                });
                continue;
            }
        };
        let fatal = out.iter().any(|r| r.severity == Severity::Fatal);
        results.extend(out.into_iter().map(|result| StepResult {
            step: name.clone(),
            result,
            unsupported: false,
        }));
        if fatal {
            failed = true;
            break;
        }
    }
    Rendered { state, results, failed }
}

/// True when an object's `status.conditions` has `Ready` `True`.
fn condition_ready(resource: &Value) -> bool {
    resource
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some("Ready")
                    && c.get("status").and_then(Value::as_str) == Some("True")
            })
        })
}

/// function-auto-ready: a desired resource whose observed counterpart is `Ready` becomes
/// ready; the others keep what earlier steps said.
fn auto_ready(state: &mut State) -> Vec<FnResult> {
    for (name, r) in &mut state.desired {
        if r.ready == Ready::Unspecified && state.observed.get(name).is_some_and(|o| condition_ready(&o.resource)) {
            r.ready = Ready::True;
        }
    }
    Vec::new()
}

/// Merges `from` into `into`: objects key by key, anything else replaced.
fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(old) => merge(old, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (into, from) => *into = from.clone(),
    }
}

/// The extra resources of kind `EnvironmentConfig` given to the render.
fn environment_objects(state: &State) -> Vec<&Value> {
    state
        .extra
        .values()
        .flatten()
        .filter(|v| v.get("kind").and_then(Value::as_str) == Some("EnvironmentConfig"))
        .collect()
}

/// function-environment-configs: the selected EnvironmentConfigs' `data`, merged in order over
/// the input's `defaultData`, into the context's environment.
fn environment_configs(step: &Step<'_>, span: Option<Span>, state: &mut State) -> Vec<FnResult> {
    let fatal = |message: String| {
        vec![FnResult {
            severity: Severity::Fatal,
            message,
            span,
        }]
    };
    let input = step.input.map(|n| n.to_json()).unwrap_or(Value::Null);
    let spec = input.get("spec").cloned().unwrap_or(Value::Null);
    let mut env = state.context.get(ENVIRONMENT_KEY).cloned().unwrap_or_else(|| json!({}));
    if let Some(d) = spec.get("defaultData") {
        merge(&mut env, d);
    }
    let available = environment_objects(state);
    let name_of = |v: &Value| {
        v.pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut chosen: Vec<Value> = Vec::new();
    for (i, sel) in spec
        .get("environmentConfigs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let kind = sel.get("type").and_then(Value::as_str).unwrap_or("Reference");
        match kind {
            "Reference" => {
                let want = sel.pointer("/ref/name").and_then(Value::as_str).unwrap_or("");
                match available.iter().find(|v| name_of(v) == want) {
                    Some(v) => chosen.push((*v).clone()),
                    None => {
                        return fatal(format!(
                            "environmentConfigs[{i}]: EnvironmentConfig {want:?} not found (give it with --environment)"
                        ))
                    }
                }
            }
            "Selector" => {
                let mut labels = Map::new();
                for m in sel
                    .pointer("/selector/matchLabels")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let key = m.get("key").and_then(Value::as_str).unwrap_or("").to_string();
                    let value = match m
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("FromCompositeFieldPath")
                    {
                        "Value" => m.get("value").cloned(),
                        _ => {
                            let path = m.get("valueFromFieldPath").and_then(Value::as_str).unwrap_or("");
                            super::pt::fieldpath::get(&state.composite, path)
                                .ok()
                                .flatten()
                                .cloned()
                        }
                    };
                    match value {
                        Some(v) => {
                            labels.insert(key, v);
                        }
                        None if m.get("fromFieldPathPolicy").and_then(Value::as_str) == Some("Optional") => {}
                        None => return fatal(format!("environmentConfigs[{i}]: no value for label {key:?}")),
                    }
                }
                let mut found: Vec<&Value> = available
                    .iter()
                    .copied()
                    .filter(|v| {
                        labels
                            .iter()
                            .all(|(k, want)| v.pointer("/metadata/labels").and_then(|l| l.get(k)) == Some(want))
                    })
                    .collect();
                found.sort_by_key(|v| name_of(v));
                let mode = sel
                    .pointer("/selector/mode")
                    .and_then(Value::as_str)
                    .unwrap_or("Single");
                if mode == "Single" {
                    match found.as_slice() {
                        [one] => chosen.push((*one).clone()),
                        [] if sel.pointer("/selector/minMatch").is_none() => {
                            return fatal(format!(
                                "environmentConfigs[{i}]: no EnvironmentConfig matches the selector"
                            ))
                        }
                        [] => {}
                        many => {
                            return fatal(format!(
                                "environmentConfigs[{i}]: {} EnvironmentConfigs match a Single selector",
                                many.len()
                            ))
                        }
                    }
                } else {
                    let max = sel
                        .pointer("/selector/maxMatch")
                        .and_then(Value::as_u64)
                        .unwrap_or(u64::MAX);
                    chosen.extend(found.into_iter().take(max as usize).cloned());
                }
            }
            other => return fatal(format!("environmentConfigs[{i}]: unknown type {other:?}")),
        }
    }
    for c in &chosen {
        if let Some(d) = c.get("data") {
            merge(&mut env, d);
        }
    }
    if let Value::Object(m) = &mut env {
        m.insert("apiVersion".into(), json!("internal.crossplane.io/v1alpha1"));
        m.insert("kind".into(), json!("Environment"));
    }
    state.context.insert(ENVIRONMENT_KEY.into(), env);
    Vec::new()
}

/// Whether a desired resource counts as ready for the XR: said so by a function, or, when no
/// function said, `Ready` in its observed conditions.
fn is_ready(name: &str, r: &super::Resource, observed: &std::collections::BTreeMap<String, Observed>) -> bool {
    match r.ready {
        Ready::True => true,
        Ready::False => false,
        Ready::Unspecified => observed.get(name).is_some_and(|o| condition_ready(&o.resource)),
    }
}

/// "a, b, c, and 2 more": the first three names sorted, as Crossplane's condition messages
/// list them.
fn first_names(mut names: Vec<String>) -> String {
    names.sort();
    if names.len() > 3 {
        format!("{}, and {} more", names[..3].join(", "), names.len() - 3)
    } else {
        names.join(", ")
    }
}

/// The objects `crossplane render` prints for a render: the XR with the desired status and
/// its `Ready` condition, then each desired composed resource with the metadata Crossplane
/// adds (name prefix, composite label, resource-name annotation, controller reference),
/// sorted by composition resource name.
pub fn output(rendered: &Rendered) -> Vec<Value> {
    let state = &rendered.state;
    let xr = &state.composite;
    let xr_name = xr.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
    let xr_ns = xr.pointer("/metadata/namespace").and_then(Value::as_str);
    let mut out_xr = json!({
        "apiVersion": xr.get("apiVersion").cloned().unwrap_or(Value::Null),
        "kind": xr.get("kind").cloned().unwrap_or(Value::Null),
        "metadata": {"name": xr_name},
    });
    if let Some(ns) = xr_ns {
        out_xr["metadata"]["namespace"] = json!(ns);
    }
    let mut status = state
        .desired_composite
        .get("status")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let unready: Vec<String> = state
        .desired
        .iter()
        .filter(|(n, r)| !is_ready(n, r, &state.observed))
        .map(|(n, _)| n.clone())
        .collect();
    let condition = if unready.is_empty() {
        json!({"type": "Ready", "status": "True", "reason": "Available"})
    } else {
        json!({"type": "Ready", "status": "False", "reason": "Creating",
               "message": format!("Unready resources: {}", first_names(unready))})
    };
    if let Value::Object(m) = &mut status {
        let conditions = m.entry("conditions").or_insert_with(|| json!([]));
        if let Value::Array(cs) = conditions {
            cs.retain(|c| c.get("type").and_then(Value::as_str) != Some("Ready"));
            cs.push(condition);
        }
    }
    out_xr["status"] = status;
    let mut objects = vec![out_xr];
    let mut desired: Vec<&(String, super::Resource)> = state.desired.iter().collect();
    desired.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, r) in desired {
        let mut obj = r.resource.clone();
        if !obj.is_object() {
            continue;
        }
        let meta = obj
            .as_object_mut()
            .map(|o| o.entry("metadata").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut);
        let Some(meta) = meta else { continue };
        if !xr_name.is_empty() && !meta.contains_key("name") {
            meta.insert("generateName".into(), json!(format!("{xr_name}-")));
        }
        if let (Some(ns), false) = (xr_ns, meta.contains_key("namespace")) {
            meta.insert("namespace".into(), json!(ns));
        }
        let labels = meta.entry("labels").or_insert_with(|| json!({}));
        if let Value::Object(l) = labels {
            l.insert("crossplane.io/composite".into(), json!(xr_name));
        }
        let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
        if let Value::Object(a) = annotations {
            a.insert("crossplane.io/composition-resource-name".into(), json!(name));
        }
        meta.insert(
            "ownerReferences".into(),
            json!([{
                "apiVersion": xr.get("apiVersion").cloned().unwrap_or(Value::Null),
                "kind": xr.get("kind").cloned().unwrap_or(Value::Null),
                "name": xr_name,
                "uid": "",
                "controller": true,
                "blockOwnerDeletion": true,
            }]),
        );
        objects.push(obj);
    }
    objects
}

/// A step's results as `crossplane render --include-function-results` prints them.
pub fn result_objects(rendered: &Rendered) -> Vec<Value> {
    rendered
        .results
        .iter()
        .map(|r| {
            let severity = match r.result.severity {
                Severity::Fatal => "SEVERITY_FATAL",
                Severity::Warning => "SEVERITY_WARNING",
                Severity::Normal => "SEVERITY_NORMAL",
            };
            json!({
                "apiVersion": "render.crossplane.io/v1beta1",
                "kind": "Result",
                "step": r.step,
                "severity": severity,
                "message": r.result.message,
            })
        })
        .collect()
}

/// Observed composed resources from their objects: each names itself by the
/// `crossplane.io/composition-resource-name` annotation, as `crossplane render
/// --observed-resources` reads them.
pub fn observed_from(objects: Vec<Value>) -> Result<std::collections::BTreeMap<String, Observed>, String> {
    let mut out = std::collections::BTreeMap::new();
    for (i, o) in objects.into_iter().enumerate() {
        let Some(name) = o
            .pointer("/metadata/annotations/crossplane.io~1composition-resource-name")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return Err(format!(
                "observed resource #{} has no `crossplane.io/composition-resource-name` annotation",
                i + 1
            ));
        };
        out.insert(
            name,
            Observed {
                resource: o,
                connection_details: Default::default(),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::classify_doc;
    use crate::parse::source::FileId;

    fn render(comp: &str, xr: Value, observed: Vec<Value>) -> Rendered {
        let parsed = crate::parse::yaml::parse(comp);
        let doc = classify_doc(FileId(0), "composition.yaml", parsed.docs[0].root.clone());
        let state = State {
            composite: xr,
            observed: observed_from(observed).unwrap(),
            ..State::default()
        };
        run(&doc, comp, state)
    }

    const COMP: &str = r#"apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: c
spec:
  compositeTypeRef:
    apiVersion: example.org/v1
    kind: XBucket
  mode: Pipeline
  pipeline:
    - step: render
      functionRef:
        name: function-go-templating
      input:
        apiVersion: gotemplating.fn.crossplane.io/v1beta1
        kind: GoTemplate
        source: Inline
        inline:
          template: |
            apiVersion: s3.aws.upbound.io/v1beta1
            kind: Bucket
            metadata:
              annotations:
                gotemplating.fn.crossplane.io/composition-resource-name: bucket
            spec:
              forProvider:
                region: {{ .observed.composite.resource.spec.region }}
    - step: cue
      functionRef:
        name: function-cue
      input:
        apiVersion: cue.fn.crossplane.io/v1beta1
        kind: CUEInput
    - step: ready
      functionRef:
        name: function-auto-ready
"#;

    #[test]
    fn the_pipeline_runs_in_order_skips_what_it_cannot_run_and_auto_ready_reads_the_observed_state() {
        let xr = json!({"apiVersion": "example.org/v1", "kind": "XBucket", "metadata": {"name": "b1"}, "spec": {"region": "eu-west-1"}});
        let first = render(COMP, xr.clone(), vec![]);
        assert!(!first.failed);
        assert_eq!(first.results.len(), 1);
        assert!(first.results[0].unsupported);
        assert_eq!(first.results[0].step, "cue");
        let out = output(&first);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1]["spec"]["forProvider"]["region"], json!("eu-west-1"));
        assert_eq!(out[1]["metadata"]["generateName"], json!("b1-"));
        assert_eq!(
            out[1]["metadata"]["annotations"]["crossplane.io/composition-resource-name"],
            json!("bucket")
        );
        assert_eq!(
            out[0]["status"]["conditions"][0]["message"],
            json!("Unready resources: bucket")
        );

        let observed = json!({"apiVersion": "s3.aws.upbound.io/v1beta1", "kind": "Bucket",
            "metadata": {"annotations": {"crossplane.io/composition-resource-name": "bucket"}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}});
        let second = render(COMP, xr, vec![observed]);
        assert_eq!(second.state.desired[0].1.ready, Ready::True);
        assert_eq!(
            output(&second)[0]["status"]["conditions"][0]["reason"],
            json!("Available")
        );
    }

    #[test]
    fn a_fatal_result_stops_the_pipeline() {
        let comp = COMP.replace("{{ .observed", "{{ .nope.nope.nope | required \"x\" }}{{ .observed");
        let xr = json!({"apiVersion": "example.org/v1", "kind": "XBucket", "metadata": {"name": "b1"}, "spec": {"region": "r"}});
        let r = render(&comp, xr, vec![]);
        assert!(r.failed, "{:?}", r.results);
        assert!(
            r.results.iter().all(|x| x.step == "render"),
            "no later step ran: {:?}",
            r.results
        );
    }

    #[test]
    fn environment_configs_merge_in_order_over_the_default_data() {
        let comp = r#"apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: c
spec:
  compositeTypeRef:
    apiVersion: example.org/v1
    kind: X
  pipeline:
    - step: env
      functionRef:
        name: function-environment-configs
      input:
        apiVersion: environmentconfigs.fn.crossplane.io/v1beta1
        kind: Input
        spec:
          defaultData:
            region: default
            tier: free
          environmentConfigs:
            - type: Reference
              ref:
                name: base
            - type: Selector
              selector:
                matchLabels:
                  - key: stage
                    type: FromCompositeFieldPath
                    valueFromFieldPath: spec.stage
"#;
        let parsed = crate::parse::yaml::parse(comp);
        let doc = classify_doc(FileId(0), "c.yaml", parsed.docs[0].root.clone());
        let mut state = State {
            composite: json!({"apiVersion": "example.org/v1", "kind": "X", "metadata": {"name": "x"}, "spec": {"stage": "prod"}}),
            ..State::default()
        };
        state.extra.insert(
            "environment".into(),
            vec![
                json!({"kind": "EnvironmentConfig", "metadata": {"name": "base"}, "data": {"region": "eu", "nested": {"a": 1}}}),
                json!({"kind": "EnvironmentConfig", "metadata": {"name": "p", "labels": {"stage": "prod"}}, "data": {"nested": {"b": 2}, "tier": "gold"}}),
                json!({"kind": "EnvironmentConfig", "metadata": {"name": "d", "labels": {"stage": "dev"}}, "data": {"tier": "dev"}}),
            ],
        );
        let r = run(&doc, comp, state);
        assert!(r.results.is_empty(), "{:?}", r.results);
        let env = &r.state.context[ENVIRONMENT_KEY];
        assert_eq!(env["region"], json!("eu"));
        assert_eq!(env["tier"], json!("gold"));
        assert_eq!(env["nested"], json!({"a": 1, "b": 2}));
    }
}
