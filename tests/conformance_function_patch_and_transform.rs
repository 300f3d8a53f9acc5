//! function-patch-and-transform's own test tables (`fn_test.go`, `ready_test.go`,
//! `patches_test.go`; `tests/conformance/function_patch_and_transform/cases.json`, source in
//! its `SOURCE.md`), each run through portalint's in-process function
//! (`portalint::render::pt::run`) as one pipeline step of a Composition: a case agrees when
//! the desired state and the results are the table's. Prints `agree/total`, lists every
//! disagreement, and fails below `THRESHOLD`; cases where we differ on purpose are listed in
//! `DIFFERENCES.md` with why.
//!
//! Besides, the function's `example/` folder is rendered and compared with the
//! `crossplane render` output its README publishes (`example.expected.json`).
//!
//! `cargo test --test conformance_function_patch_and_transform -- --nocapture` prints the
//! report.

mod common;
use common::{listed, threshold};

use portalint::model::{classify_doc, Composition};
use portalint::render::{self, Observed, Ready, Severity, State, ENVIRONMENT_KEY};
use portalint::source::FileId;
use serde_json::{json, Value as J};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SUITE: &str = "function_patch_and_transform";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(SUITE)
}

/// What one run of the step left.
struct Got {
    composite: J,
    connection: BTreeMap<String, Vec<u8>>,
    resources: BTreeMap<String, (J, Ready)>,
    environment: Option<J>,
    results: Vec<(String, String)>,
}

/// Runs the step whose input is `input` on `state`, from a Composition written as text.
fn run_step(input: &J, mut state: State) -> Got {
    let mut input = input.clone();
    input["apiVersion"] = json!("pt.fn.crossplane.io/v1beta1");
    input["kind"] = json!("Resources");
    let composition = json!({
        "apiVersion": "apiextensions.crossplane.io/v1",
        "kind": "Composition",
        "metadata": {"name": "conformance"},
        "spec": {
            "compositeTypeRef": {"apiVersion": "example.org/v1", "kind": "XR"},
            "mode": "Pipeline",
            "pipeline": [{
                "step": "patch-and-transform",
                "functionRef": {"name": "function-patch-and-transform"},
                "input": input,
            }],
        },
    });
    let text = serde_json::to_string_pretty(&composition).expect("json");
    let parsed = portalint::yaml::parse(&text);
    assert!(
        parsed.problems.is_empty(),
        "the case's Composition parses: {:?}",
        parsed.problems
    );
    let root = parsed.docs.into_iter().next().expect("one document").root;
    let doc = classify_doc(FileId(0), "composition.yaml", root);
    let c = Composition { doc: &doc, id: 0 };
    let steps = c.steps();
    assert!(steps[0].is_patch_and_transform(), "the step is recognised");
    let results = render::pt::run(&doc, &text, 0, &steps[0], &mut state);
    for r in &results {
        let s = r.span.expect("every result has a span");
        assert!(s.end as usize <= text.len(), "span inside the file");
    }
    Got {
        composite: state.desired_composite,
        connection: state.desired_connection,
        resources: state
            .desired
            .into_iter()
            .map(|(n, r)| (n, (r.resource, r.ready)))
            .collect(),
        environment: state.context.get(ENVIRONMENT_KEY).cloned(),
        results: results
            .into_iter()
            .map(|r| {
                let sev = match r.severity {
                    Severity::Fatal => "Fatal",
                    Severity::Warning => "Warning",
                    Severity::Normal => "Normal",
                };
                (sev.to_string(), r.message)
            })
            .collect(),
    }
}

fn bytes(m: Option<&J>) -> BTreeMap<String, Vec<u8>> {
    m.and_then(J::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").as_bytes().to_vec()))
        .collect()
}

/// The request state of a full case (`observed`, `desired`, `context`).
fn state_of(case: &J) -> State {
    let o = &case["observed"];
    let d = &case["desired"];
    State {
        composite: o.get("composite").cloned().unwrap_or(J::Null),
        composite_connection: BTreeMap::new(),
        observed: o
            .get("resources")
            .and_then(J::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                (
                    k.clone(),
                    Observed {
                        resource: v.get("resource").cloned().unwrap_or(json!({})),
                        connection_details: bytes(v.get("connectionDetails")),
                    },
                )
            })
            .collect(),
        desired_composite: d.get("composite").cloned().unwrap_or(J::Null),
        desired_connection: bytes(d.get("connectionDetails")),
        desired: d
            .get("resources")
            .and_then(J::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                (
                    k.clone(),
                    render::Resource {
                        resource: v.clone(),
                        ready: Ready::Unspecified,
                        origin: None,
                        step: 0,
                    },
                )
            })
            .collect(),
        context: case.get("context").and_then(J::as_object).cloned().unwrap_or_default(),
        extra: BTreeMap::new(),
        replaced: Vec::new(),
    }
}

/// A want of the full form: what the function returns.
fn compare(want: &J, got: &Got) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = want.get("composite") {
        if *c != got.composite {
            out.push(format!("desired composite: want {c}, got {}", got.composite));
        }
    }
    if let Some(c) = want.get("connectionDetails") {
        let w = bytes(Some(c));
        if w != got.connection {
            out.push(format!("connection details: want {w:?}, got {:?}", got.connection));
        }
    }
    if want.get("compositeReady").is_some() {
        out.push("the desired composite's readiness is not part of portalint's pipeline state".into());
    }
    if let Some(rs) = want.get("resources").and_then(J::as_object) {
        let names: BTreeSet<&String> = rs.keys().collect();
        let got_names: BTreeSet<&String> = got.resources.keys().collect();
        if names != got_names {
            out.push(format!("resources: want {names:?}, got {got_names:?}"));
        }
        for (n, w) in rs {
            let Some((r, ready)) = got.resources.get(n) else {
                continue;
            };
            if w["resource"] != *r {
                out.push(format!("resource {n}: want {}, got {r}", w["resource"]));
            }
            let want_ready = match w.get("ready").and_then(J::as_str) {
                Some("True") => Ready::True,
                Some("False") => Ready::False,
                _ => Ready::Unspecified,
            };
            if want_ready != *ready {
                out.push(format!("resource {n}: want ready {want_ready:?}, got {ready:?}"));
            }
        }
    }
    if let Some(e) = want.get("environment") {
        if Some(e) != got.environment.as_ref() {
            out.push(format!("environment: want {e}, got {:?}", got.environment));
        }
    }
    let want_results: Vec<(String, String)> = want
        .get("results")
        .and_then(J::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["severity"].as_str().unwrap_or("").to_string(),
                r["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    if want_results != got.results {
        out.push(format!("results: want {want_results:?}, got {:?}", got.results));
    }
    out
}

const CD: &str = r#"{"apiVersion":"example.org/v1","kind":"CD"}"#;

/// Turns a case of the compact forms (a readiness check table, a patch table, a transform
/// table) into the full form: the step input, the request state and what the function
/// returns for it (fn.go and validate.go decide the wrapping of each error).
fn expand(case: &J) -> (J, State, J) {
    let cd: J = serde_json::from_str(CD).expect("cd");
    let xr = json!({"apiVersion": "example.org/v1", "kind": "XR"});
    let mut state = State::default();
    if let Some(r) = case.get("ready") {
        let input = json!({"resources": [{"name": "r", "base": cd, "readinessChecks": r["checks"]}]});
        state.composite = xr.clone();
        state.observed.insert(
            "r".into(),
            Observed {
                resource: r["object"].clone(),
                connection_details: BTreeMap::new(),
            },
        );
        let want = match case["want"].get("error").and_then(J::as_str) {
            Some(e) => match e.split_once(": invalid: ") {
                Some((_, v)) => json!({"resources": {}, "results": [{"severity": "Fatal",
                    "message": format!("invalid Function input: resources[0].readinessChecks[0].{v}")}]}),
                None => json!({"resources": {"r": {"resource": cd}}, "results": [{"severity": "Warning",
                    "message": format!("cannot check readiness of composed resource \"r\": {e}")}]}),
            },
            None => {
                let ready = if case["want"]["ready"] == json!(true) {
                    "True"
                } else {
                    "Unspecified"
                };
                json!({"resources": {"r": {"resource": cd, "ready": ready}}})
            }
        };
        return (input, state, want);
    }
    if let Some(p) = case.get("patch") {
        let input = json!({"resources": [{"name": "cd", "base": p["to"], "patches": [p["patch"]]}]});
        state.composite = p["from"].clone();
        let w = &case["want"];
        let ty = p["patch"]["type"].as_str().unwrap_or("FromCompositeFieldPath");
        let want = match w.get("error").and_then(J::as_str) {
            Some(_) if w.get("notFound").is_some() => json!({"resources": {"cd": {"resource": w["to"]}}}),
            Some(e) => json!({"resources": {}, "results": [{"severity": "Fatal",
                "message": format!("cannot render composed resource \"cd\" \"{ty}\" patch at index 0: {e}")}]}),
            None => json!({"resources": {"cd": {"resource": w["to"]}}}),
        };
        return (input, state, want);
    }
    (case["input"].clone(), state_of(case), case["want"].clone())
}

/// A transform case (one transform, `ResolveMap` and its siblings; or a list,
/// `ResolveTransforms`) runs the transforms directly; every other case runs a step.
fn check(case: &J) -> Vec<String> {
    use portalint::render::pt::transforms;
    let direct = if let Some(t) = case.get("transform") {
        Some(transforms::apply(&t["transform"], &t["input"]))
    } else {
        case.get("transforms").map(|t| {
            transforms::resolve_all(
                t["transforms"].as_array().map_or(&[][..], Vec::as_slice),
                t["input"].clone(),
            )
        })
    };
    let Some(got) = direct else {
        let (input, state, want) = expand(case);
        return compare(&want, &run_step(&input, state));
    };
    let want = match case["want"].get("error").and_then(J::as_str) {
        Some(e) => Err(e.to_string()),
        None => Ok(case["want"]["output"].clone()),
    };
    if got == want {
        Vec::new()
    } else {
        vec![format!("want {want:?}, got {got:?}")]
    }
}

#[test]
fn function_patch_and_transform() {
    let dir = suite_dir();
    let data = std::fs::read_to_string(dir.join("cases.json")).unwrap_or_else(|e| {
        panic!(
            "{}/cases.json is missing ({e}): the suite's data must be there",
            dir.display()
        )
    });
    let cases: Vec<J> = serde_json::from_str(&data).expect("cases.json is a JSON array");
    assert!(!cases.is_empty(), "cases.json holds no case");
    let total = cases.len();
    let need = threshold(
        &std::fs::read_to_string(dir.join("THRESHOLD")).expect("THRESHOLD"),
        total,
    );
    let differences = listed(&std::fs::read_to_string(dir.join("DIFFERENCES.md")).unwrap_or_default());
    let mut agree = 0;
    let mut lines = Vec::new();
    let mut seen = BTreeSet::new();
    for case in &cases {
        let id = case["id"].as_str().expect("id").to_string();
        assert!(seen.insert(id.clone()), "duplicate case {id}");
        let diffs = check(case);
        if diffs.is_empty() {
            agree += 1;
            assert!(
                !differences.contains_key(&id),
                "DIFFERENCES.md lists {id}, which now agrees: remove it"
            );
        } else if differences.contains_key(&id) {
            agree += 1;
            lines.push(format!("  listed   {id}: {}", diffs.join("; ")));
        } else {
            lines.push(format!("  DISAGREE {id}: {}", diffs.join("; ")));
        }
    }
    for k in differences.keys() {
        assert!(seen.contains(k), "DIFFERENCES.md lists {k}, which is no case");
    }
    println!("{SUITE}: {agree}/{total} agree (threshold {need})");
    for l in &lines {
        println!("{l}");
    }
    assert!(
        agree >= need,
        "{SUITE}: {agree}/{total} agree, below the threshold {need}"
    );
}

/// Renders an example folder (composition.yaml, xr.yaml) through its pipeline, running the
/// patch-and-transform and go-templating steps in process, and compares each desired
/// resource with the `crossplane render` output the function's README publishes
/// (expected.yaml), less what Crossplane itself adds to every composed resource (the
/// composition-resource-name annotation, generateName, the composite label, the owner
/// reference).
fn render_example(folder: &str) {
    let dir = suite_dir().join(folder);
    let read = |f: &str| {
        std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{}/{f} is missing ({e})", dir.display()))
    };
    let text = read("composition.yaml");
    let parsed = portalint::yaml::parse(&text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let root = parsed.docs.into_iter().next().expect("composition").root;
    let doc = classify_doc(FileId(0), "composition.yaml", root);
    let c = Composition { doc: &doc, id: 0 };
    let xr = portalint::yaml::parse(&read("xr.yaml"))
        .docs
        .into_iter()
        .next()
        .expect("xr")
        .root
        .to_json();
    let mut state = State {
        composite: xr,
        ..State::default()
    };
    let mut pt_steps = 0;
    for (i, step) in c.steps().iter().enumerate() {
        let results = if step.is_patch_and_transform() {
            pt_steps += 1;
            render::pt::run(&doc, &text, i, step, &mut state)
        } else if step.is_go_templating() {
            render::gotemplating::run(&doc, &text, i, step, &mut state)
        } else {
            panic!("step {i} runs neither function");
        };
        assert!(results.is_empty(), "step {i}: no result: {results:?}");
    }
    assert!(pt_steps > 0, "the example has a patch-and-transform step");
    // What Crossplane adds to every composed resource, and an emptied metadata.
    let strip = |mut r: J| {
        if let Some(meta) = r.get_mut("metadata").and_then(J::as_object_mut) {
            for k in ["annotations", "generateName", "labels", "ownerReferences"] {
                meta.shift_remove(k);
            }
            if meta.is_empty() {
                r.as_object_mut().expect("object").shift_remove("metadata");
            }
        }
        r
    };
    let mut want = BTreeMap::new();
    for d in portalint::yaml::parse(&read("expected.yaml")).docs {
        let r = d.root.to_json();
        if r["kind"] == "XR" {
            continue;
        }
        let name = r["metadata"]["annotations"]["crossplane.io/composition-resource-name"]
            .as_str()
            .expect("composition-resource-name")
            .to_string();
        want.insert(name, strip(r));
    }
    assert!(!want.is_empty(), "expected.yaml lists composed resources");
    let got: BTreeMap<String, J> = state
        .desired
        .iter()
        .map(|(n, r)| (n.clone(), strip(r.resource.clone())))
        .collect();
    assert_eq!(
        got, want,
        "{folder}: the desired resources are those crossplane render prints"
    );
    for (name, r) in &state.desired {
        let o = r.origin.unwrap_or_else(|| panic!("{name} has an origin"));
        assert!(
            text[o.start as usize..o.end as usize].contains("apiVersion:"),
            "{name}'s origin is its base or template"
        );
    }
}

#[test]
fn example_renders_as_the_readme_shows() {
    render_example("example");
}

#[test]
fn multistep_example_renders_as_its_readme_shows() {
    render_example("multistep");
}
