//! `run` on Compositions written as text: where results and origins point, what a Fatal
//! result leaves, and hostile input (each ends in a Fatal result, quickly).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::run;
use crate::model::{classify_doc, Composition};
use crate::parse::source::FileId;
use crate::render::{FnResult, Observed, Ready, Severity, State};

/// A Composition whose one step has `input` (YAML, indented under `input:`).
fn composition(input: &str) -> String {
    let body: String = input.lines().map(|l| format!("      {l}\n")).collect();
    format!(
        "apiVersion: apiextensions.crossplane.io/v1\nkind: Composition\nmetadata:\n  name: c\nspec:\n  compositeTypeRef:\n    apiVersion: example.org/v1\n    kind: XR\n  mode: Pipeline\n  pipeline:\n  - step: pt\n    functionRef:\n      name: function-patch-and-transform\n    input:\n      apiVersion: pt.fn.crossplane.io/v1beta1\n      kind: Resources\n{body}"
    )
}

fn run_text(text: &str, state: &mut State) -> Vec<FnResult> {
    let parsed = crate::parse::yaml::parse(text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let root = parsed.docs.into_iter().next().expect("doc").root;
    let doc = classify_doc(FileId(0), "c.yaml", root);
    let c = Composition { doc: &doc, id: 0 };
    let steps = c.steps();
    run(&doc, text, 0, &steps[0], state)
}

fn xr(spec: Value) -> State {
    State {
        composite: json!({"apiVersion": "example.org/v1", "kind": "XR", "metadata": {"name": "x"}, "spec": spec}),
        ..State::default()
    }
}

fn slice(text: &str, r: &FnResult) -> String {
    let s = r.span.expect("span");
    text[s.start as usize..s.end as usize].to_string()
}

#[test]
fn renders_with_origin_at_the_base_and_errors_at_the_patch() {
    let text = composition(
        "resources:\n- name: db\n  base:\n    apiVersion: example.org/v1\n    kind: DB\n  patches:\n  - fromFieldPath: spec.size\n    toFieldPath: spec.forProvider.size\n    transforms:\n    - type: map\n      map:\n        small: 1\n",
    );
    let mut state = xr(json!({"size": "small"}));
    let results = run_text(&text, &mut state);
    assert!(results.is_empty(), "{results:?}");
    let (name, r) = &state.desired[0];
    assert_eq!(name, "db");
    assert_eq!(r.resource["spec"]["forProvider"]["size"], json!(1));
    let o = r.origin.expect("origin");
    assert!(text[o.start as usize..o.end as usize].starts_with("apiVersion: example.org/v1\n"));
    assert_eq!(
        state.context["apiextensions.crossplane.io/environment"]["kind"],
        json!("Environment")
    );

    // An unmapped key: Fatal at the patch, and the state as it was.
    let mut state = xr(json!({"size": "huge"}));
    let before = state.desired.clone();
    let results = run_text(&text, &mut state);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].severity, Severity::Fatal);
    assert_eq!(
        results[0].message,
        "cannot render composed resource \"db\" \"FromCompositeFieldPath\" patch at index 0: transform at index 0 returned error: map transform could not resolve: key huge is not found in map"
    );
    assert!(slice(&text, &results[0]).starts_with("fromFieldPath: spec.size"));
    assert_eq!(state.desired, before);
    assert!(state.context.is_empty(), "a failed step leaves no context");
}

#[test]
fn invalid_input_points_at_the_resource() {
    let text = composition("resources:\n- base:\n    apiVersion: v1\n    kind: ConfigMap\n");
    let results = run_text(&text, &mut xr(json!({})));
    assert_eq!(
        results[0].message,
        "invalid Function input: resources[0].name: Required value: name is required"
    );
    assert!(slice(&text, &results[0]).starts_with("base:"));
}

#[test]
fn readiness_and_connection_details_read_the_observed_resource() {
    let text = composition(
        "resources:\n- name: db\n  base:\n    apiVersion: example.org/v1\n    kind: DB\n  readinessChecks:\n  - type: MatchString\n    fieldPath: status.atProvider.state\n    matchString: available\n  connectionDetails:\n  - name: port\n    type: FromValue\n    value: \"5432\"\n  - name: host\n    type: FromFieldPath\n    fromFieldPath: status.atProvider.address\n  - name: password\n    type: FromConnectionSecretKey\n    fromConnectionSecretKey: attribute.password\n",
    );
    let mut state = xr(json!({}));
    // A first render: nothing observed, nothing ready, no connection details.
    assert!(run_text(&text, &mut state).is_empty());
    assert_eq!(state.desired[0].1.ready, Ready::Unspecified);
    assert!(state.desired_connection.is_empty());

    let mut state = xr(json!({}));
    state.observed.insert(
        "db".into(),
        Observed {
            resource: json!({"metadata": {"name": "db-abc"}, "status": {"atProvider": {"state": "available", "address": "db.local"}}}),
            connection_details: [("attribute.password".to_string(), b"s3cret".to_vec())].into(),
        },
    );
    assert!(run_text(&text, &mut state).is_empty());
    let r = &state.desired[0].1;
    assert_eq!(r.ready, Ready::True);
    assert_eq!(r.resource["metadata"]["name"], json!("db-abc"));
    let c: Vec<(String, String)> = state
        .desired_connection
        .iter()
        .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    assert_eq!(
        c,
        [("host", "db.local"), ("password", "s3cret"), ("port", "5432")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn merge_policies_follow_crossplane_runtime() {
    let text = composition(
        "resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n    data:\n      keep: base\n    list: [a]\n  patches:\n  - fromFieldPath: spec.data\n    toFieldPath: data\n    policy:\n      toFieldPath: MergeObjects\n  - fromFieldPath: spec.list\n    toFieldPath: list\n    policy:\n      toFieldPath: MergeObjectsAppendArrays\n  - type: CombineFromComposite\n    combine:\n      variables:\n      - fromFieldPath: spec.a\n      - fromFieldPath: spec.b\n      strategy: string\n      string:\n        fmt: \"%s-%03d\"\n    toFieldPath: metadata.name\n",
    );
    let mut state = xr(json!({"data": {"keep": "xr", "new": "xr"}, "list": ["a", "b"], "a": "db", "b": 7}));
    assert!(run_text(&text, &mut state).is_empty());
    let r = &state.desired[0].1.resource;
    assert_eq!(r["data"], json!({"keep": "base", "new": "xr"}));
    assert_eq!(r["list"], json!(["a", "b"]));
    assert_eq!(r["metadata"]["name"], json!("db-007"));
}

/// Runs `text` and asserts one Fatal result whose message contains `what`, within a bound.
fn fails_quickly(text: &str, state: &mut State, what: &str) {
    let t = Instant::now();
    let results = run_text(text, state);
    let took = t.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0].severity, Severity::Fatal);
    assert!(results[0].message.contains(what), "{}", results[0].message);
    assert!(state.desired.is_empty());
}

#[test]
fn hostile_patch_counts_end_in_a_fatal_result() {
    // 100 000 patches on one resource.
    let mut input =
        String::from("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n");
    for i in 0..100_000 {
        input.push_str(&format!("  - fromFieldPath: spec.a\n    toFieldPath: data.k{i}\n"));
    }
    fails_quickly(
        &composition(&input),
        &mut xr(json!({"a": "x"})),
        "more than 10000 patches",
    );

    // A PatchSet of 1 000 patches referenced 1 000 times (a million after expansion).
    let mut input = String::from("patchSets:\n- name: s\n  patches:\n");
    for i in 0..1_000 {
        input.push_str(&format!("  - fromFieldPath: spec.a\n    toFieldPath: data.k{i}\n"));
    }
    input.push_str("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n");
    for _ in 0..1_000 {
        input.push_str("  - type: PatchSet\n    patchSetName: s\n");
    }
    fails_quickly(
        &composition(&input),
        &mut xr(json!({"a": "x"})),
        "more than 10000 patches",
    );
}

#[test]
fn hostile_values_and_paths_end_in_a_fatal_result() {
    // A 9 999 999-wide fmt, copied by 1 000 patches: past the bytes a step may write.
    let mut input = String::from("patchSets:\n- name: s\n  patches:\n  - fromFieldPath: spec.a\n    toFieldPath: data.big\n    transforms:\n    - type: string\n      string:\n        type: Format\n        fmt: \"%9999999s\"\n");
    input.push_str("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n");
    for _ in 0..1_000 {
        input.push_str("  - type: PatchSet\n    patchSetName: s\n");
    }
    fails_quickly(
        &composition(&input),
        &mut xr(json!({"a": "x"})),
        "MiB (portalint's limit)",
    );

    // A combine that formats a width past Go's bound prints `%!(NOVERB)`, as Go does.
    let text = composition("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n  - type: CombineFromComposite\n    combine:\n      variables:\n      - fromFieldPath: spec.a\n      strategy: string\n      string:\n        fmt: \"%99999999999999999999999s\"\n    toFieldPath: data.x\n");
    let mut state = xr(json!({"a": "x"}));
    assert!(run_text(&text, &mut state).is_empty());
    assert_eq!(
        state.desired[0].1.resource["data"]["x"],
        json!("%!(NOVERB)%!(EXTRA string=x)")
    );

    // A 100 000-segment field path, to and from.
    let deep = vec!["a"; 100_000].join(".");
    let text = composition(&format!("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n  - fromFieldPath: spec.a\n    toFieldPath: {deep}\n"));
    fails_quickly(&text, &mut xr(json!({"a": "x"})), "more than 256 segments");
    let text = composition(&format!("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n  - fromFieldPath: {deep}\n    toFieldPath: data.x\n"));
    fails_quickly(&text, &mut xr(json!({"a": "x"})), "more than 256 segments");

    // An index of four billion.
    let text = composition("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n  - fromFieldPath: spec.a\n    toFieldPath: data.x[4000000000]\n");
    fails_quickly(&text, &mut xr(json!({"a": "x"})), "max allowed index");

    // Multiplying past i64 wraps as Go's int64 does, without a panic.
    let text = composition("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n  - fromFieldPath: spec.n\n    toFieldPath: data.n\n    transforms:\n    - type: math\n      math:\n        type: Multiply\n        multiply: 4\n");
    let mut state = xr(json!({"n": i64::MAX}));
    assert!(run_text(&text, &mut state).is_empty());
    assert_eq!(state.desired[0].1.resource["data"]["n"], json!(-4));
}

#[test]
fn transforms_are_validated_before_anything_runs() {
    // The source is absent (the patch would be skipped), but the function rejects the
    // input first: an empty map.
    let text = composition("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n  - fromFieldPath: spec.absent\n    toFieldPath: data.x\n    transforms:\n    - type: map\n      map: {}\n");
    let results = run_text(&text, &mut xr(json!({})));
    assert_eq!(
        results[0].message,
        "invalid Function input: resources[0].patches[0].transforms[0].map.pairs: Required value: at least one pair must be specified if a map transform is specified"
    );
    assert!(slice(&text, &results[0]).starts_with("fromFieldPath: spec.absent"));
    let text = composition("resources:\n- name: r\n  base:\n    apiVersion: v1\n    kind: ConfigMap\n  patches:\n  - fromFieldPath: spec.absent\n    transforms:\n    - type: string\n      string:\n        type: Regexp\n        regexp:\n          match: \"[a-\"\n");
    let results = run_text(&text, &mut xr(json!({})));
    assert_eq!(
        results[0].message,
        "invalid Function input: resources[0].patches[0].transforms[0].string.regexp.match: Invalid value: \"[a-\": invalid regexp"
    );
}
