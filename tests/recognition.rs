//! Files and repositories recognised by their content and layout (issue 14): the Open Service
//! Portal profile turns on for a repository that follows its conventions, not for a folder
//! that merely holds one below it; Helm chart templates are skipped with one note each.

mod common;

use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}

fn rules_fired(root: &Path) -> Vec<String> {
    let o = portalint::app::check(&common::args(&[root.to_path_buf()], &[])).expect("check runs");
    o.diagnostics
        .iter()
        .map(|d| format!("{} {}", d.rule, d.primary.path))
        .collect()
}

#[test]
fn openportal_profile_follows_the_repository_not_a_folder_below_it() {
    let corpus = common::root().join("../shared/corpus");
    assert!(corpus.is_dir(), "../shared/corpus is missing: this test needs it");
    let template = corpus.join("open-service-portal__template-whoami");
    let upbound = corpus.join("upbound__configuration-aws-network");
    // The template repository alone: the OSP conventions apply.
    let alone = rules_fired(&template);
    assert!(alone.iter().any(|r| r.starts_with("osp-")), "{alone:#?}");
    // The same repository as one folder of a workspace next to an Upbound configuration:
    // the workspace follows no OSP convention, so no osp-* rule runs on either.
    let tmp = tempfile::tempdir().expect("tmp");
    copy_dir(&template, &tmp.path().join("template-whoami"));
    copy_dir(&upbound, &tmp.path().join("configuration-aws-network"));
    let mixed = rules_fired(tmp.path());
    let osp: Vec<&String> = mixed.iter().filter(|r| r.starts_with("osp-")).collect();
    assert!(osp.is_empty(), "{osp:#?}");
}

#[test]
fn helm_templates_are_noted_once_and_not_parsed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = tmp.path().join("charts/app");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: app\nversion: 0.1.0\n").expect("write");
    std::fs::write(
        chart.join("templates/deployment.yaml"),
        "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n",
    )
    .expect("write");
    let o = portalint::app::check(&common::args(&[tmp.path().to_path_buf()], &[])).expect("check runs");
    let fired: Vec<(&str, &str)> = o
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.primary.path.as_str()))
        .collect();
    assert_eq!(fired, [("yaml-helm-template", "charts/app/templates/deployment.yaml")]);
    assert_eq!(o.summary.errors + o.summary.warnings, 0, "an info note is no finding");
}

/// Two copies of one WhoAmIApp in the cluster folder `prod/`, under a type folder that is not
/// the kind (so the path shape alone does not say "orders"), and no kustomization anywhere.
fn orders_by_name_tree(root: &Path) {
    let order = "apiVersion: openportal.dev/v1alpha1\nkind: WhoAmIApp\nmetadata:\n  name: demo\n  namespace: team-a\nspec:\n  name: demo\n";
    common::write(root, "prod/team-a/whoami/demo.yaml", order);
    common::write(root, "prod/team-a/whoami/demo-copy.yaml", order);
}

fn fired_with(root: &Path, rules: &[&str], config: Option<&Path>) -> Vec<String> {
    let mut a = common::args(&[root.to_path_buf()], rules);
    if let Some(c) = config {
        a.isolated = false;
        a.config = Some(c.to_path_buf());
    }
    let o = portalint::app::check(&a).expect("check runs");
    o.diagnostics
        .iter()
        .map(|d| format!("{} {}", d.rule, d.primary.path))
        .collect()
}

#[test]
fn an_orders_repository_is_recognised_by_its_remote_or_configured_name_not_its_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    // The checkout folder is named `catalog-orders`: that alone says nothing.
    let dir = tmp.path().join("catalog-orders");
    orders_by_name_tree(&dir);
    let folder_only = fired_with(&dir, &["order-duplicate"], None);
    assert!(folder_only.is_empty(), "{folder_only:#?}");
    // The git remote names it.
    common::git(&dir, &["init", "-q"]);
    common::git(
        &dir,
        &["remote", "add", "origin", "https://github.com/acme/catalog-orders.git"],
    );
    let by_remote = fired_with(&dir, &["order-duplicate"], None);
    assert_eq!(by_remote.len(), 1, "{by_remote:#?}");
    // Config names it (another `-orders` repository), without a remote.
    let other = tmp.path().join("checkout");
    orders_by_name_tree(&other);
    let cfg = tmp.path().join("portalint.yaml");
    std::fs::write(&cfg, "openportal:\n  repo-name: team-orders\n").expect("config");
    let by_config = fired_with(&other, &["order-duplicate"], Some(&cfg));
    assert_eq!(by_config.len(), 1, "{by_config:#?}");
}

#[test]
fn a_template_repository_turns_the_openportal_pack_on_by_its_remote_name_not_its_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("template-widget");
    // An XRD in a group of its own (not openportal.dev): the content alone does not say OSP.
    common::write(
        &dir,
        "configuration/xrd.yaml",
        "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\nmetadata:\n  name: widgets.example.org\nspec:\n  group: example.org\n  names:\n    kind: Widget\n    plural: widgets\n  scope: Namespaced\n  versions:\n    - name: v1alpha1\n      served: true\n      referenceable: true\n      schema:\n        openAPIV3Schema:\n          type: object\n",
    );
    let osp = |v: &[String]| v.iter().filter(|r| r.starts_with("osp-")).cloned().collect::<Vec<_>>();
    let folder_only = fired_with(&dir, &[], None);
    assert!(osp(&folder_only).is_empty(), "{folder_only:#?}");
    common::git(&dir, &["init", "-q"]);
    common::git(
        &dir,
        &["remote", "add", "origin", "git@github.com:acme/template-widget.git"],
    );
    let by_remote = fired_with(&dir, &[], None);
    assert!(!osp(&by_remote).is_empty(), "{by_remote:#?}");
}

#[test]
fn expected_source_urls_never_come_from_the_checkout_folder_name() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("checkout-1234");
    let order = |url: &str| {
        format!("apiVersion: openportal.dev/v1alpha1\nkind: WhoAmIApp\nmetadata:\n  name: demo\n  namespace: team-a\n  annotations:\n    terasky.backstage.io/source-file-url: {url}\nspec:\n  name: demo\n")
    };
    common::write(&dir, "openportal/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - team-a/WhoAmIApp/demo.yaml\n  - team-a/WhoAmIApp/moved.yaml\n");
    common::write(
        &dir,
        "openportal/team-a/WhoAmIApp/demo.yaml",
        &order("https://github.com/acme/catalog-orders/blob/main/openportal/team-a/WhoAmIApp/demo.yaml"),
    );
    // The path is checked whatever the repository is called.
    common::write(
        &dir,
        "openportal/team-a/WhoAmIApp/moved.yaml",
        &order("https://github.com/acme/catalog-orders/blob/main/openportal/team-b/WhoAmIApp/moved.yaml"),
    );
    let mut a = common::args(std::slice::from_ref(&dir), &["osp-ord-source-file-url"]);
    a.profile = Some(portalint::cli::ProfileArg::Openportal);
    let o = portalint::app::check(&a).expect("check runs");
    let got: Vec<String> = o
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.primary.path, d.message))
        .collect();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].contains("moved.yaml") && got[0].contains("team-b"), "{got:#?}");
}

#[test]
fn template_names_never_come_from_the_checkout_folder_name() {
    let tmp = tempfile::tempdir().expect("tmp");
    // A template repository checked out under a folder of another name: its source location
    // and package name are right for the repository, whatever the folder is called.
    let dir = tmp.path().join("checkout-1234");
    common::write(
        &dir,
        "configuration/xrd.yaml",
        "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\nmetadata:\n  name: widgets.openportal.dev\n  annotations:\n    backstage.io/source-location: \"url:https://github.com/acme/template-widget\"\nspec:\n  group: openportal.dev\n  names:\n    kind: Widget\n    plural: widgets\n  scope: Namespaced\n  versions:\n    - name: v1alpha1\n      served: true\n      referenceable: true\n      schema:\n        openAPIV3Schema:\n          type: object\n",
    );
    common::write(
        &dir,
        "configuration/crossplane.yaml",
        "apiVersion: meta.pkg.crossplane.io/v1\nkind: Configuration\nmetadata:\n  name: configuration-widget\n  annotations:\n    meta.crossplane.io/maintainer: acme\n    meta.crossplane.io/source: github.com/acme/template-widget\n    meta.crossplane.io/license: Apache-2.0\n    meta.crossplane.io/description: widgets\n    meta.crossplane.io/readme: widgets\n",
    );
    let mut a = common::args(
        std::slice::from_ref(&dir),
        &["osp-xrd-source-location", "osp-pkg-meta", "osp-tpl-package-root"],
    );
    a.profile = Some(portalint::cli::ProfileArg::Openportal);
    let o = portalint::app::check(&a).expect("check runs");
    let got: Vec<String> = o
        .diagnostics
        .iter()
        .map(|d| format!("{} {} {}", d.rule, d.primary.path, d.message))
        .collect();
    assert!(got.is_empty(), "{got:#?}");
    // A folder named `template-*` without package metadata is no template by its name alone.
    let named_folder = tmp.path().join("template-gadget");
    common::write(
        &named_folder,
        "xrd.yaml",
        &std::fs::read_to_string(dir.join("configuration/xrd.yaml")).expect("read"),
    );
    let mut a = common::args(std::slice::from_ref(&named_folder), &["osp-tpl-package-root"]);
    a.profile = Some(portalint::cli::ProfileArg::Openportal);
    let o = portalint::app::check(&a).expect("check runs");
    assert!(o.diagnostics.is_empty(), "{:#?}", o.diagnostics);
    // The configured name is one: then both are held to it.
    let cfg = tmp.path().join("portalint.yaml");
    std::fs::write(&cfg, "openportal:\n  repo-name: template-gizmo\n").expect("config");
    let got = fired_with(&dir, &["osp-xrd-source-location", "osp-pkg-meta"], Some(&cfg));
    assert_eq!(got.len(), 2, "{got:#?}");
}
