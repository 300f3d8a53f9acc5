//! `portalint check --fix` and `--fix --diff` beyond order kustomizations: one mini
//! repository per fix kind in a temporary folder, the exact text each fix writes (a one-line
//! diff, comments and order kept), a second `--fix` that changes nothing, the `--diff`
//! preview (a snapshot, applied with `git apply` it gives what `--fix` writes), and the
//! refusals (a symlink, a file that changed since it was read).

mod common;

use common::{git, run_bin, write};
use std::path::Path;

/// `portalint check --fix [--diff] --isolated --profile openportal --select RULE .` in `dir`.
fn fix(dir: &Path, rule: &str, diff: bool) -> (i32, String, String) {
    let mut args = vec!["check", "--color", "never", "--isolated", "--profile", "openportal"];
    args.extend(["--select", rule, "--fix"]);
    if diff {
        args.push("--diff");
    }
    args.push(".");
    run_bin(&args, dir)
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).expect("read")
}

/// A second `--fix` writes nothing, and `--fix --diff` then has nothing to show (exit 0).
fn assert_idempotent(dir: &Path, rule: &str, files: &[&str]) {
    let before: Vec<String> = files.iter().map(|f| read(dir, f)).collect();
    let (_, _, err) = fix(dir, rule, false);
    assert!(err.contains("--fix: nothing to fix"), "{err}");
    assert!(!err.contains("fixed "), "{err}");
    let after: Vec<String> = files.iter().map(|f| read(dir, f)).collect();
    assert_eq!(before, after, "a second --fix changed a file");
    let (code, out, err) = fix(dir, rule, true);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
}

const ENTRY: &str = "apiVersion: pkg.crossplane.io/v1\nkind: Configuration\nmetadata:\n  name: NAME\nspec:\n  package: ghcr.io/open-service-portal/NAME:v1.0.0\n";

fn catalog(dir: &Path, kustomization: &str, templates: &[&str]) {
    write(dir, "kustomization.yaml", kustomization);
    for t in templates {
        write(dir, &format!("templates/{t}.yaml"), &ENTRY.replace("NAME", t));
    }
}

const KUSTOMIZATION: &str = "# The catalog: Flux applies what is listed here.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - namespace.yaml   # first
  - templates/template-b.yaml
  - templates/template-gone.yaml  # removed upstream
  - templates/template-d.yaml
";

#[test]
fn catalog_entries_missing_are_added_in_order_and_dangling_ones_removed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    catalog(
        dir,
        KUSTOMIZATION,
        &["template-a", "template-b", "template-c", "template-d", "template-e"],
    );
    write(
        dir,
        "namespace.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: catalog\n",
    );
    let (code, _, err) = fix(dir, "osp-cat-kustomization-complete", false);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fixed kustomization.yaml: 4 fixes"), "{err}");
    assert!(err.contains("--fix: applied 4 fixes in 1 file"), "{err}");
    assert!(err.contains("--fix: no finding remains"), "{err}");
    assert_eq!(
        read(dir, "kustomization.yaml"),
        "# The catalog: Flux applies what is listed here.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - namespace.yaml   # first
  - templates/template-a.yaml
  - templates/template-b.yaml
  - templates/template-c.yaml
  - templates/template-d.yaml
  - templates/template-e.yaml
"
    );
    assert_idempotent(dir, "osp-cat-kustomization-complete", &["kustomization.yaml"]);
}

#[test]
fn an_empty_or_absent_resources_list_becomes_a_block_list() {
    for (start, want) in [
        (
            "resources: []\n",
            "resources:\n  - templates/template-a.yaml\n  - templates/template-b.yaml\n",
        ),
        (
            "resources:\n",
            "resources:\n  - templates/template-a.yaml\n  - templates/template-b.yaml\n",
        ),
        (
            "",
            "resources:\n  - templates/template-a.yaml\n  - templates/template-b.yaml\n",
        ),
    ] {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path();
        let head = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
        catalog(dir, &format!("{head}{start}"), &["template-a", "template-b"]);
        let (code, _, err) = fix(dir, "osp-cat-kustomization-complete", false);
        assert_eq!(code, 0, "{start:?}: {err}");
        assert_eq!(read(dir, "kustomization.yaml"), format!("{head}{want}"), "{start:?}");
        assert_idempotent(dir, "osp-cat-kustomization-complete", &["kustomization.yaml"]);
    }
}

#[test]
fn a_flow_list_is_left_for_a_human_and_said_so() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let text = "kind: Kustomization\nresources: [templates/template-a.yaml]\n";
    catalog(dir, text, &["template-a", "template-b"]);
    let (code, out, err) = fix(dir, "osp-cat-kustomization-complete", false);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("does not list `templates/template-b.yaml`"), "{out}");
    assert!(err.contains("--fix: nothing to fix"), "{err}");
    assert!(
        err.contains("--fix: 1 finding remains (1 finding has no mechanical fix)"),
        "{err}"
    );
    assert_eq!(read(dir, "kustomization.yaml"), text);
    let (code, out, err) = fix(dir, "osp-cat-kustomization-complete", true);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("1 finding has no mechanical fix"), "{err}");
}

const CROSSPLANE: &str =
    "apiVersion: meta.pkg.crossplane.io/v1\nkind: Configuration\nmetadata:\n  name: configuration-webapp\n";

fn xrd(metadata: &str) -> String {
    format!(
        "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\nmetadata:\n{metadata}spec:\n  group: openportal.dev\n  names:\n    kind: WebApp\n    plural: webapps\n  scope: Namespaced\n  versions:\n    - name: v1alpha1\n      served: true\n      referenceable: true\n      schema:\n        openAPIV3Schema:\n          type: object\n"
    )
}

fn template_repo(dir: &Path, metadata: &str) {
    write(dir, "configuration/crossplane.yaml", CROSSPLANE);
    write(dir, "configuration/xrd.yaml", &xrd(metadata));
}

#[test]
fn the_version_label_placeholder_is_restored_or_added() {
    let cases = [
        // A released version committed: the value alone changes, quotes and comment kept.
        (
            "  name: webapps.openportal.dev\n  labels:\n    openportal.dev/version: \"1.2.0\"  # bumped by hand\n    team: web\n",
            "  name: webapps.openportal.dev\n  labels:\n    openportal.dev/version: \"dev\"  # bumped by hand\n    team: web\n",
        ),
        (
            "  name: webapps.openportal.dev\n  labels:\n    openportal.dev/version: v2\n",
            "  name: webapps.openportal.dev\n  labels:\n    openportal.dev/version: \"dev\"\n",
        ),
        // No label: the first of `labels`.
        (
            "  name: webapps.openportal.dev\n  labels:\n    team: web\n",
            "  name: webapps.openportal.dev\n  labels:\n    openportal.dev/version: \"dev\"\n    team: web\n",
        ),
        // No `labels`: after `name`, indented as the file indents `metadata`.
        (
            "    name: webapps.openportal.dev\n    annotations:\n        a: b\n",
            "    name: webapps.openportal.dev\n    labels:\n        openportal.dev/version: \"dev\"\n    annotations:\n        a: b\n",
        ),
    ];
    for (before, after) in cases {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("template-webapp");
        template_repo(&dir, before);
        let (code, out, err) = fix(&dir, "osp-xrd-version-label", false);
        assert_eq!(code, 0, "{before}: {out}{err}");
        assert!(err.contains("fixed configuration/xrd.yaml: 1 fix"), "{err}");
        assert_eq!(read(&dir, "configuration/xrd.yaml"), xrd(after), "{before}");
        assert_idempotent(&dir, "osp-xrd-version-label", &["configuration/xrd.yaml"]);
    }
}

fn composition(template: &str) -> String {
    let indented: String = template.lines().map(|l| format!("          {l}\n")).collect();
    format!(
        "apiVersion: apiextensions.crossplane.io/v1\nkind: Composition\nmetadata:\n  name: webapp\nspec:\n  compositeTypeRef:\n    apiVersion: openportal.dev/v1alpha1\n    kind: WebApp\n  mode: Pipeline\n  pipeline:\n  - step: render\n    functionRef:\n      name: function-go-templating\n    input:\n      apiVersion: gotemplating.fn.crossplane.io/v1beta1\n      kind: GoTemplate\n      source: Inline\n      inline:\n        template: |\n{indented}"
    )
}

const TEMPLATE: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .observed.composite.resource.metadata.name }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: taken
  annotations:
    gotemplating.fn.crossplane.io/composition-resource-name: configmap-2
---
apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    team: web
---
apiVersion: v1
kind: Secret
{{ range $i, $n := .observed.composite.resource.spec.names }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $n }}
{{ end }}
";

const FIXED: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .observed.composite.resource.metadata.name }}
  annotations:
    gotemplating.fn.crossplane.io/composition-resource-name: configmap
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: taken
  annotations:
    gotemplating.fn.crossplane.io/composition-resource-name: configmap-2
---
apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    gotemplating.fn.crossplane.io/composition-resource-name: configmap-3
    team: web
---
apiVersion: v1
kind: Secret
metadata:
  annotations:
    gotemplating.fn.crossplane.io/composition-resource-name: secret
{{ range $i, $n := .observed.composite.resource.spec.names }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $n }}
{{ end }}
";

#[test]
fn a_missing_composition_resource_name_is_derived_from_the_kind_and_unique() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    write(dir, "composition.yaml", &composition(TEMPLATE));
    let (code, out, err) = fix(dir, "fn-gotpl-resource-name-annotation", false);
    // The document rendered once per item of a `range` needs a name per item: left, and
    // its help says how.
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("fixed composition.yaml: 3 fixes"), "{err}");
    assert!(
        err.contains("--fix: 1 finding remains (1 finding has no mechanical fix)"),
        "{err}"
    );
    assert!(
        out.contains("unique to each item of the `range`, e.g. `configmap-4-{{ $i }}`"),
        "{out}"
    );
    assert_eq!(read(dir, "composition.yaml"), composition(FIXED));
    assert_idempotent(dir, "fn-gotpl-resource-name-annotation", &["composition.yaml"]);
}

/// The preview of every fix kind: a unified diff on stdout, nothing written, exit 1; given to
/// `git apply`, it writes what `--fix` writes.
#[test]
fn diff_previews_every_fix_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cat = tmp.path().join("catalog");
    catalog(&cat, KUSTOMIZATION, &["template-a", "template-b", "template-d"]);
    write(
        &cat,
        "namespace.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: catalog\n",
    );
    let tpl = tmp.path().join("template-webapp");
    template_repo(
        &tpl,
        "  name: webapps.openportal.dev\n  labels:\n    openportal.dev/version: \"1.2.0\"\n",
    );
    let comp = tmp.path().join("composition");
    write(&comp, "composition.yaml", &composition(TEMPLATE));
    let cases = [
        (&cat, "osp-cat-kustomization-complete", "kustomization.yaml"),
        (&tpl, "osp-xrd-version-label", "configuration/xrd.yaml"),
        (&comp, "fn-gotpl-resource-name-annotation", "composition.yaml"),
    ];
    let mut shown = String::new();
    for (dir, rule, file) in cases {
        let before = read(dir, file);
        let (code, diff, err) = fix(dir, rule, true);
        assert_eq!(code, 1, "{rule}: {err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert_eq!(read(dir, file), before, "--diff wrote {file}");
        shown.push_str(&format!("$ portalint check --fix --diff --select {rule} .\n{diff}"));
        // The diff applies to the file as it is and gives what --fix writes.
        let copy = tmp.path().join(format!("applied-{rule}"));
        write(&copy, file, &before);
        git(&copy, &["init", "-q"]);
        std::fs::write(copy.join("fix.patch"), &diff).expect("patch");
        git(&copy, &["apply", "fix.patch"]);
        let (code, _, err) = fix(dir, rule, false);
        assert!(code == 0 || code == 1, "{err}");
        assert_eq!(
            read(&copy, file),
            read(dir, file),
            "{rule}: the diff is what --fix writes"
        );
    }
    insta::assert_snapshot!("fix_diff_preview", shown);
}

#[cfg(unix)]
#[test]
fn a_fix_through_a_symlink_is_refused_and_the_rest_is_fixed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("repo");
    let outside = tmp.path().join("outside.yaml");
    let text = composition("apiVersion: v1\nkind: ConfigMap\n");
    std::fs::write(&outside, &text).expect("write");
    write(&dir, "real.yaml", &text);
    std::os::unix::fs::symlink(&outside, dir.join("link.yaml")).expect("link");
    let (code, out, err) = run_bin(
        &[
            "check",
            "--isolated",
            "--select",
            "fn-gotpl-resource-name-annotation",
            "--fix",
            "link.yaml",
            "real.yaml",
        ],
        &dir,
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("--fix: not fixed `link.yaml`: goes through a symlink that points outside the repository"),
        "{err}"
    );
    assert!(err.contains("fixed real.yaml: 1 fix"), "{err}");
    assert!(
        err.contains("--fix: 1 finding remains; 1 has a fix that was not applied (see above)"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&outside).expect("read"),
        text,
        "the outside file was written"
    );
    assert!(std::fs::symlink_metadata(dir.join("link.yaml"))
        .expect("meta")
        .file_type()
        .is_symlink());
    assert!(read(&dir, "real.yaml").contains("composition-resource-name: configmap"));
}

/// A file that changes between the check and the write is left as it now is: the
/// temporary file is removed, nothing is half-written, and the refusal says why.
#[test]
fn a_file_that_changed_since_it_was_read_is_not_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = portalint::confine::Root::new(tmp.path()).expect("root");
    let path = root.path().join("kustomization.yaml");
    std::fs::write(&path, "resources: []\n").expect("write");
    let target = portalint::fix::Target::open(&root, &path).expect("open");
    std::fs::write(&path, "resources: [edited.yaml]\n").expect("edit");
    let e = target.write("resources:\n  - a.yaml\n").expect_err("refused");
    assert!(e.to_string().contains("it changed since portalint read it"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "resources: [edited.yaml]\n"
    );
    // Replaced by a symlink meanwhile: refused too, the link's target untouched.
    #[cfg(unix)]
    {
        let target = portalint::fix::Target::open(&root, &path).expect("open");
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::write(&elsewhere, "x\n").expect("write");
        std::fs::remove_file(&path).expect("rm");
        std::os::unix::fs::symlink(&elsewhere, &path).expect("link");
        let e = target.write("resources: []\n").expect_err("refused");
        assert!(e.to_string().contains("changed"), "{e}");
        assert_eq!(std::fs::read_to_string(&elsewhere).expect("read"), "x\n");
    }
    // A folder that is gone (not writable): an error, nothing written.
    let sub = tmp.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    std::fs::write(sub.join("k.yaml"), "a: 1\n").expect("write");
    let target = portalint::fix::Target::open(&root, &sub.join("k.yaml")).expect("open");
    std::fs::remove_dir_all(&sub).expect("rm");
    assert!(target.write("a: 2\n").is_err());
    assert!(!sub.exists());
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("ls")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".portalint-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The fixable rules, and their pages say how.
#[test]
fn fixable_rules_say_so_on_their_pages() {
    let mut fixable: Vec<&str> = portalint::rules::ALL_RULES
        .iter()
        .filter(|r| r.meta().fixable)
        .map(|r| r.as_str())
        .collect();
    fixable.sort_unstable();
    assert_eq!(
        fixable,
        [
            "bs-ent-tags",
            "fn-gotpl-input-gvk",
            "fn-gotpl-resource-name-annotation",
            "k8s-string-values",
            "osp-cat-kustomization-complete",
            "osp-ord-kustomization-sync",
            "osp-xrd-legacy-terasky-annotations",
            "osp-xrd-template-selector-keys",
            "osp-xrd-version-label",
            "xp-xrd-name",
            "xp-xrd-names",
        ]
    );
    for r in portalint::rules::ALL_RULES {
        let page = portalint::docs::rule_page(r.meta());
        assert_eq!(
            page.contains("Fix: `portalint check --fix`"),
            r.meta().fixable,
            "{}",
            r.as_str()
        );
    }
}

/// Copies a file or a folder.
fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("ls").flatten() {
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).expect("copy");
    }
}

/// Every fixable rule's `fail/` fixtures, copied and fixed with only that rule: at least one
/// case of each rule changes, a second run has nothing left to fix (`--fix --diff` prints
/// nothing and exits 0), and every diff is in one reviewed snapshot.
#[test]
fn every_fixable_rule_fixes_its_failing_fixtures() {
    let fixtures = common::root().join("fixtures");
    let mut shown = String::new();
    for r in portalint::rules::ALL_RULES.iter().filter(|r| r.meta().fixable) {
        let id = r.as_str();
        let mut cases: Vec<_> = std::fs::read_dir(fixtures.join(id).join("fail"))
            .expect("fail cases")
            .flatten()
            .map(|e| e.path())
            .filter(|p| !p.join("base").exists())
            .collect();
        cases.sort();
        assert!(!cases.is_empty(), "{id} has no fail case");
        let mut changed = 0;
        for case in cases {
            let tmp = tempfile::tempdir().expect("tmp");
            let name = case.file_name().expect("name").to_string_lossy().into_owned();
            let copied = tmp.path().join(&name);
            copy(&case, &copied);
            let config = fixtures.join(id).join("config.yaml");
            let mut args: Vec<String> = ["check", "--color", "never", "--select", id]
                .iter()
                .map(|s| s.to_string())
                .collect();
            if r.meta().pack == portalint::rules::Pack::OpenPortal {
                args.extend(["--profile".into(), "openportal".into()]);
            }
            if config.exists() {
                args.extend(["--config".into(), config.display().to_string()]);
            } else {
                args.push("--isolated".into());
            }
            args.extend(["--fix".into(), "--diff".into(), name.clone()]);
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, diff, err) = run_bin(&argv, tmp.path());
            assert!(code == 0 || code == 1, "{id}/{name}: {err}");
            if diff.is_empty() {
                continue;
            }
            changed += 1;
            shown.push_str(&format!("## {id}: fail/{name}\n{diff}\n"));
            let fix: Vec<&str> = argv.iter().copied().filter(|a| *a != "--diff").collect();
            let (_, _, err) = run_bin(&fix, tmp.path());
            assert!(err.contains("--fix: applied"), "{id}/{name}: {err}");
            let (code, again, err) = run_bin(&argv, tmp.path());
            assert_eq!(
                (code, again.as_str()),
                (0, ""),
                "{id}/{name}: a second run still fixes: {err}"
            );
        }
        assert!(changed > 0, "no fail case of {id} is fixed");
    }
    insta::assert_snapshot!("fixable_rules_fixtures", shown);
}

/// `--root DIR PATH...` (what the pre-commit hook runs) fixes only what it reports: the
/// findings on the PATHs, not the rest of the tree.
#[test]
fn only_the_reported_findings_are_fixed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let text = composition("apiVersion: v1\nkind: ConfigMap\n");
    write(dir, "a.yaml", &text);
    write(dir, "b.yaml", &text);
    let (code, out, err) = run_bin(
        &[
            "check",
            "--isolated",
            "--select",
            "fn-gotpl-resource-name-annotation",
            "--fix",
            "--root",
            ".",
            "a.yaml",
        ],
        dir,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("fixed a.yaml: 1 fix"), "{err}");
    assert!(read(dir, "a.yaml").contains("composition-resource-name: configmap"));
    assert_eq!(read(dir, "b.yaml"), text, "a file that was not named was fixed");
}

/// A streamed root (its texts are not held) gets no findings' fixes, and the summary says so.
#[test]
fn a_streamed_root_says_its_fixes_were_not_applied() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    catalog(dir, KUSTOMIZATION, &["template-a", "template-b", "template-d"]);
    let (code, out, err) = run_bin(
        &[
            "check",
            "--isolated",
            "--profile",
            "openportal",
            "--select",
            "osp-cat-kustomization-complete",
            "--stream-above",
            "1",
            "--fix",
            ".",
        ],
        dir,
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("the findings' own fixes are not applied to a streamed root"),
        "{err}"
    );
    assert!(err.contains("--fix: nothing was fixed\n"), "{err}");
    assert!(err.contains("--fix: 2 findings remain\n"), "{err}");
    assert_eq!(read(dir, "kustomization.yaml"), KUSTOMIZATION);
}
