//! `portalint verdict` on real git repositories built in temp dirs: one base repository of
//! catalog-orders, one PR branch per scenario, and the expected decision and reason codes.

mod common;

use common::{git, root, run_bin, write};
use portalint::cli::{OutputFormat, VerdictArgs};
use portalint::gate::Decision;
use std::path::Path;

const POLICY: &str = r#"base-branch: main
bots: [backstage-portal-bot]
teams:
  team-a: [alice]
  team-b: [bob]
protected-clusters: ["*-prod"]
max-files: 3
auto-merge-kinds: [WhoAmIApp, DNSRecord, ValkeyInstance]
rules:
  - name: team namespaces
    match: {namespace: "team-*"}
    denied-kinds: [ManagedNamespace]
    count:
      - {kind: WhoAmIApp, soft: 2, hard: 3}
    sum:
      - {kind: WhoAmIApp, field: spec.replicas, soft: 5, hard: 6}
      - {kind: ValkeyInstance, field: spec.persistence.size, when: "object.spec.persistence.enabled", soft: 10Gi, hard: 20Gi}
    sensitive:
      - reason: R-COSTLY
        kind: ValkeyInstance
        when: "object.spec.size != 'small'"
        message: caches above `small` cost money
    fields:
      - {kind: DNSRecord, field: spec.ttl, max: 3600, level: soft, message: long TTLs slow down failover}
      - {kind: WhoAmIApp, field: spec.name, pattern: "^[a-z][a-z0-9-]*$"}
    cel:
      - kind: DNSRecord
        expression: "object.spec.type in ['A', 'CNAME']"
        message: only A and CNAME records
      - kind: ValkeyInstance
        expression: "quantity(object.spec.maxMemory).isLessThan(quantity('2Gi'))"
        level: soft
  - name: team totals
    count:
      - {kind: WhoAmIApp, per: team, hard: 3}
"#;

const CONFIG: &str = "openportal:\n  repo-name: catalog-orders\npolicy: policy.yaml\n";

/// The XRDs of a test repository lie beside it (`../xrds`): outside the repository, so they
/// are given on the command line (a config in the repository may only name paths inside it).
fn xrds_beside(repo: &Path) -> String {
    repo.parent()
        .expect("parent")
        .join("xrds")
        .to_string_lossy()
        .into_owned()
}

/// `portalint verdict ARGS --xrds ../xrds` in `repo`.
fn verdict_bin(args: &[&str], repo: &Path) -> (i32, String, String) {
    let xrds = xrds_beside(repo);
    let mut all = vec!["verdict", "--xrds", &xrds];
    all.extend_from_slice(args);
    run_bin(&all, repo)
}

const CODEOWNERS: &str = "* @org/platform\n/openportal/team-a/ @org/team-a\n/openportal/team-b/ @org/team-b\n/openportal-prod/team-a/ @org/team-a\n";

const VALKEY_XRD: &str = r#"# Hand-written for the verdict tests: a cache with a quantity field.
apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: valkeyinstances.openportal.dev
spec:
  group: openportal.dev
  scope: Namespaced
  names: {kind: ValkeyInstance, plural: valkeyinstances}
  versions:
  - name: v1alpha1
    served: true
    referenceable: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: string, enum: [small, medium, large], default: small}
              maxMemory: {type: string}
              persistence:
                type: object
                default: {}
                properties:
                  enabled: {type: boolean, default: false}
                  size: {type: string, default: 1Gi}
"#;

fn app(ns: &str, name: &str, replicas: u32, owner: &str) -> String {
    format!(
        "apiVersion: openportal.dev/v1alpha1\nkind: WhoAmIApp\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations:\n    terasky.backstage.io/owner: {owner}\nspec:\n  name: {name}\n  replicas: {replicas}\n"
    )
}

fn valkey(name: &str, spec: &str) -> String {
    format!("apiVersion: openportal.dev/v1alpha1\nkind: ValkeyInstance\nmetadata:\n  name: {name}\n  namespace: team-a\nspec:\n{spec}")
}

fn dns(name: &str, kind: &str) -> String {
    format!("apiVersion: openportal.dev/v1alpha1\nkind: DNSRecord\nmetadata:\n  name: {name}\n  namespace: team-a\nspec:\n  type: {kind}\n  name: {name}\n  value: 192.0.2.1\n")
}

const KUSTOMIZATION: &str = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n";

/// The base repository: policy, CODEOWNERS, two clusters, one app in team-a (3 replicas),
/// one persistent 8Gi cache in team-a, one app in team-b.
fn base_repo(dir: &Path) {
    let xrds = dir.join("xrds");
    for f in ["whoami-xrd.yaml", "namespace-xrd.yaml", "dnsrecord-xrd.yaml"] {
        write(
            &xrds,
            f,
            &std::fs::read_to_string(root().join("fixtures/_xrds").join(f)).expect("xrd"),
        );
    }
    write(&xrds, "valkey-xrd.yaml", VALKEY_XRD);
    let repo = dir.join("repo");
    write(&repo, ".portalint.yaml", CONFIG);
    write(&repo, "policy.yaml", POLICY);
    write(&repo, ".github/CODEOWNERS", CODEOWNERS);
    write(&repo, "openportal/kustomization.yaml", KUSTOMIZATION);
    write(&repo, "openportal-prod/kustomization.yaml", KUSTOMIZATION);
    write(
        &repo,
        "openportal/team-a/WhoAmIApp/demo.yaml",
        &app("team-a", "demo", 3, "group:default/team-a"),
    );
    write(
        &repo,
        "openportal/team-a/ValkeyInstance/cache.yaml",
        &valkey("cache", "  maxMemory: 1Gi\n  persistence: {enabled: true, size: 8Gi}\n"),
    );
    write(
        &repo,
        "openportal/team-b/WhoAmIApp/web.yaml",
        &app("team-b", "web", 1, "group:default/team-b"),
    );
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "base"]);
}

enum Change<'a> {
    Write(&'a str, String),
    Delete(&'a str),
    /// A symlink at the first path to the second.
    Symlink(&'a str, &'a str),
    /// A file written with the executable bit.
    Executable(&'a str, String),
}

struct Scenario<'a> {
    name: &'a str,
    author: &'a str,
    changes: Vec<Change<'a>>,
    decision: Decision,
    codes: &'a [&'a str],
}

fn run(repo: &Path, s: &Scenario) -> portalint::verdict::Report {
    git(
        repo,
        &["checkout", "-q", "-B", &format!("create-{}-resource", s.name), "main"],
    );
    for c in &s.changes {
        match c {
            Change::Write(rel, text) => write(repo, rel, text),
            Change::Delete(rel) => std::fs::remove_file(repo.join(rel)).expect("rm"),
            Change::Symlink(rel, target) => {
                std::os::unix::fs::symlink(target, repo.join(rel)).expect("symlink");
            }
            Change::Executable(rel, text) => {
                use std::os::unix::fs::PermissionsExt;
                write(repo, rel, text);
                std::fs::set_permissions(repo.join(rel), std::fs::Permissions::from_mode(0o755)).expect("chmod");
            }
        }
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-qm", s.name, "--allow-empty"]);
    let args = VerdictArgs {
        path: Some(repo.to_path_buf()),
        base: "main".into(),
        head: None,
        author: Some(s.author.into()),
        branch: Some(format!("create-{}-resource", s.name)),
        config: None,
        target_branch: None,
        format: OutputFormat::Json,
        xrds: vec![xrds_beside(repo)],
        cache_dir: None,
        offline: false,
        baseline: None,
    };
    let report = portalint::verdict::verdict(&args).unwrap_or_else(|e| panic!("{}: {e:?}", s.name));
    git(repo, &["checkout", "-q", "main"]);
    report
}

#[test]
fn scenario_table() {
    let tmp = tempfile::tempdir().expect("tmp");
    base_repo(tmp.path());
    let repo = tmp.path().join("repo");
    let a = |name: &str| format!("openportal/team-a/WhoAmIApp/{name}.yaml");
    use Change::*;
    use Decision::*;
    let new_app =
        |name: &'static str, replicas| Write(leak(a(name)), app("team-a", name, replicas, "group:default/team-a"));
    let scenarios = vec![
        // Quotas: replicas summed per namespace (base 3; soft 5, hard 6), count (base 1; soft 2, hard 3).
        Scenario { name: "under", author: "alice", changes: vec![new_app("u", 1)], decision: AutoMerge, codes: &[] },
        Scenario { name: "at", author: "alice", changes: vec![new_app("at", 2)], decision: AutoMerge, codes: &[] },
        Scenario { name: "over-soft", author: "alice", changes: vec![new_app("os", 3)], decision: ReviewRequired, codes: &["R-QUOTA-SOFT"] },
        Scenario {
            name: "over-hard",
            author: "alice",
            changes: vec![new_app("oh1", 2), new_app("oh2", 2)],
            decision: Reject,
            codes: &["R-QUOTA-HARD", "R-QUOTA-SOFT"],
        },
        Scenario {
            name: "count-over",
            author: "alice",
            changes: vec![new_app("c1", 1), new_app("c2", 1), new_app("c3", 1)],
            decision: Reject,
            codes: &["R-QUOTA-HARD", "R-QUOTA-SOFT"],
        },
        // Counted per team (CODEOWNERS owner) across clusters: 1 + 1 + 2 > 3.
        Scenario {
            name: "team-total",
            author: "alice",
            changes: vec![
                new_app("t1", 1),
                Write("openportal-prod/team-a/WhoAmIApp/t2.yaml", app("team-a", "t2", 1, "group:default/team-a")),
                Write("openportal-prod/team-a/WhoAmIApp/t3.yaml", app("team-a", "t3", 1, "group:default/team-a")),
            ],
            decision: Reject,
            codes: &["R-MULTI", "R-PROD", "R-QUOTA-HARD"],
        },
        // Quantity sums: persistent caches (base 8Gi; soft 10Gi, hard 20Gi); a non-persistent one does not count.
        Scenario {
            name: "quantity-at",
            author: "alice",
            changes: vec![Write("openportal/team-a/ValkeyInstance/c2.yaml", valkey("c2", "  maxMemory: 512Mi\n  persistence: {enabled: true, size: 2048Mi}\n"))],
            decision: AutoMerge,
            codes: &[],
        },
        Scenario {
            name: "quantity-over-soft",
            author: "alice",
            changes: vec![Write("openportal/team-a/ValkeyInstance/c3.yaml", valkey("c3", "  maxMemory: 512Mi\n  persistence: {enabled: true, size: 2.5Gi}\n"))],
            decision: ReviewRequired,
            codes: &["R-QUOTA-SOFT"],
        },
        Scenario {
            name: "quantity-over-hard",
            author: "alice",
            changes: vec![Write("openportal/team-a/ValkeyInstance/c4.yaml", valkey("c4", "  maxMemory: 512Mi\n  persistence: {enabled: true, size: 12.5Gi}\n"))],
            decision: Reject,
            codes: &["R-QUOTA-HARD"],
        },
        Scenario {
            name: "quantity-not-persistent",
            author: "alice",
            changes: vec![Write("openportal/team-a/ValkeyInstance/c5.yaml", valkey("c5", "  maxMemory: 512Mi\n  persistence: {size: 50Gi}\n"))],
            decision: AutoMerge,
            codes: &[],
        },
        // Sensitive kind condition, and a CEL rule that cannot be evaluated (maxMemory omitted).
        Scenario {
            name: "sensitive",
            author: "alice",
            changes: vec![Write("openportal/team-a/ValkeyInstance/big.yaml", valkey("big", "  size: large\n  maxMemory: 1Gi\n"))],
            decision: ReviewRequired,
            codes: &["R-COSTLY"],
        },
        Scenario {
            name: "cel-error",
            author: "alice",
            changes: vec![Write("openportal/team-a/ValkeyInstance/nomem.yaml", valkey("nomem", "  size: small\n"))],
            decision: ReviewRequired,
            codes: &["R-POLICY-ERROR"],
        },
        // CEL rules: pass and fail.
        Scenario { name: "cel-pass", author: "alice", changes: vec![Write("openportal/team-a/DNSRecord/www.yaml", dns("www", "A"))], decision: AutoMerge, codes: &[] },
        Scenario { name: "cel-fail", author: "alice", changes: vec![Write("openportal/team-a/DNSRecord/txt.yaml", dns("txt", "TXT"))], decision: Reject, codes: &["R-CEL-HARD"] },
        // Protected cluster, foreign namespace, bot PRs.
        Scenario {
            name: "protected",
            author: "alice",
            changes: vec![Write("openportal-prod/team-a/WhoAmIApp/p.yaml", app("team-a", "p", 1, "group:default/team-a"))],
            decision: ReviewRequired,
            codes: &["R-PROD"],
        },
        Scenario {
            name: "foreign-namespace",
            author: "alice",
            changes: vec![Write("openportal/team-b/WhoAmIApp/x.yaml", app("team-b", "x", 1, "group:default/team-b"))],
            decision: ReviewRequired,
            codes: &["R-OWNER"],
        },
        Scenario { name: "bot-owner-ok", author: "backstage-portal-bot", changes: vec![new_app("b1", 1)], decision: AutoMerge, codes: &[] },
        Scenario {
            name: "bot-foreign-owner",
            author: "backstage-portal-bot",
            changes: vec![Write(leak(a("b2")), app("team-a", "b2", 1, "group:default/team-b"))],
            // The annotation also disagrees with the folder's CODEOWNERS team: gate-owner-consistency.
            decision: Reject,
            codes: &["R-LINT", "R-OWNER"],
        },
        Scenario {
            name: "protected-foreign",
            author: "alice",
            changes: vec![Write("openportal-prod/team-b/WhoAmIApp/p.yaml", app("team-b", "p", 1, "group:default/team-b"))],
            // Ownership is hard in a protected cluster; the folder is not covered either.
            decision: Reject,
            codes: &["R-LINT", "R-OWNER", "R-PROD"],
        },
        // Field limits: a soft maximum (the XRD's default TTL 300 passes), a hard pattern.
        Scenario {
            name: "field-soft",
            author: "alice",
            changes: vec![Write("openportal/team-a/DNSRecord/slow.yaml", format!("{}  ttl: 7200\n", dns("slow", "A")))],
            decision: ReviewRequired,
            codes: &["R-FIELD-SOFT"],
        },
        Scenario {
            name: "field-hard",
            author: "alice",
            changes: vec![Write(leak(a("fh")), app("team-a", "fh", 1, "group:default/team-a").replace("name: fh\n  replicas", "name: \"9lives\"\n  replicas"))],
            decision: Reject,
            codes: &["R-FIELD-HARD"],
        },
        // Only regular files: a symlink (to another team's order) or an executable file.
        Scenario {
            name: "symlink",
            author: "alice",
            changes: vec![Symlink("openportal/team-a/WhoAmIApp/link.yaml", "../../team-b/WhoAmIApp/web.yaml")],
            decision: ReviewRequired,
            codes: &["R-MODE"],
        },
        Scenario {
            name: "executable",
            author: "alice",
            changes: vec![Executable(leak(a("exe")), app("team-a", "exe", 1, "group:default/team-a"))],
            decision: ReviewRequired,
            codes: &["R-MODE"],
        },
        // Modified and deleted orders (Flux prunes).
        Scenario {
            name: "modified",
            author: "alice",
            changes: vec![Write(leak(a("demo")), app("team-a", "demo", 1, "group:default/team-a"))],
            decision: ReviewRequired,
            codes: &["R-MODIFY"],
        },
        Scenario { name: "deleted", author: "alice", changes: vec![Delete("openportal/team-a/WhoAmIApp/demo.yaml")], decision: ReviewRequired, codes: &["R-DELETE"] },
        // The policy and CODEOWNERS that decide come from the base: raising the limit in the
        // PR does not let an over-quota order through, and owning a folder in the PR does not
        // make the author its owner.
        Scenario {
            name: "policy-changed",
            author: "alice",
            changes: vec![
                Write("policy.yaml", POLICY.replace("soft: 10Gi, hard: 20Gi", "soft: 100Gi, hard: 200Gi")),
                Write("openportal/team-a/ValkeyInstance/pc.yaml", valkey("pc", "  maxMemory: 512Mi\n  persistence: {enabled: true, size: 12.5Gi}\n")),
            ],
            decision: Reject,
            codes: &["R-MODIFY", "R-NON-ORDER-PATH", "R-POLICY-CHANGED", "R-QUOTA-HARD"],
        },
        Scenario {
            name: "codeowners-changed",
            author: "alice",
            changes: vec![
                Write(".github/CODEOWNERS", format!("{CODEOWNERS}/openportal/team-b/ @alice\n")),
                Write("openportal/team-b/WhoAmIApp/mine.yaml", app("team-b", "mine", 1, "group:default/team-b")),
            ],
            // The new entry names a user, not one team: gate-codeowners-coverage on the merged tree.
            decision: Reject,
            codes: &["R-LINT", "R-MODIFY", "R-NON-ORDER-PATH", "R-OWNER", "R-POLICY-CHANGED"],
        },
        // Kinds: cluster-scoped and denied in a team namespace; a kind not on the allowlist; pinning.
        Scenario {
            name: "cluster-scoped",
            author: "alice",
            changes: vec![Write(
                "openportal/team-a/ManagedNamespace/ns.yaml",
                "apiVersion: openportal.dev/v1alpha1\nkind: ManagedNamespace\nmetadata:\n  name: team-c\nspec:\n  name: team-c\n".into(),
            )],
            decision: Reject,
            codes: &["R-CLUSTER-SCOPED", "R-KIND", "R-KIND-DENIED", "R-LINT"],
        },
        Scenario {
            name: "pinned",
            author: "alice",
            changes: vec![Write(
                leak(a("pin")),
                format!("{}  crossplane:\n    compositionUpdatePolicy: Manual\n", app("team-a", "pin", 1, "group:default/team-a")),
            )],
            decision: ReviewRequired,
            codes: &["R-PINNING"],
        },
        // An error finding on the post-merge tree blocks.
        Scenario {
            name: "lint-error",
            author: "alice",
            changes: vec![Write(leak(a("bad")), app("team-a", "bad", 1, "group:default/team-a").replace("replicas: 1", "replicas: many"))],
            decision: Reject,
            codes: &["R-LINT", "R-POLICY-ERROR"],
        },
        // Too many files for one auto-merge, across namespaces; non-order files.
        Scenario {
            name: "multi",
            author: "alice",
            changes: vec![new_app("m1", 1), Write("openportal/team-a/DNSRecord/m2.yaml", dns("m2", "A")), Write("README.md", "x\n".into())],
            decision: ReviewRequired,
            codes: &["R-NON-ORDER-PATH"],
        },
    ];
    let mut failures = Vec::new();
    for s in &scenarios {
        let r = run(&repo, s);
        let mut codes: Vec<&str> = r.verdict.reasons.iter().map(|r| r.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        if r.decision != s.decision || codes != s.codes {
            failures.push(format!(
                "{}: expected {:?} {:?}, got {:?} {:?}\n{}",
                s.name,
                s.decision,
                s.codes,
                r.decision,
                codes,
                serde_json::to_string_pretty(&r.verdict.reasons).unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The base repository with a PR branch `create-<name>-resource` adding one team-a app.
fn repo_with_one_order(dir: &Path, name: &str, replicas: u32) -> std::path::PathBuf {
    base_repo(dir);
    let repo = dir.join("repo");
    git(&repo, &["checkout", "-q", "-b", &format!("create-{name}-resource")]);
    let rel = format!("openportal/team-a/WhoAmIApp/{name}.yaml");
    write(&repo, &rel, &app("team-a", name, replicas, "group:default/team-a"));
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", name]);
    repo
}

/// The quota reason says before → after and points at the order's field; the text and JSON
/// renderings and the exit codes.
#[test]
fn binary_renders_text_and_json_with_exit_codes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = repo_with_one_order(tmp.path(), "big", 3);
    let (code, out, err) = verdict_bin(&["--base", "main", "--author", "alice"], &repo);
    assert_eq!(code, 10, "{out}{err}");
    assert!(out.starts_with("verdict: review-required\n"), "{out}");
    assert!(
        out.contains("review R-QUOTA-SOFT openportal/team-a/WhoAmIApp/big.yaml:10:13: sum WhoAmIApp.spec.replicas per namespace openportal/team-a: 3 → 6 is over the soft limit 5 [team namespaces]"),
        "{out}"
    );
    assert!(
        out.contains("count WhoAmIApp per namespace openportal/team-a: 1 → 2 (soft 2, hard 3)"),
        "{out}"
    );
    let (code, json, _) = verdict_bin(&["--base", "main", "--author", "alice", "--format", "json"], &repo);
    assert_eq!(code, 10);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["decision"], "review-required");
    assert_eq!(v["exit_code"], 10);
    let quota = v["reasons"]
        .as_array()
        .and_then(|r| {
            r.iter().find(|r| {
                r["code"] == "R-QUOTA-SOFT" && r["quota"]["quota"].as_str().is_some_and(|q| q.starts_with("sum"))
            })
        })
        .expect("the sum reason");
    assert_eq!(quota["quota"]["before"], "3");
    assert_eq!(quota["quota"]["after"], "6");
    assert_eq!(v["head_commit"].as_str().map(str::len), Some(40));
    // A clean order: exit 0; a hard breach: exit 11; a bad revision: exit 2.
    write(
        &repo,
        "openportal/team-a/WhoAmIApp/big.yaml",
        &app("team-a", "big", 1, "group:default/team-a"),
    );
    git(&repo, &["commit", "-qam", "smaller"]);
    let (code, out, _) = verdict_bin(&["--base", "main", "--author", "alice"], &repo);
    assert_eq!(code, 0, "{out}");
    write(
        &repo,
        "openportal/team-a/WhoAmIApp/big.yaml",
        &app("team-a", "big", 9, "group:default/team-a"),
    );
    git(&repo, &["commit", "-qam", "bigger"]);
    let (code, out, _) = verdict_bin(&["--base", "main", "--author", "alice"], &repo);
    assert_eq!(code, 11, "{out}");
    let (code, _, err) = verdict_bin(&["--base", "no-such-branch"], &repo);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-branch"), "{err}");
}

/// The namespaces layout (`namespaces/<ns>/<type>/<name>.yaml`, seed 000) decides the same way.
#[test]
fn namespaces_layout() {
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("repo");
    let xrd = std::fs::read_to_string(root().join("fixtures/_xrds/dnsrecord-xrd.yaml")).expect("xrd");
    write(tmp.path(), "xrds/dnsrecord-xrd.yaml", &xrd);
    let policy = "policy:\n  auto-merge-kinds: [DNSRecord]\n  teams: {team-a: [alice]}\n  rules:\n    - count: [{kind: DNSRecord, hard: 1}]\n";
    write(&repo, ".portalint.yaml", policy);
    write(
        &repo,
        "CODEOWNERS",
        "* @org/platform\n/namespaces/team-a/ @org/team-a\n/namespaces/team-b/ @org/team-b\n",
    );
    write(
        &repo,
        "namespaces/team-b/dnsrecords/old.yaml",
        &dns("old", "A").replace("team-a", "team-b"),
    );
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "base"]);
    let verdict = |rel: &str, text: String| {
        git(&repo, &["checkout", "-q", "-B", "pr", "main"]);
        write(&repo, rel, &text);
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-qm", "pr"]);
        let out = verdict_bin(&["--base", "main", "--author", "alice"], &repo);
        git(&repo, &["checkout", "-q", "main"]);
        out
    };
    let (code, out, err) = verdict("namespaces/team-a/dnsrecords/www.yaml", dns("www", "A"));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = verdict(
        "namespaces/team-b/dnsrecords/api.yaml",
        dns("api", "A").replace("team-a", "team-b"),
    );
    assert_eq!(code, 11, "{out}");
    assert!(
        out.contains("R-OWNER") && out.contains("count DNSRecord per namespace team-b: 1 → 2"),
        "{out}"
    );
}

/// A policy the base cannot load is a config error with its position (exit 2), never a pass.
#[test]
fn a_broken_policy_in_the_base_is_an_error_with_its_position() {
    let tmp = tempfile::tempdir().expect("tmp");
    base_repo(tmp.path());
    let repo = tmp.path().join("repo");
    write(
        &repo,
        "policy.yaml",
        &POLICY.replace("object.spec.type in ['A', 'CNAME']", "object.spec.type in ['A',"),
    );
    git(&repo, &["commit", "-qam", "break the policy"]);
    let (code, out, err) = verdict_bin(&["--base", "main", "--author", "alice"], &repo);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("invalid CEL expression"), "{err}");
    assert!(err.contains("--> main:policy.yaml:28:21"), "{err}");
}

/// The post-merge tree: an order merged into the base after the PR branched counts against
/// the quota, although the PR's head does not contain it.
#[test]
fn quotas_count_what_the_base_gained_since_the_branch() {
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = repo_with_one_order(tmp.path(), "late", 1);
    let (code, out, _) = verdict_bin(&["--base", "main", "--author", "alice"], &repo);
    assert_eq!(code, 0, "{out}");
    git(&repo, &["checkout", "-q", "main"]);
    write(
        &repo,
        "openportal/team-a/WhoAmIApp/early.yaml",
        &app("team-a", "early", 2, "group:default/team-a"),
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "early"]);
    git(&repo, &["checkout", "-q", "create-late-resource"]);
    let (code, out, _) = verdict_bin(&["--base", "main", "--author", "alice"], &repo);
    assert_eq!(code, 10, "{out}");
    assert!(out.contains("R-QUOTA-SOFT"), "{out}");
    assert!(out.contains("  A openportal/team-a/WhoAmIApp/late.yaml\n"), "{out}");
}

/// Issue 18: the verdict judges the PR. An error finding the base already had is listed as
/// existing and does not reject a PR that leaves it alone; a PR that adds one is rejected for
/// its own, with the old one still listed as existing; `existing-findings: block` restores the
/// old behaviour and `ignore` drops the list.
#[test]
fn findings_already_in_the_base_are_existing_not_reasons() {
    let tmp = tempfile::tempdir().expect("tmp");
    base_repo(tmp.path());
    let repo = tmp.path().join("repo");
    // The base gets a broken order in team-b, the cluster a PR to team-a touches (a field
    // the XRD does not declare).
    let broken = |name: &str| format!("{}  colour: blue\n", app("team-b", name, 1, "group:default/team-b"));
    write(&repo, "openportal/team-b/WhoAmIApp/old.yaml", &broken("old"));
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "a broken order on main"]);
    let clean = Scenario {
        name: "clean",
        author: "alice",
        changes: vec![Change::Write(
            "openportal/team-a/WhoAmIApp/fresh.yaml",
            app("team-a", "fresh", 1, "group:default/team-a"),
        )],
        decision: Decision::AutoMerge,
        codes: &[],
    };
    let r = run(&repo, &clean);
    let codes: Vec<String> = r.verdict.reasons.iter().map(|x| x.code.to_string()).collect();
    assert_eq!(r.decision, Decision::AutoMerge, "{codes:?} {:?}", r.verdict.reasons);
    assert_eq!(r.verdict.existing.len(), 1, "{:?}", r.verdict.existing);
    assert_eq!(
        r.verdict.existing[0].file.as_deref(),
        Some("openportal/team-b/WhoAmIApp/old.yaml")
    );
    let bad = Scenario {
        name: "bad",
        author: "bob",
        changes: vec![Change::Write("openportal/team-b/WhoAmIApp/new.yaml", broken("new"))],
        decision: Decision::Reject,
        codes: &["R-LINT"],
    };
    let r = run(&repo, &bad);
    assert_eq!(r.decision, Decision::Reject);
    let files: Vec<_> = r.verdict.reasons.iter().filter_map(|x| x.file.as_deref()).collect();
    assert!(files.contains(&"openportal/team-b/WhoAmIApp/new.yaml"), "{files:?}");
    assert!(!files.contains(&"openportal/team-b/WhoAmIApp/old.yaml"), "{files:?}");
    assert_eq!(r.verdict.existing.len(), 1);
    // The text says new vs existing, and the bot's summary never says "no findings" here.
    git(&repo, &["checkout", "-q", "create-bad-resource"]);
    let (code, out, err) = verdict_bin(&["--base", "main", "--author", "bob"], &repo);
    assert_eq!(code, 11, "{out}{err}");
    assert!(out.contains("error findings: 1 new, 1 existing in the base"), "{out}");
    assert!(out.contains("existing (already in main, not deciding):"), "{out}");
    let md = portalint::pr::summary::markdown(&r, &[]);
    assert!(md.contains("**Error findings:** 1 new, 1 existing"), "{md}");
    assert!(!md.contains("no findings"), "{md}");
    // The policy decides: `block` makes the old finding a reason again, `ignore` drops it.
    for (mode, decision, listed) in [("block", Decision::Reject, 0), ("ignore", Decision::AutoMerge, 0)] {
        git(&repo, &["checkout", "-q", "main"]);
        write(&repo, "policy.yaml", &format!("{POLICY}existing-findings: {mode}\n"));
        git(&repo, &["commit", "-qam", mode]);
        let r = run(
            &repo,
            &Scenario {
                name: leak(format!("clean-{mode}")),
                ..clean_again()
            },
        );
        assert_eq!(r.decision, decision, "{mode}: {:?}", r.verdict.reasons);
        assert_eq!(r.verdict.existing.len(), listed, "{mode}");
    }
}

fn clean_again() -> Scenario<'static> {
    Scenario {
        name: "",
        author: "alice",
        changes: vec![Change::Write(
            "openportal/team-a/WhoAmIApp/fresh.yaml",
            app("team-a", "fresh", 1, "group:default/team-a"),
        )],
        decision: Decision::AutoMerge,
        codes: &[],
    }
}
