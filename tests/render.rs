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

/// The go-templating Composition of the check tests: one ConfigMap per name of
/// `spec.names`, all under one composition-resource-name, and a Bucket that needs
/// `spec.region`.
const CHECKED: &str = r#"apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: xbuckets
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
            apiVersion: s3.aws.m.upbound.io/v1beta1
            kind: Bucket
            metadata:
              annotations:
                gotemplating.fn.crossplane.io/composition-resource-name: bucket
                gotemplating.fn.crossplane.io/ready: "True"
            spec:
              forProvider:
                region: {{ required "spec.region is required" .observed.composite.resource.spec.region }}
            {{- range $n := .observed.composite.resource.spec.names }}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ $n }}
              annotations:
                gotemplating.fn.crossplane.io/composition-resource-name: config
                gotemplating.fn.crossplane.io/ready: "True"
            {{- end }}
    - step: ready
      functionRef:
        name: function-auto-ready
"#;

const CHECKED_XRD: &str = "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\n\
metadata:\n  name: xbuckets.example.org\nspec:\n  group: example.org\n  scope: Namespaced\n  names:\n    \
kind: XBucket\n    plural: xbuckets\n  versions:\n    - name: v1\n      served: true\n      referenceable: true\n      \
schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              \
type: object\n              properties:\n                region: {type: string}\n                names:\n                  \
type: array\n                  items: {type: string}\n";

/// `portalint check` renders a template repository's example and reports what only the
/// render shows (two ConfigMaps of a `range` under one name) at the template's line, with a
/// label at the example; what the static view cannot see is not in its findings.
#[test]
fn check_renders_the_example_and_points_into_the_composition() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path().join("apis")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("examples")).expect("mkdir");
    std::fs::write(dir.path().join("apis/composition.yaml"), CHECKED).expect("write");
    std::fs::write(dir.path().join("apis/xrd.yaml"), CHECKED_XRD).expect("write");
    let xr = "apiVersion: example.org/v1\nkind: XBucket\nmetadata:\n  name: demo\n  namespace: team-a\nspec:\n  \
              region: eu-west-1\n  names: [a, b]\n";
    std::fs::write(dir.path().join("examples/xr.yaml"), xr).expect("write");
    let (code, out, err) = portalint(&["check", "--color", "never", "--isolated", "."], dir.path());
    assert_eq!(code, 1, "{out}{err}");
    let want = "error[xp-render-resource-name-unique]";
    let at = out.find(want).unwrap_or_else(|| panic!("{want} in {out}"));
    let finding = &out[at..];
    assert!(finding.contains("--> apis/composition.yaml:32:19"), "{out}");
    assert!(finding.contains("found by rendering the example `demo`"), "{out}");
    // The example gives what the Composition needs: the render does not fail.
    assert!(!out.contains("xp-render-failed"), "{out}");
    // The Bucket has no schema to be checked against: the run says so, and not once its CRD
    // is given.
    assert!(
        err.contains("`Bucket.s3.aws.m.upbound.io`) that no CRD was given for"),
        "{err}"
    );
    let crds = common::root().join("fixtures/xp-render-composed-schema/crds");
    let crds = crds.to_string_lossy();
    let (_, out, err) = portalint(
        &["check", "--color", "never", "--isolated", "--crds", &crds, "."],
        dir.path(),
    );
    assert!(!err.contains("no CRD was given"), "{err}");
    assert!(out.contains("error[xp-render-resource-name-unique]"), "{out}");
    // Without the region, the render fails at the `required`: a finding on the example.
    std::fs::write(
        dir.path().join("examples/xr.yaml"),
        "apiVersion: example.org/v1\nkind: XBucket\nmetadata:\n  name: demo\nspec:\n  names: [a]\n",
    )
    .expect("write");
    let (code, out, err) = portalint(&["check", "--color", "never", "--isolated", "."], dir.path());
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("error[xp-render-failed]"), "{out}");
    assert!(out.contains("--> examples/xr.yaml:2:7"), "{out}");
    assert!(out.contains("spec.region is required"), "{out}");
}

/// Orders are rendered only with `--render`; their Compositions come from `--xrds`.
#[test]
fn check_renders_orders_with_render() {
    let tpl = tempfile::tempdir().expect("tmp");
    std::fs::write(tpl.path().join("composition.yaml"), CHECKED).expect("write");
    std::fs::write(tpl.path().join("xrd.yaml"), CHECKED_XRD).expect("write");
    let orders = tempfile::tempdir().expect("tmp");
    let folder = orders.path().join("c1/team-a/XBucket");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(
        orders.path().join("c1/kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - team-a/XBucket/b1.yaml\n",
    )
    .expect("write");
    std::fs::write(
        folder.join("b1.yaml"),
        "apiVersion: example.org/v1\nkind: XBucket\nmetadata:\n  name: b1\n  namespace: team-a\nspec:\n  names: [a]\n",
    )
    .expect("write");
    let xrds = tpl.path().to_string_lossy().to_string();
    let base = [
        "check",
        "--color",
        "never",
        "--isolated",
        "--select",
        "xp-render-failed",
        "--xrds",
        &xrds,
    ];
    let (code, out, err) = portalint(&[&base[..], &["."]].concat(), orders.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("xp-render-failed"), "{out}");
    let (code, out, err) = portalint(&[&base[..], &["--render", "."]].concat(), orders.path());
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("--> c1/team-a/XBucket/b1.yaml:2:7"), "{out}");
    assert!(out.contains("spec.region is required"), "{out}");
}
