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

/// Every `crate::<name>` a text names, including inside `use crate::{a, b::c}` groups.
fn named(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
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
                if modules.contains(head) {
                    out.insert(head.to_string());
                }
            }
            continue;
        }
        let head: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if modules.contains(&head) {
            out.insert(head);
        }
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
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &all {
        let Some(m) = module_of(p.strip_prefix(&src).expect("under src")) else {
            continue;
        };
        let text = std::fs::read_to_string(p).expect("read");
        // Tests inside a module may reach anywhere: only the code above `#[cfg(test)]` counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let to = edges.entry(m.clone()).or_default();
        to.extend(named(code, &modules).into_iter().filter(|n| *n != m));
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
    let modules: BTreeSet<String> = ["app", "model", "yaml"].iter().map(|s| s.to_string()).collect();
    let text = "use crate::{model::Doc, yaml};\nfn f() { crate::app::run(); }\n// crate::nothing\n";
    assert_eq!(named(text, &modules), modules);
}
