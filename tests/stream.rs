//! A streamed check (`--stream-above`, `--batch-size`) must report exactly what an in-memory
//! check reports. Every fixture folder and every corpus repository is checked with every rule
//! in memory, then streamed with one file per batch and with small batches; the located
//! findings and the totals must be identical. A streamed run of a generated orders repository
//! must also really stream: several batches, and only the shared files in every batch.

mod common;

use portalint::app::{self, Outcome};
use portalint::cli::{CheckArgs, ProfileArg};
use std::path::{Path, PathBuf};

fn render(o: &Outcome) -> String {
    let mut s = format!("files {} documents {}\n", o.summary.files, o.summary.documents);
    for d in &o.diagnostics {
        s.push_str(&format!("{d:?}\n"));
    }
    s
}

fn run(base: &CheckArgs, stream_above: u64, batch_size: u64) -> Outcome {
    let mut a = base.clone();
    a.stream_above = stream_above;
    a.batch_size = batch_size;
    app::check(&a).unwrap_or_else(|e| panic!("check of {:?} failed: {e:?}", a.paths))
}

/// Compares the in-memory run with streamed runs; returns how many findings there were.
fn same_either_way(args: &CheckArgs) -> usize {
    let memory = run(args, u64::MAX, 0);
    let want = render(&memory);
    for batch in [1, 2048] {
        let got = render(&run(args, 0, batch));
        if got != want {
            let diff: Vec<String> = diff_lines(&want, &got);
            panic!(
                "{:?} streamed with --batch-size {batch} differs:\n{}",
                args.paths,
                diff.join("\n")
            );
        }
    }
    memory.diagnostics.len()
}

fn diff_lines(want: &str, got: &str) -> Vec<String> {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out: Vec<String> = w.iter().filter(|l| !g.contains(l)).map(|l| format!("- {l}")).collect();
    out.extend(g.iter().filter(|l| !w.contains(l)).map(|l| format!("+ {l}")));
    out
}

fn dirs(of: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(of)
        .map(|r| r.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn fixtures_streamed_match_in_memory() {
    let (mut cases, mut findings) = (0, 0);
    for rule in dirs(&common::root().join("fixtures")) {
        let config = rule.join("config.yaml");
        for kind in ["pass", "fail"] {
            for case in dirs(&rule.join(kind)) {
                for profile in [None, Some(ProfileArg::Openportal)] {
                    let mut a = common::args(std::slice::from_ref(&case), &[]);
                    a.profile = profile;
                    if config.is_file() {
                        a.isolated = false;
                        a.config = Some(config.clone());
                    }
                    findings += same_either_way(&a);
                    cases += 1;
                }
            }
        }
    }
    // The comparison must have had something to compare.
    assert!(cases > 150, "{cases} fixture folders");
    assert!(findings > 300, "{findings} findings");
}

#[test]
fn corpus_streamed_matches_in_memory() {
    let corpus = common::root().join("../shared/corpus");
    assert!(corpus.is_dir(), "../shared/corpus is missing: this test needs it");
    let mut findings = 0;
    for repo in dirs(&corpus) {
        findings += same_either_way(&common::args(std::slice::from_ref(&repo), &[]));
    }
    assert!(findings > 100, "{findings} findings");
}

/// Writes an orders repository: one cluster, `namespaces` ManagedNamespaces, `per_ns` orders in
/// each namespace, every tenth with an unknown spec field.
fn orders_repo(dir: &Path, namespaces: usize, per_ns: usize) {
    let write = |rel: &str, text: String| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    let mut listed = Vec::new();
    for n in 0..namespaces {
        let ns = format!("team-{n}");
        let rel = format!("system/ManagedNamespace/{ns}.yaml");
        write(
            &format!("c1/{rel}"),
            format!("apiVersion: openportal.dev/v1alpha1\nkind: ManagedNamespace\nmetadata:\n  name: {ns}\nspec:\n  name: {ns}\n"),
        );
        listed.push(rel);
        for i in 0..per_ns {
            let extra = if i % 10 == 9 { "  colour: red\n" } else { "" };
            let rel = format!("{ns}/WhoAmIApp/app-{i:04}.yaml");
            write(
                &format!("c1/{rel}"),
                format!(
                    "apiVersion: openportal.dev/v1alpha1\nkind: WhoAmIApp\nmetadata:\n  name: app-{i:04}\n  namespace: {ns}\nspec:\n  name: app-{i:04}\n  replicas: 1\n{extra}"
                ),
            );
            listed.push(rel);
        }
    }
    listed.sort();
    let resources: String = listed.iter().map(|r| format!("  - {r}\n")).collect();
    write(
        "c1/kustomization.yaml",
        format!("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n{resources}"),
    );
}

#[test]
fn an_orders_repository_is_checked_in_batches_with_few_shared_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("catalog-orders");
    orders_repo(&repo, 4, 50);
    let xrds = common::root().join("fixtures/_xrds");
    let found = portalint::discover::discover_unread(&repo, "", &globset::GlobSet::empty(), 1 << 20);
    let options = portalint::model::RuleOptions::default();
    let external = portalint::discover::discover(&xrds, "xrds/", &globset::GlobSet::empty(), 1 << 20).inputs;
    let settings = portalint::engine::settings::Settings::default();
    let job = portalint::stream::Job {
        root: &repo,
        repo: portalint::model::Repo {
            name: "catalog-orders".into(),
            is_dir: true,
            ..Default::default()
        },
        profile: None,
        options: &options,
        external: &external,
        settings: &settings,
        max_size: 1 << 20,
        batch_size: 2048,
        crds: Default::default(),
        render: false,
    };
    let scan = portalint::stream::scan(found, &job);
    assert_eq!(scan.layout, Some(portalint::model::Layout::Clusters));
    assert!(scan.evidence.portal_objects);
    let checked = portalint::stream::check(scan, &job).expect("check");
    // 196 leaves of about 140 bytes: 14 batches of 2 KB.
    assert_eq!(checked.files, 205);
    assert!(checked.batches >= 10, "{} batches", checked.batches);
    // Shared: the kustomization, 4 ManagedNamespaces, the first order of each of the 4
    // namespace folders (the cluster folder's first order is team-0's).
    assert_eq!(checked.shared, 9);
    let unknown = checked.located.iter().filter(|d| d.rule == "x-xr-schema").count();
    assert_eq!(unknown, 20, "{:#?}", checked.located);

    // The same through the command line, streamed and not.
    let mut a = common::args(std::slice::from_ref(&repo), &[]);
    a.xrds = vec![xrds.to_string_lossy().into_owned()];
    let streamed = run(&a, 0, 2048);
    assert_eq!(render(&streamed), render(&run(&a, u64::MAX, 0)));
    assert_eq!(
        streamed.diagnostics.iter().filter(|d| d.rule == "x-xr-schema").count(),
        20
    );
}
