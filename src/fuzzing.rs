//! Entry points for the fuzz targets (`fuzz/`) and their regression tests: run every rule on
//! files given in memory, as `portalint check` would on a repository holding them.

use crate::model::{self, Input, InputContent, Repo, RuleOptions};

/// Checks `(path, text)` files as one repository (Open Service Portal pack on); returns the
/// number of findings. Panics only on a bug (which is what the fuzzers look for).
pub fn check_files(files: &[(&str, &str)]) -> usize {
    // The binary's rule threads get 16 MiB stacks (app::main); so do these.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(16 << 20).build_global();
    let inputs = model::Inputs {
        files: files
            .iter()
            .map(|(rel, text)| Input {
                rel: rel.to_string(),
                path: rel.into(),
                content: InputContent::Yaml((*text).into()),
            })
            .collect(),
        paths: files.iter().map(|(rel, _)| rel.to_string()).collect(),
        external: Vec::new(),
        base: Vec::new(),
    };
    let repo = Repo {
        name: "template-fuzz".into(),
        is_dir: true,
        ..Repo::default()
    };
    let ws = model::build(inputs, None, repo, Some(true), RuleOptions::default());
    match crate::engine::run_rules(&ws, &crate::engine::settings::Settings::default()) {
        Ok(d) => d.len(),
        Err(e) => panic!("{e:?}"),
    }
}
