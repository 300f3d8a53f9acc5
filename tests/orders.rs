//! Orders and catalog, end to end through the binary: XRDs read from a real git repository at
//! two tags, the namespaces layout, `--fix`, and a catalog that pins template packages.

mod common;

use common::{git, run_bin as portalint, write};

fn xrd(extra_field: &str) -> String {
    format!(
        "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\nmetadata:\n  name: dnsrecords.openportal.dev\nspec:\n  group: openportal.dev\n  names: {{kind: DNSRecord, plural: dnsrecords}}\n  versions:\n  - name: v1alpha1\n    served: true\n    referenceable: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            required: [name, value]\n            properties:\n              name: {{type: string}}\n              value: {{type: string}}\n{extra_field}"
    )
}

const ORDER: &str = "apiVersion: openportal.dev/v1alpha1\nkind: DNSRecord\nmetadata:\n  name: api-dns\n  namespace: team-alpha\n  annotations:\n    backstage.io/owner: group:default/team-alpha\nspec:\n  name: api\n  value: 10.0.0.1\n  proxied: true\n";

fn json_rules(out: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(out).expect("json");
    v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn git_tags_change_the_verdict() {
    let tmp = tempfile::tempdir().expect("tmp");
    let tpl = tmp.path().join("template-dns-record");
    std::fs::create_dir_all(&tpl).expect("mkdir");
    git(&tpl, &["init", "-q", "-b", "main"]);
    write(&tpl, "configuration/xrd.yaml", &xrd(""));
    git(&tpl, &["add", "."]);
    git(&tpl, &["commit", "-q", "-m", "v1"]);
    git(&tpl, &["tag", "v1"]);
    write(
        &tpl,
        "configuration/xrd.yaml",
        &xrd("              proxied: {type: boolean}\n"),
    );
    git(&tpl, &["commit", "-q", "-am", "add proxied"]);
    git(&tpl, &["tag", "-a", "v2", "-m", "v2"]);
    // The work tree is then changed without committing: sources read git, not files.
    write(&tpl, "configuration/xrd.yaml", "garbage: [");

    let orders = tmp.path().join("orders");
    write(&orders, "namespaces/team-alpha/dns-records/api-dns.yaml", ORDER);
    let src = |tag: &str| format!("git+file://{}@{tag}", tpl.display());
    let (code, out, err) = portalint(&["check", "--format", "json", "--xrds", &src("v1"), "."], &orders);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(json_rules(&out), ["x-xr-schema"], "{out}");
    assert!(out.contains("unknown field `spec.proxied`"));
    assert!(
        out.contains("template-dns-record@v1/configuration/xrd.yaml"),
        "labels point into the source: {out}"
    );
    let (code, out, err) = portalint(&["check", "--format", "json", "--xrds", &src("v2"), "."], &orders);
    assert_eq!(code, 0, "{out}{err}");
    assert!(json_rules(&out).is_empty(), "{out}");
    let (code, _, err) = portalint(&["check", "--xrds", &src("v9"), "."], &orders);
    assert_eq!(code, 2);
    assert!(err.contains("`v9` is not a revision"), "{err}");
}

#[test]
fn namespaces_layout_type_folders() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(
        tmp.path(),
        "xrds/dnsrecord.yaml",
        &xrd("              proxied: {type: boolean}\n"),
    );
    write(
        tmp.path(),
        "orders/namespaces/team-alpha/dns-records/api-dns.yaml",
        ORDER,
    );
    write(
        tmp.path(),
        "orders/namespaces/team-alpha/DNSRecord/web-dns.yaml",
        &ORDER.replace("api-dns", "web-dns"),
    );
    write(
        tmp.path(),
        "orders/namespaces/team-alpha/dnsrecords/db-dns.yaml",
        &ORDER.replace("api-dns", "db-dns"),
    );
    write(
        tmp.path(),
        "orders/namespaces/team-alpha/databases/x-dns.yaml",
        &ORDER.replace("api-dns", "x-dns"),
    );
    write(
        tmp.path(),
        "orders/namespaces/team-beta/dns-records/y-dns.yaml",
        &ORDER.replace("api-dns", "y-dns"),
    );
    let (code, out, _) = portalint(
        &["check", "--format", "json", "--xrds", "../xrds", "."],
        &tmp.path().join("orders"),
    );
    assert_eq!(code, 1, "{out}");
    let found = common::rule_paths(&out);
    assert_eq!(
        found,
        [
            (
                "osp-ord-path-layout".to_string(),
                "namespaces/team-alpha/databases/x-dns.yaml".to_string()
            ),
            (
                "osp-ord-namespace-folder".to_string(),
                "namespaces/team-beta/dns-records/y-dns.yaml".to_string()
            ),
        ],
        "{out}"
    );
}

#[test]
fn fix_regenerates_kustomizations_idempotently() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(
        root,
        "xrds/dnsrecord.yaml",
        &xrd("              proxied: {type: boolean}\n"),
    );
    write(root, "orders/openportal/kustomization.yaml", "# Auto-generated by GitHub Action - Do not edit manually\n# This file is automatically updated when YAML resources change\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\nresources:\n  - team-alpha/DNSRecord/gone.yaml\n");
    write(root, "orders/openportal/team-alpha/DNSRecord/api-dns.yaml", ORDER);
    write(
        root,
        "orders/openportal/team-alpha/DNSRecord/web-dns.yaml",
        &ORDER.replace("api-dns", "web-dns"),
    );
    let orders = root.join("orders");
    let (code, out, _) = portalint(&["check", "--color", "never", "--xrds", "../xrds", "."], &orders);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("osp-ord-kustomization-sync"), "{out}");
    let (code, out, err) = portalint(
        &["check", "--color", "never", "--fix", "--xrds", "../xrds", "."],
        &orders,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("fixed openportal/kustomization.yaml: 2 resources (+2 -1)"),
        "{err}"
    );
    let text = std::fs::read_to_string(orders.join("openportal/kustomization.yaml")).expect("read");
    assert!(
        text.starts_with("# Auto-generated by GitHub Action - Do not edit manually\n"),
        "{text}"
    );
    assert!(
        text.ends_with("resources:\n  - team-alpha/DNSRecord/api-dns.yaml\n  - team-alpha/DNSRecord/web-dns.yaml\n"),
        "{text}"
    );
    let (code, _, err) = portalint(&["check", "--fix", "--xrds", "../xrds", "."], &orders);
    assert_eq!(code, 0);
    assert!(!err.contains("fixed"), "a second --fix changes nothing: {err}");
}

#[test]
fn catalog_packages_resolve_to_template_repos_at_the_pinned_tag() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    let tpl = root.join("template-dns-record");
    std::fs::create_dir_all(&tpl).expect("mkdir");
    git(&tpl, &["init", "-q", "-b", "main"]);
    write(&tpl, "configuration/xrd.yaml", &xrd(""));
    git(&tpl, &["add", "."]);
    git(&tpl, &["commit", "-q", "-m", "v1"]);
    git(&tpl, &["tag", "v1.0.0"]);
    write(
        &tpl,
        "configuration/xrd.yaml",
        &xrd("              proxied: {type: boolean}\n"),
    );
    git(&tpl, &["commit", "-q", "-am", "v1.1"]);
    git(&tpl, &["tag", "v1.1.0"]);
    let entry = |tag: &str| {
        format!("apiVersion: pkg.crossplane.io/v1\nkind: Configuration\nmetadata:\n  name: template-dns-record\nspec:\n  package: ghcr.io/open-service-portal/template-dns-record:{tag}\n")
    };
    write(root, "catalog/templates/template-dns-record.yaml", &entry("v1.0.0"));
    write(root, "orders/namespaces/team-alpha/dns-records/api-dns.yaml", ORDER);
    write(
        root,
        "orders/.portalint.yaml",
        &format!("xrds: [../catalog]\ncatalog:\n  packages:\n    ghcr.io/open-service-portal/template-dns-record: \"git+file://{}\"\n", tpl.display()),
    );
    let orders = root.join("orders");
    // Found in the checked tree, the config may not name the catalog and the template
    // repository beside it; named with `--config`, it is the user's and may.
    let (code, _, err) = portalint(&["check", "--format", "json", "."], &orders);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`xrds` names `../catalog`, which climbs out of the repository"),
        "{err}"
    );
    let trusted = ["check", "--config", ".portalint.yaml", "--format", "json", "."];
    let (code, out, _) = portalint(&trusted, &orders);
    assert_eq!((code, json_rules(&out)), (1, vec!["x-xr-schema".to_string()]), "{out}");
    write(root, "catalog/templates/template-dns-record.yaml", &entry("v1.1.0"));
    let (code, out, _) = portalint(&trusted, &orders);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn remote_sources_say_what_to_do() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(
        tmp.path(),
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    let (code, _, err) = portalint(
        &["check", "--xrds", "https://github.com/org/template-x.git@v1.2.0", "."],
        tmp.path(),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("does not fetch over the network") && err.contains("git+file://"),
        "{err}"
    );
}

#[test]
fn remote_sources_are_read_from_the_cache() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    // A "remote" template repository, mirrored into the cache the way the error message says.
    let upstream = root.join("upstream");
    std::fs::create_dir_all(&upstream).expect("mkdir");
    git(&upstream, &["init", "-q", "-b", "main"]);
    write(
        &upstream,
        "configuration/xrd.yaml",
        &xrd("              proxied: {type: boolean}\n"),
    );
    git(&upstream, &["add", "."]);
    git(&upstream, &["commit", "-q", "-m", "v1"]);
    git(&upstream, &["tag", "v1.2.0"]);
    write(root, "orders/namespaces/team-alpha/dns-records/api-dns.yaml", ORDER);
    let orders = root.join("orders");
    let cache = root.join("cache");
    let url = "https://github.com/org/template-dns-record.git";
    let spec = format!("{url}@v1.2.0");
    let cache_arg = cache.to_string_lossy().into_owned();
    let (code, _, err) = portalint(
        &["check", "--cache-dir", &cache_arg, "--offline", "--xrds", &spec, "."],
        &orders,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("not in the cache and --offline is set") && err.contains("git clone --mirror"),
        "{err}"
    );
    let mirror = portalint::external::Cache {
        dir: Some(cache.clone()),
        offline: true,
    }
    .path_for(url)
    .expect("cache path");
    git(
        root,
        &[
            "clone",
            "-q",
            "--mirror",
            &upstream.to_string_lossy(),
            &mirror.to_string_lossy(),
        ],
    );
    let (code, out, err) = portalint(
        &[
            "check",
            "--format",
            "json",
            "--cache-dir",
            &cache_arg,
            "--offline",
            "--xrds",
            &spec,
            ".",
        ],
        &orders,
    );
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn seed_catalog_layout_runs_template_rules_per_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    // Two templates, each an XRD + Composition in its own folder; the second one is broken.
    let comp = |kind: &str, api: &str| {
        format!(
            "apiVersion: apiextensions.crossplane.io/v1\nkind: Composition\nmetadata:\n  name: {lower}\n  labels:\n    crossplane.io/xrd: {lower}s.openportal.dev\nspec:\n  compositeTypeRef:\n    apiVersion: {api}\n    kind: {kind}\n  mode: Pipeline\n  pipeline:\n  - step: ready\n    functionRef:\n      name: function-auto-ready\n",
            lower = kind.to_lowercase()
        )
    };
    write(root, "catalog/templates/dns-record/xrd.yaml", &xrd(""));
    write(
        root,
        "catalog/templates/dns-record/composition.yaml",
        &comp("DNSRecord", "openportal.dev/v1alpha1"),
    );
    write(
        root,
        "catalog/templates/whoami/xrd.yaml",
        &xrd("")
            .replace("dnsrecords.openportal.dev", "whoami.openportal.dev")
            .replace("DNSRecord, plural: dnsrecords", "WhoAmIApp, plural: whoamiapps"),
    );
    write(
        root,
        "catalog/templates/whoami/composition.yaml",
        &comp("WhoAmIApp", "openportal.dev/v1beta1"),
    );
    let (code, out, _) = portalint(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "xp-xrd-name,x-comp-typeref-xrd",
            "catalog",
        ],
        root,
    );
    assert_eq!(code, 1, "{out}");
    let found = common::rule_paths(&out);
    assert_eq!(
        found,
        [
            (
                "x-comp-typeref-xrd".to_string(),
                // Relative to the current directory, not to the checked folder (issue 17).
                "catalog/templates/whoami/composition.yaml".to_string()
            ),
            (
                "xp-xrd-name".to_string(),
                "catalog/templates/whoami/xrd.yaml".to_string()
            ),
        ],
        "{out}"
    );
}

#[test]
fn an_order_choosing_no_composition_among_several_of_the_xrd_sources_is_warned() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fixture = common::root().join("fixtures/x-xr-composition-ambiguous/fail/two-compositions/configuration");
    // The template's XRD and its two Compositions are an XRD source beside the orders.
    for f in ["xrd.yaml", "composition-aws.yaml", "composition-cloudflare.yaml"] {
        let text = std::fs::read_to_string(fixture.join(f)).expect("fixture");
        common::write(&tmp.path().join("xrds"), f, &text);
    }
    // The same Composition given twice (two sources) is one Composition.
    let again = std::fs::read_to_string(fixture.join("composition-aws.yaml")).expect("fixture");
    common::write(&tmp.path().join("xrds"), "copy/composition-aws.yaml", &again);
    let repo = tmp.path().join("orders");
    let order = |name: &str, extra: &str| {
        format!("apiVersion: openportal.dev/v1alpha1\nkind: DNSRecord\nmetadata:\n  name: {name}\n  namespace: team-a\nspec:\n  name: {name}\n{extra}")
    };
    common::write(&repo, "openportal/team-a/DNSRecord/www.yaml", &order("www", ""));
    common::write(
        &repo,
        "openportal/team-a/DNSRecord/api.yaml",
        &order("api", "  crossplane:\n    compositionRef:\n      name: dnsrecord-aws\n"),
    );
    let args = [
        "check",
        "--format",
        "json",
        "--xrds",
        "../xrds",
        "--select",
        "x-xr-composition-ambiguous",
        ".",
    ];
    let (code, out, err) = common::run_bin(&args, &repo);
    assert_eq!(code, 0, "a warning: {out}{err}");
    let found = common::rule_paths(&out);
    assert_eq!(
        found,
        [(
            "x-xr-composition-ambiguous".to_string(),
            "openportal/team-a/DNSRecord/www.yaml".to_string()
        )],
        "{out}"
    );
    assert!(out.contains("2 Compositions"), "{out}");
}
