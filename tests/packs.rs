//! The Backstage and onboarding packs end to end through the binary: their config options
//! change what is reported, and the onboarding quality score is in the JSON summary.

mod common;

use common::{rule_paths, run_bin, write};

const TEMPLATE: &str = "apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: deploy
spec:
  owner: group:platform
  type: service
  steps:
    - id: deploy
      action: acme:deploy
      input:
        target: x
    - id: log
      action: debug:log
      input:
        message: ${{ steps.deploy.output.url }} ${{ parameters.name | shout }}
";

#[test]
fn backstage_options_register_actions_filters_and_entities() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(root, "template.yaml", TEMPLATE);
    write(
        root,
        "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  type: service\n  lifecycle: production\n  owner: platform\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: sre\nspec:\n  type: team\n  children: []\n",
    );
    let rules = |json: &str| -> Vec<String> {
        let mut r: Vec<String> = rule_paths(json).into_iter().map(|(r, _)| r).collect();
        r.sort();
        r
    };
    let (code, out, _) = run_bin(&["check", ".", "--format", "json"], root);
    assert_eq!(code, 1, "{out}");
    // Both owners (`platform`) are unknown Groups, the action and the filter are unknown.
    assert_eq!(
        rules(&out),
        [
            "bs-ref-resolves",
            "bs-ref-resolves",
            "bs-tpl-action-known",
            "bs-tpl-expression-syntax",
            "bs-tpl-parameter-ref-declared"
        ]
    );
    write(
        root,
        ".portalint.yaml",
        "backstage:\n  actions: [acme:deploy]\n  action-outputs:\n    acme:deploy: [link]\n  filters: [shout]\n  known-entities: [group:default/platform]\n",
    );
    let (_, out, _) = run_bin(&["check", ".", "--format", "json"], root);
    // The action is registered, its outputs are known (`url` is not one), the filter and the
    // owner resolve; the undeclared parameter stays.
    assert_eq!(
        rules(&out),
        ["bs-tpl-parameter-ref-declared", "bs-tpl-step-output-known"]
    );
    write(root, ".portalint.yaml", "packs:\n  backstage: off\n");
    let (code, out, _) = run_bin(&["check", ".", "--format", "json"], root);
    assert_eq!((code, rules(&out)), (0, Vec::<String>::new()), "{out}");
}

#[test]
fn onboarding_quality_score_in_json_summary() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("bu-finance-infrastructure");
    let full = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\n  namespace: finance\n  description: The general ledger of the finance unit\n  tags: [java]\n  links:\n    - url: https://ledger.example.com\n  annotations:\n    github.com/project-slug: acme/ledger\nspec:\n  type: service\n  lifecycle: production\n  owner: group:finance/finance\n  system: finance-core\n";
    let bare = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger-ui\n  namespace: finance\nspec:\n  type: website\n  lifecycle: production\n  owner: group:finance/finance\n";
    write(&root, "catalog-info.yaml", &format!("{full}---\n{bare}"));
    let (_, out, _) = run_bin(&["check", ".", "--format", "json"], &root);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let q = &v["summary"]["quality"][0];
    assert_eq!(q["repo"], "bu-finance-infrastructure");
    assert_eq!(q["unit"], "finance");
    // 100 and 40 (owner 20, no placeholders 10, mature lifecycle 10): mean 70.
    assert_eq!(
        (q["score"].as_u64(), q["entities"].as_u64()),
        (Some(70), Some(2)),
        "{q}"
    );
    assert_eq!(q["below_threshold"], 1);
    assert_eq!(q["failing"]["description"], 1);
    // The threshold is configurable: at 30 nothing is below it.
    write(&root, ".portalint.yaml", "onboarding:\n  quality-threshold: 30\n");
    let (_, out, _) = run_bin(&["check", ".", "--format", "json"], &root);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["summary"]["quality"][0]["below_threshold"], 0);
    assert!(!rule_paths(&out).iter().any(|(r, _)| r == "bu-quality-score"), "{out}");
    // Outside a BU repository there is no quality summary.
    let other = dir.path().join("platform");
    write(&other, "catalog-info.yaml", full);
    let (_, out, _) = run_bin(&["check", ".", "--format", "json"], &other);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(v["summary"].get("quality").is_none(), "{out}");
}

#[test]
fn alias_ids_switch_their_rules() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "template.yaml",
        "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  owner: group:platform\n  type: service\n  steps:\n    - id: register\n      action: catalog:register\n      input:\n        repoContentsUrl: ${{ steps.publish.output.repoContentsUrl }}\n    - id: publish\n      action: publish:github\n      input:\n        repoUrl: github.com?owner=a&repo=b\n    - id: log\n      action: debug:log\n      input:\n        message: ${{ steps.publish.output.url }}\n",
    );
    let rules = |json: &str| -> Vec<String> { rule_paths(json).into_iter().map(|(r, _)| r).collect() };
    let (_, out, _) = run_bin(
        &["check", ".", "--format", "json", "--select", "x-scaffolder-step-refs"],
        root,
    );
    let mut found = rules(&out);
    found.sort();
    assert_eq!(found, ["bs-tpl-step-output-known", "bs-tpl-step-ref-earlier"]);
    write(root, ".portalint.yaml", "ignore: [x-scaffolder-step-refs]\n");
    let (_, out, _) = run_bin(&["check", ".", "--format", "json"], root);
    assert!(!rules(&out).iter().any(|r| r.starts_with("bs-tpl-step-")), "{out}");
    write(root, ".portalint.yaml", "ignore: [x-scaffold-step-refs]\n");
    let (code, _, err) = run_bin(&["check", "."], root);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `x-scaffolder-step-refs`"), "{err}");
}

#[test]
fn quality_score_reads_entity_age_from_git_history() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("bu-finance-infrastructure");
    let entity = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\n  namespace: finance\n  description: The general ledger of the finance unit\n  tags: [java]\n  links:\n    - url: https://ledger.example.com\n  annotations:\n    github.com/project-slug: acme/ledger\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:finance/finance\n  system: finance-core\n";
    write(&root, "catalog-info.yaml", entity);
    let git = |args: &[&str], date: &str| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(&root)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .expect("git")
            .success();
        assert!(ok, "git {args:?}");
    };
    let score = || {
        let (_, out, _) = run_bin(&["check", ".", "--format", "json"], &root);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        v["summary"]["quality"][0].clone()
    };
    // Not in git: the age is unknown, the check passes.
    assert_eq!(score()["score"], 100);
    git(&["init", "-q"], "2020-01-01T00:00:00Z");
    git(&["add", "."], "2020-01-01T00:00:00Z");
    git(&["commit", "-qm", "catalog"], "2020-01-01T00:00:00Z");
    // A later commit that touches the file does not make it younger.
    write(&root, "catalog-info.yaml", &entity.replace("java", "java, ledger"));
    git(&["commit", "-qam", "tags"], "2026-11-01T00:00:00Z");
    let q = score();
    assert_eq!(
        (q["score"].as_u64(), q["failing"]["mature-lifecycle"].as_u64()),
        (Some(90), Some(1)),
        "{q}"
    );
    // Production entities pass whatever their age.
    write(
        &root,
        "catalog-info.yaml",
        &entity.replace("experimental", "production"),
    );
    assert_eq!(score()["score"], 100);
}

#[test]
fn a_dangling_catalog_or_cluster_entry_is_reported_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    // A catalog: the root kustomization lists a template entry that does not exist.
    let catalog = tmp.path().join("catalog");
    common::write(&catalog, "kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - templates/template-whoami.yaml\n  - templates/template-gone.yaml\n");
    common::write(&catalog, "templates/template-whoami.yaml", "apiVersion: pkg.crossplane.io/v1\nkind: Configuration\nmetadata:\n  name: template-whoami\nspec:\n  package: ghcr.io/open-service-portal/configuration-whoami:v1.0.0\n");
    let rules = ["kustomize-resources-exist", "osp-cat-kustomization-complete"];
    let mut a = common::args(std::slice::from_ref(&catalog), &rules);
    a.profile = Some(portalint::cli::ProfileArg::Openportal);
    let o = portalint::app::check(&a).expect("check runs");
    let got: Vec<String> = o
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.rule, d.message))
        .collect();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].starts_with("osp-cat-kustomization-complete"), "{got:#?}");
    // Without the portal pack, the core rule reports it.
    let mut a = common::args(std::slice::from_ref(&catalog), &rules);
    a.profile = Some(portalint::cli::ProfileArg::Core);
    let o = portalint::app::check(&a).expect("check runs");
    let got: Vec<String> = o
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.rule, d.message))
        .collect();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].starts_with("kustomize-resources-exist"), "{got:#?}");
}
