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

/// Runs the binary on `dir` as CI would, under an address-space limit of 2 GiB (`ulimit -v`),
/// killed after 60 s; returns (exit code, stdout as JSON, seconds). A failed allocation
/// (abort, exit 134) or a kill fails the calling test.
fn bounded(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value, f64) {
    bounded_in(dir, extra, 2 * 1024 * 1024)
}

/// [`bounded`] under an address-space limit of `kib` KiB.
fn bounded_in(dir: &Path, extra: &[&str], kib: u64) -> (i32, serde_json::Value, f64) {
    use std::process::{Command, Stdio};
    let t = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib}; exec \"$@\""))
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_portalint"))
        .arg("check")
        .arg(dir)
        .args(["--format", "json"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Drained while it runs: a report larger than the pipe must not stall the child.
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                std::io::Read::read_to_end(&mut r, &mut buf).ok();
            }
            buf
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn std::io::Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn std::io::Read + Send>),
    );
    let status = {
        let deadline = t + Duration::from_secs(60);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                child.kill().ok();
                panic!("{} ran over 60 s", dir.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let out = std::process::Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    };
    let took = t.elapsed().as_secs_f64();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        matches!(code, 0..=2),
        "exit {code} (killed or aborted) on {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (code, json, took)
}

fn messages(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    format!(
                        "{}: {}",
                        d["rule"].as_str().unwrap_or(""),
                        d["message"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn dir_with(files: &[(&str, String)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    for (rel, text) in files {
        let p = tmp.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }
    tmp
}

/// Each YAML expansion class of issue 20: aliases of a large scalar, nested anchors, many
/// small bombs in one file's documents, a long merge chain. Each ends with a `yaml-syntax`
/// finding that names the budget, within the bounds.
#[test]
fn yaml_expansion_is_bounded_per_file() {
    let big = "x".repeat(1 << 20);
    let large_scalar = format!("a: &a \"{big}\"\nb: [{}]\n", vec!["*a"; 5000].join(", "));
    let leaf: Vec<String> = (0..20_000).map(|i| format!("k{i}: v{i}")).collect();
    let mut nested: String = (0..200)
        .map(|i| format!("{}l{i}: &l{i}\n", " ".repeat(2 * i)))
        .collect();
    nested.push_str(&format!("{}leaf: {{{}}}\n", " ".repeat(400), leaf.join(", ")));
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..5 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let many_bombs = format!("---\n{bomb}").repeat(2000);
    for (name, text) in [
        ("large-scalar", large_scalar),
        ("nested-anchors", nested),
        ("many-bombs", many_bombs),
    ] {
        let tmp = dir_with(&[("a.yaml", text)]);
        let (code, json, took) = bounded(tmp.path(), &[]);
        let m = messages(&json);
        assert_eq!(code, 1, "{name}: {m:?}");
        assert!(took < 20.0, "{name} took {took:.1} s");
        assert!(m.iter().any(|x| x.contains("limits.yaml-alias-nodes")), "{name}: {m:?}");
        assert!(
            m.len() <= 2,
            "{name}: one finding for the file, not one per document: {}",
            m.len()
        );
    }
    let mut chain = vec![format!(
        "m0: &m0 {{{}}}",
        (0..50).map(|i| format!("k{i}: {i}")).collect::<Vec<_>>().join(", ")
    )];
    for i in 1..3000 {
        chain.push(format!("m{i}: &m{i}\n  <<: *m{}\n  n{i}: {i}", i - 1));
    }
    let tmp = dir_with(&[("a.yaml", chain.join("\n") + "\n")]);
    let (_, json, took) = bounded(tmp.path(), &[]);
    assert!(took < 20.0, "merge chain took {took:.1} s");
    assert!(
        messages(&json).iter().any(|x| x.contains("alias")),
        "{:?}",
        messages(&json)
    );
}

/// Budgets are config keys: a lower `limits.findings-per-file` shows fewer findings and one
/// that counts the rest.
#[test]
fn findings_per_file_is_a_config_key() {
    let labels: Vec<String> = (0..50).map(|i| format!("k{i}: 'bad value {i}!'")).collect();
    let file = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {{{}}}\n",
        labels.join(", ")
    );
    let tmp = dir_with(&[
        ("a.yaml", file),
        (".portalint.yaml", "limits: {findings-per-file: 5}\n".into()),
    ]);
    let (code, json, _) = bounded(tmp.path(), &[]);
    let m = messages(&json);
    assert_eq!(code, 1);
    assert_eq!(m.len(), 6, "{m:?}");
    assert!(m[5].contains("45 more findings"), "{m:?}");
}

/// The run's output budget: at most `limits.findings` findings are listed, over every file;
/// the totals (and so the exit code) count them all, and every format says how many more.
#[test]
fn findings_per_run_is_a_budget_every_format_states() {
    let mut files: Vec<(&str, String)> = ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
        .into_iter()
        .map(|f| {
            (
                f,
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n".to_string(),
            )
        })
        .collect();
    files.push((".portalint.yaml", "limits: {findings: 3}\n".into()));
    let tmp = dir_with(&files);
    let (code, json, _) = bounded(tmp.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(3), "{json}");
    assert_eq!(json["summary"]["errors"], 4, "{json}");
    assert_eq!(json["summary"]["not_shown"], 1, "{json}");
    let sentence = "1 more finding is counted above and not listed: over the run budget `limits.findings`";
    for format in ["text", "markdown", "sarif", "junit"] {
        let (code, out, err) = common::run_bin(&["check", "--format", format, "."], tmp.path());
        assert_eq!(code, 1, "{format}: {err}");
        assert!(out.contains(sentence), "{format}: {out}");
    }
}

/// A FIFO named like a YAML file (or like the config file) is reported and never opened:
/// opening one for reading blocks until a writer comes.
#[cfg(unix)]
#[test]
fn special_files_are_reported_and_never_opened() {
    for name in ["x.yaml", ".portalint.yaml", "deep/CODEOWNERS"] {
        let tmp = dir_with(&[("ok.yaml", "a: b\n".into())]);
        let p = tmp.path().join(name);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        let made = std::process::Command::new("mkfifo").arg(&p).status().expect("mkfifo");
        assert!(made.success());
        let (code, json, took) = bounded(tmp.path(), &[]);
        assert!(took < 20.0, "{name}: {took:.1} s");
        let m = messages(&json);
        if name.ends_with(".yaml") {
            assert_eq!(code, 1, "{name}: {m:?}");
            assert!(m.iter().any(|x| x.contains("not a regular file")), "{name}: {m:?}");
        } else {
            assert!(code <= 1, "{name}: {m:?}");
        }
    }
}

/// A run that checked no file says so and exits 2 (`exclude: ['**']`, a `.gitignore` of `*`,
/// no YAML at all); `--allow-empty` accepts it.
#[test]
fn a_run_that_checked_nothing_is_not_a_pass() {
    let excluded = dir_with(&[
        (".portalint.yaml", "exclude: ['**']\n".into()),
        ("broken.yaml", "a: [\n".into()),
    ]);
    let ignored = dir_with(&[(".gitignore", "*\n".into()), ("broken.yaml", "a: [\n".into())]);
    common::git(ignored.path(), &["init", "-q"]);
    let no_yaml = dir_with(&[("README.md", "# hi\n".into())]);
    for dir in [excluded.path(), ignored.path(), no_yaml.path()] {
        let (code, json, _) = bounded(dir, &[]);
        assert_eq!(code, 2, "{}: {json}", dir.display());
        let (code, _, _) = bounded(dir, &["--allow-empty"]);
        assert_eq!(code, 0, "{}", dir.display());
    }
}

/// A message quotes what it found: thirty duplicates of a 100 KB key gave 2.9 MB of JSON.
/// Messages, labels and help are cut at 1 KiB (saying so), so the report stays small.
#[test]
fn messages_quoting_huge_names_are_cut() {
    let key = "k".repeat(100_000);
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n");
    for i in 0..30 {
        text.push_str(&format!("  ? {key}\n  : \"{i}\"\n"));
    }
    let dir = dir_with(&[("a.yaml", text)]);
    let (code, json, _) = bounded(dir.path(), &[]);
    assert_eq!(code, 1);
    let found = messages(&json);
    assert_eq!(found.len(), 29, "{found:?}");
    assert!(
        found
            .iter()
            .all(|m| m.len() < 1200 && m.ends_with("more bytes not shown)")),
        "{:?}",
        &found[0]
    );
    assert!(json.to_string().len() < 100_000, "{}", json.to_string().len());
}

/// The JSON and SARIF reports are written as they are made (one finding's tree in memory at
/// a time), not built whole: 60 000 findings, both written to files in one run, fit in a
/// 512 MiB address space (built whole, SARIF alone took 1.8 GB for 100 000 findings).
#[test]
fn json_and_sarif_reports_are_streamed() {
    let files: Vec<(String, String)> = (0..60)
        .map(|f| {
            (
                format!("f{f}.yaml"),
                (0..1001).map(|i| format!("k{}: {i}\n", i % 2)).collect(),
            )
        })
        .collect();
    let files: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let tmp = dir_with(&files);
    let d = tmp.path();
    let sarif = d.join("out.sarif");
    let json = d.join("out.json");
    let (code, _, _) = bounded_in(
        d,
        &[
            "--output",
            &format!("sarif={}", sarif.display()),
            "--output",
            &format!("json={}", json.display()),
        ],
        512 * 1024,
    );
    assert_eq!(code, 1);
    let read =
        |p: &Path| -> serde_json::Value { serde_json::from_slice(&fs::read(p).expect("report")).expect("valid JSON") };
    let (s, j) = (read(&sarif), read(&json));
    assert_eq!(
        j["diagnostics"].as_array().map(Vec::len),
        Some(59_940),
        "{}",
        j["summary"]
    );
    assert_eq!(s["runs"][0]["results"].as_array().map(Vec::len), Some(59_940));
}

/// Issue 20: a rule whose cost grows with the square of a list, over a 100 000-item list in
/// an XR, is cancelled at the API server's per-call cost limit (as the API server cancels
/// it) instead of running its 10^10 steps; the other rules of the object are not run.
#[test]
fn quadratic_cel_rule_over_a_huge_list_is_cancelled_quickly() {
    let xrd = r#"apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: pools.example.org
spec:
  group: example.org
  scope: Namespaced
  names: {kind: Pool, plural: pools}
  versions:
  - name: v1
    served: true
    referenceable: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              ports:
                type: array
                maxItems: 100000
                items: {type: integer}
                x-kubernetes-validations:
                - rule: self.all(x, self.exists_one(y, x == y))
                  message: ports must be unique
              size:
                type: integer
                x-kubernetes-validations:
                - rule: self > 0
"#;
    let ports: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
    let xr = format!(
        "apiVersion: example.org/v1\nkind: Pool\nmetadata:\n  name: big\n  namespace: default\nspec:\n  size: 0\n  ports: [{}]\n",
        ports.join(", ")
    );
    let dir = dir_with(&[("xrd.yaml", xrd.to_string()), ("xr.yaml", xr)]);
    let started = Instant::now();
    let o = portalint::app::check(&common::args(&[dir.path().to_path_buf()], &[])).expect("check runs");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let on_xr: Vec<&str> = o
        .diagnostics
        .iter()
        .filter(|d| d.rule == "x-xr-schema" && d.primary.path.ends_with("xr.yaml"))
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        on_xr.iter().any(|m| m.contains(
            "'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ports must be unique"
        )),
        "{on_xr:?}"
    );
    // As the API server, the object's other rules do not run once one is cancelled.
    assert!(!on_xr.iter().any(|m| m.contains("failed rule")), "{on_xr:?}");
    eprintln!("hostile CEL rule over 100 000 items: {took:?}");
}
