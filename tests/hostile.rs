//! Hostile input: each case must end in a diagnostic or a clear error quickly, never a
//! panic, a hang or a stack overflow. (Timing is asserted loosely; the benchmark measures.)

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

fn check_dir(dir: &Path) -> (Vec<(String, String)>, Duration) {
    let t = Instant::now();
    let o = portalint::app::check(&common::args(&[dir.to_path_buf()], &[])).expect("check runs");
    (
        o.diagnostics
            .iter()
            .map(|d| (d.rule.to_string(), d.primary.path.clone()))
            .collect(),
        t.elapsed(),
    )
}

fn one(name: &str, content: &[u8]) -> Vec<(String, String)> {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join(name), content).expect("write");
    let (d, took) = check_dir(tmp.path());
    assert!(took < Duration::from_secs(20), "{name} took {took:?}");
    d
}

fn has(d: &[(String, String)], rule: &str) -> bool {
    d.iter().any(|(r, _)| r == rule)
}

#[test]
fn alias_bomb() {
    let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        s.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    assert!(has(&one("bomb.yaml", s.as_bytes()), "yaml-syntax"));
}

#[test]
fn deep_nesting_block_and_flow() {
    // 3 000 nested block mappings (4.5 MB, under the size limit) hit the depth limit.
    let block: String = (0..3_000).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    assert!(has(&one("block.yaml", block.as_bytes()), "yaml-syntax"));
    // 10 000 levels of indentation are over 5 MiB: reported as too large, not parsed.
    let huge: String = (0..10_000).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    assert!(has(&one("block-10k.yaml", huge.as_bytes()), "yaml-unreadable"));
    let seq = "- ".repeat(10_000) + "x\n";
    assert!(has(&one("seq.yaml", seq.as_bytes()), "yaml-syntax"));
    let flow = "[".repeat(10_000) + &"]".repeat(10_000);
    assert!(has(&one("flow.yaml", flow.as_bytes()), "yaml-syntax"));
    let flow_map = "{a: ".repeat(10_000) + "1" + &"}".repeat(10_000);
    assert!(has(&one("flowmap.yaml", flow_map.as_bytes()), "yaml-syntax"));
}

#[test]
fn huge_binary_and_invalid_utf8() {
    let big = "a: b\n".repeat(50 * 1024 * 1024 / 5);
    assert!(has(&one("big.yaml", big.as_bytes()), "yaml-unreadable"));
    assert!(has(&one("bin.yaml", b"\x7fELF\x00\x00\x01binary"), "yaml-unreadable"));
    assert!(has(&one("latin1.yaml", b"name: caf\xe9\n"), "yaml-unreadable"));
}

#[test]
fn crlf_and_bom_parse_cleanly() {
    let crlf = b"apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: Bad_Name\r\n";
    let d = one("crlf.yaml", crlf);
    assert_eq!(d, vec![("k8s-dns1123-subdomain".to_string(), "crlf.yaml".to_string())]);
    let bom = "\u{feff}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n";
    assert!(one("bom.yaml", bom.as_bytes()).is_empty());
}

#[cfg(unix)]
#[test]
fn symlinks_loop_and_outside_root() {
    let outside = tempfile::tempdir().expect("tmp");
    fs::write(outside.path().join("secret.yaml"), "a: 1\n").expect("write");
    let tmp = tempfile::tempdir().expect("tmp");
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), tmp.path().join("link.yaml")).expect("symlink");
    std::os::unix::fs::symlink(tmp.path().join("loop.yaml"), tmp.path().join("loop.yaml")).expect("symlink");
    std::os::unix::fs::symlink(tmp.path(), tmp.path().join("dirloop")).expect("symlink");
    let (d, _) = check_dir(tmp.path());
    let unreadable: Vec<&str> = d
        .iter()
        .filter(|(r, _)| r == "yaml-unreadable")
        .map(|(_, p)| p.as_str())
        .collect();
    assert_eq!(unreadable, ["link.yaml", "loop.yaml"]);
}
