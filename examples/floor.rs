//! The floor for the benchmark (`benches/compare.py`): walk a directory as `portalint check`
//! does, read every YAML file and parse it with the same parser, in parallel, and nothing
//! else. `cargo run --release --example floor -- DIR`
use rayon::prelude::*;

// The same allocator as the `portalint` binary: the floor is the same work, nothing else.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let found = portalint::discover::discover(
        std::path::Path::new(&dir),
        "",
        &globset::GlobSet::empty(),
        portalint::discover::DEFAULT_MAX_FILE_SIZE,
    );
    let nodes: usize = found
        .inputs
        .par_iter()
        .map(|i| match &i.content {
            portalint::model::InputContent::Yaml(t) => portalint::yaml::parse(t).docs.len(),
            _ => 0,
        })
        .sum();
    println!("{} files, {nodes} documents", found.inputs.len());
}
