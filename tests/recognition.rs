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
