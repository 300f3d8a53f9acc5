//! `portalint render`: a Composition's pipeline run in process for one XR, on the bundled
//! example and on mini repositories in temp dirs.

mod common;

use std::path::Path;

fn portalint(args: &[&str], cwd: &Path) -> (i32, String, String) {
    common::run_bin(args, cwd)
}

const XR: &str = "apiVersion: example.org/v1\nkind: XBucket\nmetadata:\n  name: b1\nspec:\n  region: eu-west-1\n";

fn composition(name: &str, extra_step: &str) -> String {
    format!(
        r#"apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: {name}
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
                region: {{{{ .observed.composite.resource.spec.region }}}}
{extra_step}    - step: ready
      functionRef:
        name: function-auto-ready
"#
    )
}

#[test]
fn the_bundled_example_renders_with_its_composition_found_by_type() {
    let repo = common::root().join("fixtures/_repos/template-webapp");
    let (code, out, err) = portalint(&["render", "examples/basic-webapp.yaml"], &repo);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("bundled_example_render", out);
    // The example's `replicas` is read as `replica` by the template: Go prints `<no value>`.
    assert!(out.contains("replicas: <no value>"), "{out}");
}

#[test]
fn observed_resources_make_the_xr_ready_through_auto_ready() {
    let d = tempfile::tempdir().expect("tmp");
    common::write(d.path(), "xr.yaml", XR);
    common::write(d.path(), "comp.yaml", &composition("c", ""));
    let (code, out, err) = portalint(&["render", "xr.yaml"], d.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("message: 'Unready resources: bucket'")
            || out.contains("message: \"Unready resources: bucket\"")
            || out.contains("message: Unready resources: bucket"),
        "{out}"
    );
    assert!(out.contains("region: eu-west-1"), "{out}");
    common::write(
        d.path(),
        "observed.yaml",
        "apiVersion: s3.aws.upbound.io/v1beta1\nkind: Bucket\nmetadata:\n  annotations:\n    crossplane.io/composition-resource-name: bucket\nstatus:\n  conditions:\n  - type: Ready\n    status: \"True\"\n",
    );
    let (code, out, err) = portalint(&["render", "xr.yaml", "--observed", "observed.yaml"], d.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("reason: Available"), "{out}");
}

#[test]
fn a_function_portalint_cannot_run_is_reported_once_and_skipped() {
    let d = tempfile::tempdir().expect("tmp");
    common::write(d.path(), "xr.yaml", XR);
    let cue = "    - step: cue\n      functionRef:\n        name: function-cue\n      input:\n        apiVersion: cue.fn.crossplane.io/v1beta1\n        kind: CUEInput\n";
    common::write(d.path(), "comp.yaml", &composition("c", cue));
    let (code, out, err) = portalint(&["render", "xr.yaml", "--composition", "comp.yaml", "-r"], d.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("render-unsupported").count(), 1, "{err}");
    assert!(err.contains("comp.yaml:"), "the step's place is given: {err}");
    assert!(err.contains("function-cue"), "{err}");
    assert!(out.contains("kind: Result"), "{out}");
    assert!(out.contains("kind: Bucket"), "the other steps ran: {out}");
}

#[test]
fn input_errors_exit_2_with_the_file_and_never_render_half() {
    let d = tempfile::tempdir().expect("tmp");
    common::write(d.path(), "two.yaml", &format!("{XR}---\n{XR}"));
    common::write(d.path(), "bad.yaml", "apiVersion: v1\nkind: [unclosed\n");
    common::write(d.path(), "xr.yaml", XR);
    let (code, out, err) = portalint(&["render", "two.yaml"], d.path());
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("two.yaml: 2 documents"), "{err}");
    let (code, _, err) = portalint(&["render", "bad.yaml"], d.path());
    assert_eq!(code, 2);
    assert!(err.contains("bad.yaml:2:"), "{err}");
    let (code, _, err) = portalint(&["render", "xr.yaml"], d.path());
    assert_eq!(code, 2);
    assert!(err.contains("no Composition for example.org/v1 XBucket"), "{err}");
    // Two candidates: both listed with their place; the XR's reference decides.
    common::write(d.path(), "a.yaml", &composition("first", ""));
    common::write(d.path(), "b.yaml", &composition("second", ""));
    let (code, _, err) = portalint(&["render", "xr.yaml"], d.path());
    assert_eq!(code, 2);
    assert!(
        err.contains("`first` (a.yaml:1)") && err.contains("`second` (b.yaml:1)"),
        "{err}"
    );
    common::write(
        d.path(),
        "xr.yaml",
        &format!("{XR}  crossplane:\n    compositionRef:\n      name: second\n"),
    );
    let (code, _, err) = portalint(&["render", "xr.yaml"], d.path());
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_failing_template_exits_1_with_the_template_position() {
    let d = tempfile::tempdir().expect("tmp");
    common::write(d.path(), "xr.yaml", XR);
    let comp = composition("c", "").replace("{{ .observed", "{{ fail \"no region\" }}{{ .observed");
    common::write(d.path(), "comp.yaml", &comp);
    let (code, _, err) = portalint(&["render", "xr.yaml"], d.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error: comp.yaml:") && err.contains("no region"), "{err}");
}
