//! A checked tree must not make portalint read or print anything outside it, nor write
//! outside it; the bot never prints its token. Every run here has a canary secret in its
//! environment, and no output of any format may contain it (nor the token).

mod common;

use common::write;
use std::io::{Read, Write as _};
use std::path::Path;
use std::process::Command;

/// A secret in every run's environment: `/proc/self/environ` holds it.
const CANARY: &str = "canary-9c1f7e3b5a-do-not-print";
/// A token-shaped secret in every run's environment.
const TOKEN: &str = "ghs_canaryTokenCanaryToken0123456789";
const FORMATS: &[&str] = &["text", "json", "sarif", "github", "markdown"];

const ORDER: &str = "apiVersion: openportal.dev/v1alpha1\nkind: DNSRecord\nmetadata:\n  name: api-dns\n  namespace: team-alpha\n  annotations:\n    backstage.io/owner: group:default/team-alpha\nspec:\n  name: api\n  value: 10.0.0.1\n";

/// Runs the binary with the canary and the token in its environment: (exit code, stdout +
/// stderr). Fails when either secret appears in the output.
fn run(args: &[&str], cwd: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_portalint"))
        .args(args)
        .current_dir(cwd)
        .env("PORTALINT_CANARY_SECRET", CANARY)
        .env("GITHUB_TOKEN", TOKEN)
        .env("PORTALINT_TOKEN", TOKEN)
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains(CANARY), "the canary leaked with {args:?}:\n{text}");
    assert!(!text.contains(TOKEN), "the token leaked with {args:?}:\n{text}");
    assert!(
        !text.contains("canaryToken"),
        "part of the token leaked with {args:?}:\n{text}"
    );
    (out.status.code().unwrap_or(-1), text)
}

/// `portalint check` in every format: each must exit `code` with `needle` in its output.
fn check_all_formats(dir: &Path, extra: &[&str], code: i32, needle: &str) {
    for format in FORMATS {
        let mut args = vec!["check", "--format", format];
        args.extend_from_slice(extra);
        args.push(".");
        let (got, out) = run(&args, dir);
        assert_eq!(got, code, "{format}: {out}");
        assert!(out.contains(needle), "{format}: `{needle}` not in:\n{out}");
    }
}

fn repo(tmp: &Path) -> std::path::PathBuf {
    let dir = tmp.join("repo");
    write(&dir, "namespaces/team-alpha/dns-records/api-dns.yaml", ORDER);
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    dir
}

#[test]
fn a_policy_outside_the_repository_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repo(tmp.path());
    for (policy, why) in [
        ("/proc/self/environ", "is an absolute path"),
        (
            "../../../../../../../../proc/self/environ",
            "climbs out of the repository",
        ),
        ("/etc/passwd", "is an absolute path"),
    ] {
        write(&dir, ".portalint.yaml", &format!("policy: {policy}\n"));
        check_all_formats(&dir, &[], 2, &format!("`policy` names `{policy}`, which {why}"));
    }
    // Through a symlink inside the repository.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/proc/self/environ", dir.join("policy.yaml")).expect("link");
        write(&dir, ".portalint.yaml", "policy: policy.yaml\n");
        check_all_formats(&dir, &[], 2, "goes through a symlink that points outside");
    }
}

#[cfg(unix)]
#[test]
fn a_config_symlinked_out_of_the_repository_is_not_read() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repo(tmp.path());
    std::os::unix::fs::symlink("/proc/self/environ", dir.join(".portalint.yaml")).expect("link");
    check_all_formats(&dir, &[], 2, "symlink to a file outside the repository; not read");
    // A symlink to a config elsewhere in the repository is followed.
    std::fs::remove_file(dir.join(".portalint.yaml")).expect("rm");
    write(&dir, "config/portalint.yaml", "fail-on: warning\n");
    std::os::unix::fs::symlink("config/portalint.yaml", dir.join(".portalint.yaml")).expect("link");
    let (code, out) = run(&["check", "."], &dir);
    assert_ne!(code, 2, "{out}");
}

/// A file the user names may be anything: a non-YAML file is not quoted in the error.
#[test]
fn a_non_yaml_config_or_policy_is_never_quoted() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repo(tmp.path());
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let first = passwd.lines().next().unwrap_or("root:x:0:0").to_string();
    assert!(!first.is_empty(), "/etc/passwd has a first line");
    for config in ["/proc/self/environ", "/etc/passwd"] {
        for format in FORMATS {
            let (code, out) = run(&["check", "--format", format, "--config", config, "."], &dir);
            assert_eq!(code, 2, "{out}");
            assert!(
                out.contains("expected a YAML mapping of portalint config keys"),
                "{out}"
            );
            assert!(!out.contains(&first), "{out}");
        }
    }
    // Named by a config the user chose, the policy may be outside, and is not quoted either.
    let cfg = tmp.path().join("mine.yaml");
    std::fs::write(&cfg, "policy: /etc/passwd\n").expect("write");
    let (code, out) = run(&["check", "--config", &cfg.to_string_lossy(), "."], &dir);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("expected a YAML mapping of policy keys"), "{out}");
    assert!(!out.contains(&first), "{out}");
    std::fs::write(&cfg, "policy: /proc/self/environ\n").expect("write");
    let (code, out) = run(&["check", "--config", &cfg.to_string_lossy(), "."], &dir);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn xrd_sources_outside_the_repository_are_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = repo(tmp.path());
    // Outside the repository: YAML whose excerpt would show the canary.
    let outside = tmp.path().join("outside");
    write(
        &outside,
        "xrd.yaml",
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {CANARY}\n  bad: [\n"),
    );
    let abs = outside.to_string_lossy().into_owned();
    let cases = [
        (
            format!("xrds: [{abs}]"),
            format!("`xrds` names `{abs}`, which is an absolute path"),
        ),
        (
            "xrds: [../outside]".to_string(),
            "`xrds` names `../outside`, which climbs out".to_string(),
        ),
        (
            "xrds: [/]".to_string(),
            "`xrds` names `/`, which is an absolute path".to_string(),
        ),
        (
            format!("xrds: [\"git+file://{abs}@main\"]"),
            "which is an absolute path".to_string(),
        ),
        (
            format!("catalog:\n  packages:\n    ghcr.io/x/y: \"git+file://{abs}\""),
            "`catalog.packages` names".to_string(),
        ),
    ];
    for (config, needle) in &cases {
        write(&dir, ".portalint.yaml", &format!("{config}\n"));
        check_all_formats(&dir, &[], 2, needle);
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, dir.join("xrds")).expect("link");
        write(&dir, ".portalint.yaml", "xrds: [xrds]\n");
        check_all_formats(&dir, &[], 2, "`xrds` names `xrds`, which goes through a symlink");
    }
    // On the command line the user chose it: it is read.
    std::fs::remove_file(dir.join(".portalint.yaml")).expect("rm");
    write(
        &outside,
        "xrd.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  bad: [\n",
    );
    let (code, out) = run(
        &[
            "check",
            "--format",
            "json",
            "--xrds",
            &abs,
            "--select",
            "yaml-syntax",
            ".",
        ],
        &dir,
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("outside/xrd.yaml"), "{out}");
}

#[test]
fn kustomization_resources_outside_the_repository_are_findings() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("template-x");
    write(
        &dir,
        "kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../../../proc/self/environ\n- /proc/self/environ\n",
    );
    check_all_formats(
        &dir,
        &["--profile", "openportal", "--select", "kustomize-resources-exist"],
        1,
        "points outside the repository",
    );
}

/// A clusters-layout orders repository with one order and a stale kustomization.
fn orders(tmp: &Path) -> std::path::PathBuf {
    let dir = tmp.join("orders");
    write(
        &dir,
        "c1/kustomization.yaml",
        "# generated\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\nresources: []\n",
    );
    write(&dir, "c1/team-alpha/DNSRecord/api-dns.yaml", ORDER);
    dir
}

fn fix(dir: &Path) -> (i32, String) {
    run(
        &[
            "check",
            "--fix",
            "--select",
            "osp-ord-kustomization-sync",
            "--profile",
            "openportal",
            ".",
        ],
        dir,
    )
}

#[cfg(unix)]
#[test]
fn fix_never_writes_through_a_planted_temporary_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = orders(tmp.path());
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "untouched\n").expect("write");
    for name in [
        "kustomization.yaml.portalint-tmp",
        "kustomization.yaml.tmp",
        ".portalint.tmp",
    ] {
        std::os::unix::fs::symlink("../../victim.txt", dir.join("c1").join(name)).expect("link");
    }
    let (code, out) = fix(&dir);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("fixed c1/kustomization.yaml"), "{out}");
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "untouched\n");
    let text = std::fs::read_to_string(dir.join("c1/kustomization.yaml")).expect("read");
    assert!(text.contains("- team-alpha/DNSRecord/api-dns.yaml"), "{text}");
    // No temporary file is left behind.
    let left: Vec<String> = std::fs::read_dir(dir.join("c1"))
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".portalint-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(unix)]
#[test]
fn fix_refuses_a_symlinked_kustomization() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = orders(tmp.path());
    let outside = tmp.path().join("elsewhere.yaml");
    let secret = format!("# {CANARY}\napiVersion: v1\n");
    std::fs::write(&outside, &secret).expect("write");
    std::fs::remove_file(dir.join("c1/kustomization.yaml")).expect("rm");
    std::os::unix::fs::symlink(&outside, dir.join("c1/kustomization.yaml")).expect("link");
    let (code, out) = fix(&dir);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("not fixed `c1/kustomization.yaml`: goes through a symlink that points outside the repository"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&outside).expect("read"), secret);
    assert!(std::fs::symlink_metadata(dir.join("c1/kustomization.yaml"))
        .expect("meta")
        .file_type()
        .is_symlink());
}

#[test]
fn fix_never_leaves_the_root_through_configured_clusters() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = orders(tmp.path());
    std::fs::create_dir_all(tmp.path().join("x")).expect("mkdir");
    for clusters in ["[\"../x\"]", "[\"/tmp\"]", "[\"c1/../../x\"]"] {
        write(
            &dir,
            ".portalint.yaml",
            &format!("orders:\n  layout: clusters\n  clusters: {clusters}\n"),
        );
        let (code, out) = fix(&dir);
        assert_eq!(code, 2, "{clusters}: {out}");
        assert!(out.contains("is not a folder of the repository"), "{out}");
        // Trusted or not: `--config` does not make a cluster outside the repository.
        let cfg = dir.join(".portalint.yaml").to_string_lossy().into_owned();
        let (code, _) = run(&["check", "--fix", "--config", &cfg, "."], &dir);
        assert_eq!(code, 2);
    }
    assert!(!tmp.path().join("x/kustomization.yaml").exists());
    assert!(
        !Path::new("/tmp/kustomization.yaml").exists()
            || std::fs::read_to_string("/tmp/kustomization.yaml").is_ok_and(|t| !t.contains("api-dns"))
    );
}

#[cfg(unix)]
#[test]
fn fix_keeps_mode_and_owner() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = orders(tmp.path());
    let k = dir.join("c1/kustomization.yaml");
    std::fs::set_permissions(&k, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let root_user = std::fs::metadata(&k).expect("meta").uid() == 0;
    if root_user {
        // As root (CI here), a file owned by someone else must stay theirs.
        std::os::unix::fs::chown(&k, Some(4242), Some(4243)).expect("chown");
    }
    let before = std::fs::metadata(&k).expect("meta");
    let (code, out) = fix(&dir);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("fixed c1/kustomization.yaml"), "{out}");
    let after = std::fs::metadata(&k).expect("meta");
    assert_ne!(before.ino(), after.ino(), "the file was replaced by a rename");
    assert_eq!(after.permissions().mode() & 0o7777, 0o600);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
}

/// The bot refuses a token passed where a variable name belongs, without echoing it.
#[test]
fn the_bot_never_echoes_a_token_given_as_the_variable_name() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (code, out) = run(&["pr", "--repo", "a/b", "--pr", "1", "--token-env", TOKEN], tmp.path());
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("takes the name of an environment variable"), "{out}");
}

/// Plain http carries the token in clear text: only loopback is allowed.
#[test]
fn the_bot_refuses_plain_http_except_to_loopback() {
    let tmp = tempfile::tempdir().expect("tmp");
    for url in [
        "http://api.example.com",
        "http://10.0.0.1:8080",
        "http://user:pw@127.0.0.1",
    ] {
        let (code, out) = run(&["pr", "--repo", "a/b", "--pr", "1", "--api-url", url], tmp.path());
        assert_eq!(code, 2, "{url}: {out}");
        assert!(out.contains("API URL"), "{out}");
        assert!(!out.contains("pw@"), "{out}");
    }
    for ok in [
        "https://github.example.com/api/v3",
        "http://127.0.0.1:9",
        "http://[::1]:9",
        "http://localhost:9",
    ] {
        assert!(portalint::github::check_api_url(ok).is_ok(), "{ok}");
    }
}

/// An API that echoes the request headers in its error message: the bot prints the error
/// with the token (and anything shaped like a credential) redacted.
#[test]
fn the_bot_redacts_an_api_message_that_echoes_headers() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        // Answers a bounded number of requests, then stops.
        for _ in 0..8 {
            let Ok((mut s, _)) = listener.accept() else { return };
            s.set_read_timeout(Some(std::time::Duration::from_secs(5))).ok();
            let mut buf = vec![0u8; 16 * 1024];
            let n = s.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).into_owned();
            let echoed: Vec<String> = request
                .lines()
                .filter(|l| l.to_ascii_lowercase().starts_with("authorization"))
                .map(|l| l.replace('"', "'"))
                .collect();
            let body = format!(
                "{{\"message\": \"Bad credentials; you sent {} and ghp_abcdefghijklmnopqrstuvwxyz0123456789\"}}",
                echoed.join(", ")
            );
            let reply = format!(
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes());
            if request.is_empty() {
                return;
            }
        }
    });
    let tmp = tempfile::tempdir().expect("tmp");
    let url = format!("http://127.0.0.1:{port}");
    let (code, out) = run(
        &[
            "pr",
            "--repo",
            "a/b",
            "--pr",
            "1",
            "--api-url",
            &url,
            "--token-env",
            "PORTALINT_TOKEN",
        ],
        tmp.path(),
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("GitHub answered 401: Bad credentials"), "{out}");
    assert!(!out.contains("ghp_abcdefghijklmnopqrstuvwxyz"), "{out}");
    // Let the server thread end: one more connection with nothing in it.
    drop(std::net::TcpStream::connect(("127.0.0.1", port)));
    let _ = server.join();
}

#[test]
fn redaction_covers_token_shapes() {
    let r = |t: &str| portalint::github::redact(t, Some("s3cr3t-value"));
    assert_eq!(r("got s3cr3t-value back"), "got *** back");
    assert!(!r("Authorization: Bearer abcdefgh12345678").contains("abcdefgh12345678"));
    assert!(!r("header authorization=\"token abcdef0123456789\"").contains("abcdef0123456789"));
    assert!(!r("use github_pat_11ABCDEFG0123456789_abcdefghijkl").contains("github_pat_11"));
    assert!(!r("jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjMifQ.c2lnbmF0dXJl").contains("eyJhbGci"));
    // Commit SHAs and ordinary words stay.
    let sha = "0123456789abcdef0123456789abcdef01234567";
    assert_eq!(r(&format!("head {sha} moved")), format!("head {sha} moved"));
    assert_eq!(
        r("Resource not accessible by integration"),
        "Resource not accessible by integration"
    );
}

/// `action.yml`: only the step of `mode: pr` sees the token.
#[test]
fn the_action_passes_the_token_only_to_mode_pr() {
    let text = std::fs::read_to_string(common::root().join("action.yml")).expect("action.yml");
    let parsed = portalint::yaml::parse(&text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let steps = parsed.docs[0]
        .root
        .get("runs")
        .and_then(|r| r.get("steps"))
        .and_then(|s| s.as_seq())
        .expect("steps");
    let mut token_steps = 0;
    for step in steps {
        let name = step.str_at(&["name"]).unwrap_or("?");
        let env = step.get("env").and_then(|e| e.as_map()).unwrap_or(&[]);
        let holds_token = env.iter().any(|e| {
            let v = e.value.as_str().unwrap_or("");
            v.contains("inputs.token") || v.contains("github.token") || v.contains("secrets.")
        });
        if holds_token {
            token_steps += 1;
            let cond = step.str_at(&["if"]).unwrap_or("");
            assert!(
                cond.contains("inputs.mode == 'pr'"),
                "step `{name}` gets the token without `if: inputs.mode == 'pr'`"
            );
        }
    }
    assert_eq!(token_steps, 1, "exactly the bot's step holds the token");
}
