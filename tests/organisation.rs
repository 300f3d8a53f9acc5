//! The organisation a repository belongs to comes from its git remote or the config, never
//! from a built-in name (issue 18).

mod common;

use common::{git, run_bin, write};
use std::path::Path;

fn json_rules(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--isolated", "--format", "json", "."];
    args.extend_from_slice(extra);
    let (code, out, err) = run_bin(&args, dir);
    assert!(code == 0 || code == 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

fn entry(name: &str, package: &str) -> String {
    format!(
        "apiVersion: pkg.crossplane.io/v1\nkind: Configuration\nmetadata:\n  name: {name}\nspec:\n  package: {package}\n"
    )
}

fn with_remote(dir: &Path, url: &str) {
    git(dir, &["init", "-q"]);
    git(dir, &["remote", "add", "origin", url]);
}

#[test]
fn a_catalog_of_another_organisation_gets_the_catalog_rules() {
    // Entries named after their package, under the remote's organisation.
    let t = tempfile::tempdir().expect("tmp");
    let dir = t.path().join("platform-catalog");
    write(
        &dir,
        "templates/db.yaml",
        &entry("db", "ghcr.io/acme/configuration-db:latest"),
    );
    write(&dir, "kustomization.yaml", "resources:\n- templates/db.yaml\n");
    assert!(
        !json_rules(&dir, &[]).iter().any(|r| r == "osp-cat-package-pinned"),
        "no remote, no config, no catalog convention: not taken for a catalog"
    );
    with_remote(&dir, "git@github.com:acme/platform-catalog.git");
    let rules = json_rules(&dir, &[]);
    assert!(rules.iter().any(|r| r == "osp-cat-package-pinned"), "{rules:?}");
    // The config names the organisation just as well.
    let t2 = tempfile::tempdir().expect("tmp");
    write(
        t2.path(),
        "templates/db.yaml",
        &entry("db", "ghcr.io/acme/configuration-db:latest"),
    );
    write(t2.path(), "cfg.yaml", "openportal: {github-org: acme}\n");
    let (_, out, err) = run_bin(&["check", "--config", "cfg.yaml", "--format", "json", "."], t2.path());
    assert!(out.contains("osp-cat-package-pinned"), "{out}{err}");
    // The catalog's own convention (`templates/template-<name>.yaml`) whatever the registry.
    let t3 = tempfile::tempdir().expect("tmp");
    write(
        t3.path(),
        "templates/template-db.yaml",
        &entry("template-db", "registry.example.com/platform/template-db:main"),
    );
    let rules = json_rules(t3.path(), &[]);
    assert!(rules.iter().any(|r| r == "osp-cat-package-pinned"), "{rules:?}");
}

const XRD: &str = "apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: databases.acme.dev
  annotations:
    backstage.io/source-location: \"LOCATION\"
spec:
  group: acme.dev
  names: {kind: Database, plural: databases}
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    referenceable: true
    schema:
      openAPIV3Schema:
        type: object
";

fn template(dir: &Path, location: &str) {
    write(dir, "configuration/xrd.yaml", &XRD.replace("LOCATION", location));
    write(
        dir,
        "configuration/crossplane.yaml",
        "apiVersion: meta.pkg.crossplane.io/v1\nkind: Configuration\nmetadata:\n  name: template-db\n",
    );
}

#[test]
fn a_source_location_of_the_repositorys_own_organisation_is_not_reported() {
    let t = tempfile::tempdir().expect("tmp");
    let dir = t.path().join("template-db");
    template(&dir, "url:https://github.com/acme/template-db");
    let select = ["--profile", "openportal", "--select", "osp-xrd-source-location"];
    assert_eq!(
        json_rules(&dir, &select),
        Vec::<String>::new(),
        "no organisation known: any owner"
    );
    with_remote(&dir, "https://github.com/acme/template-db.git");
    assert_eq!(
        json_rules(&dir, &select),
        Vec::<String>::new(),
        "the remote's organisation"
    );
    template(&dir, "url:https://github.com/open-service-portal/template-db");
    let (_, out, _) = run_bin(
        &[
            "check",
            "--isolated",
            "--profile",
            "openportal",
            "--select",
            "osp-xrd-source-location",
            ".",
        ],
        &dir,
    );
    assert!(
        out.contains("not this repository"),
        "another organisation than the remote's: {out}"
    );
    assert!(out.contains("use `url:https://github.com/acme/template-db`"), "{out}");
    // The config overrides the remote.
    write(&dir, "cfg.yaml", "openportal: {github-org: open-service-portal}\n");
    let (code, out, err) = run_bin(
        &[
            "check",
            "--config",
            "cfg.yaml",
            "--profile",
            "openportal",
            "--select",
            "osp-xrd-source-location",
            ".",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{out}{err}");
}

/// No rule names a built-in organisation: the default of `openportal.github-org` is unset.
#[test]
fn no_organisation_is_built_in() {
    let schema: serde_json::Value = serde_json::from_str(&portalint::config::json_schema()).expect("json");
    let org = &schema["definitions"]["OpenPortalOptions"]["properties"]["github-org"];
    assert!(org["default"].is_null(), "{org}");
    for rule in portalint::rules::ALL_RULES {
        let m = rule.meta();
        assert!(
            !m.docs.contains("default `open-service-portal`"),
            "{}: its doc still names a built-in organisation",
            m.id
        );
    }
}

/// Every convention rule's page says how to apply it to another organisation.
#[test]
fn every_convention_rule_says_how_to_apply_it_elsewhere() {
    let mut conventions = 0;
    for rule in portalint::rules::ALL_RULES {
        let m = rule.meta();
        if !portalint::docs::is_convention(m) {
            continue;
        }
        conventions += 1;
        let page = portalint::docs::rule_page(m);
        assert_eq!(
            page.matches(portalint::docs::ANOTHER_ORG).count(),
            1,
            "{}: one `{}` section",
            m.id,
            portalint::docs::ANOTHER_ORG
        );
    }
    assert!(conventions > 50, "the openportal and onboarding packs: {conventions}");
    let own = portalint::rules::RuleId::from_id("osp-xrd-source-location").expect("rule");
    assert!(
        portalint::docs::rule_page(own.meta()).contains("github-org: <org>"),
        "its own section"
    );
}
