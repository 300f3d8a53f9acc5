//! Runs `portalint check` over every repository of `../shared/corpus` (each folder is one
//! root): no crash, no hang, and the findings per rule match the reviewed snapshot
//! `tests/snapshots/corpus__findings.snap`, so a new false error shows up as a diff.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

#[test]
fn corpus_findings() {
    let corpus = common::root().join("../shared/corpus");
    assert!(corpus.is_dir(), "../shared/corpus is missing: this test needs it");
    let mut repos: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    let (mut files, mut docs) = (0, 0);
    let tmp = tempfile::tempdir().expect("tmp");
    for repo in &repos {
        // Corpus folders are named `owner__repo` (SOURCES.md); give each its real repository
        // name, as a git remote would.
        let folder = repo.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let name = folder
            .split("__")
            .nth(1)
            .unwrap_or(&folder)
            .split('@')
            .next()
            .unwrap_or(&folder)
            .to_string();
        let config = tmp.path().join(format!("{folder}.yaml"));
        // The corpus holds only YAML files (SOURCES.md: no README, mise.toml, .gitignore or
        // .github/), so the layout rule would report files that the real repositories have.
        std::fs::write(
            &config,
            format!("ignore: [osp-tpl-layout]\nopenportal:\n  repo-name: {name}\n"),
        )
        .expect("config");
        let mut args = common::args(std::slice::from_ref(repo), &[]);
        args.isolated = false;
        args.config = Some(config);
        let o = portalint::app::check(&args).expect("check runs");
        files += o.summary.files;
        docs += o.summary.documents;
        let name = repo.file_name().unwrap_or_default().to_string_lossy().into_owned();
        for d in &o.diagnostics {
            *per_rule
                .entry(format!("{} {}", d.severity.as_str(), d.rule))
                .or_default() += 1;
            lines.push(format!(
                "{name}/{}:{} {} {}",
                d.primary.path, d.primary.line, d.rule, d.message
            ));
        }
    }
    assert!(files > 900, "corpus too small: {files} files");
    let mut report = format!(
        "{} repos, {files} files, {docs} documents\n\nfindings per rule:\n",
        repos.len()
    );
    for (r, n) in &per_rule {
        report.push_str(&format!("{n:>5} {r}\n"));
    }
    report.push_str("\nfindings:\n");
    report.push_str(&lines.join("\n"));
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_snapshot_path("snapshots");
    settings.bind(|| insta::assert_snapshot!("corpus__findings", report));
}
