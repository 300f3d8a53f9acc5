//! The module graph has no cycle: no top-level module of `src/` imports (names `crate::x`
//! of) another that imports it back, directly or through others. Read from the sources, so a
//! new back-edge fails here with the path of modules that closes the loop.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level module a source file belongs to (`src/model/xrd.rs` → `model`).
fn module_of(rel: &Path) -> Option<String> {
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let first = parts.next()?;
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Names that `src/lib.rs` re-exports at the crate root (`pub use parse::{yaml, source};`,
/// `pub use rules::diagnostic as diagnostics;`), each with the top-level module it is in.
fn aliases(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lib.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("pub use ").and_then(|r| r.strip_suffix(';')) else {
            continue;
        };
        let (top, tail) = rest.split_once("::").unwrap_or((rest, ""));
        let items: Vec<&str> = match tail.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(group) => group.split(',').collect(),
            None => vec![tail],
        };
        for item in items {
            let item = item.trim();
            let name = item.rsplit(" as ").next().unwrap_or(item);
            let name = name.rsplit("::").next().unwrap_or(name).trim();
            if !name.is_empty() {
                out.insert(name.to_string(), top.to_string());
            }
        }
    }
    out
}

/// Every `crate::<name>` a text names, including inside `use crate::{a, b::c}` groups; a
/// re-exported name counts as the module it comes from.
fn named(text: &str, modules: &BTreeSet<String>, alias: &BTreeMap<String, String>) -> BTreeSet<String> {
    let resolve = |head: &str| -> Option<String> {
        if modules.contains(head) {
            Some(head.to_string())
        } else {
            alias.get(head).cloned()
        }
    };
    let mut out = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..group.find('}').unwrap_or(group.len())];
            for item in body.split(',') {
                let head = item.trim().split("::").next().unwrap_or("").trim();
                out.extend(resolve(head));
            }
            continue;
        }
        let head: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        out.extend(resolve(&head));
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src").flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let src = common::root().join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let modules: BTreeSet<String> = all
        .iter()
        .filter_map(|p| module_of(p.strip_prefix(&src).expect("under src")))
        .collect();
    assert!(modules.len() > 10, "found the modules: {modules:?}");
    let alias = aliases(&std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs"));
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &all {
        let Some(m) = module_of(p.strip_prefix(&src).expect("under src")) else {
            continue;
        };
        let text = std::fs::read_to_string(p).expect("read");
        // Tests inside a module may reach anywhere: only the code above `#[cfg(test)]` counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let to = edges.entry(m.clone()).or_default();
        to.extend(named(code, &modules, &alias).into_iter().filter(|n| *n != m));
    }
    // Depth-first search for a back edge; report the loop.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        loops: &mut Vec<String>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(at) = stack.iter().position(|s| s == m) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(m.to_string());
            loops.push(cycle.join(" → "));
            return;
        }
        stack.push(m.to_string());
        for n in edges.get(m).into_iter().flatten() {
            visit(n, edges, stack, done, loops);
        }
        stack.pop();
        done.insert(m.to_string());
    }
    let mut loops = Vec::new();
    let mut done = BTreeSet::new();
    for m in edges.keys() {
        visit(m, &edges, &mut Vec::new(), &mut done, &mut loops);
    }
    assert!(loops.is_empty(), "module cycles:\n{}", loops.join("\n"));
}

#[test]
fn the_reader_sees_use_groups_and_paths() {
    let modules: BTreeSet<String> = ["app", "model", "parse"].iter().map(|s| s.to_string()).collect();
    let alias = aliases("pub mod parse;\npub use parse::{source, yaml};\npub use rules::diagnostic as diagnostics;\n");
    assert_eq!(alias.get("yaml").map(String::as_str), Some("parse"));
    assert_eq!(alias.get("diagnostics").map(String::as_str), Some("rules"));
    let text = "use crate::{model::Doc, yaml};\nfn f() { crate::app::run(); }\n// crate::nothing\n";
    assert_eq!(named(text, &modules, &alias), modules);
}
