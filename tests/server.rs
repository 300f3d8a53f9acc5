//! `portalint server` driven over stdio by a scripted LSP client: the real binary, framed
//! JSON-RPC, on a mini template repository and a mini orders repository.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(120);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Every message received, in order.
    seen: Vec<Value>,
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

impl Client {
    fn start(root: &Path, extra: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_portalint"))
            .arg("server")
            .arg("--isolated")
            .args(extra)
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            rx,
            next_id: 0,
            seen: Vec::new(),
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string();
        self.raw(&frame(&body));
    }

    /// Sends a request and waits for its response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
        self.raw(&frame(&body));
        self.wait(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The next message that `pred` accepts (earlier ones are kept in `seen`).
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = self
                .rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no expected message in {WAIT:?}; seen: {:#?}", self.seen));
            self.seen.push(msg.clone());
            if pred(&msg) {
                return msg;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        let uri = uri.to_string();
        let msg = self.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        msg["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let resp = self.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        resp
    }

    /// `shutdown` then `exit`: the exit code.
    fn finish(mut self) -> i32 {
        let resp = self.request("shutdown", Value::Null);
        assert!(resp.get("error").is_none(), "{resp}");
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    fn exit_code(mut self) -> i32 {
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let mut err = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                assert!(!err.contains("panicked"), "the server panicked: {err}");
                return status.code().expect("exited, not killed");
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_str().expect("utf8 path").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

const XRD: &str = "\
apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: dnsrecords.openportal.dev
spec:
  group: openportal.dev
  scope: Namespaced
  names:
    kind: DNSRecord
    plural: dnsrecords
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
                comment:
                  type: string
                name:
                  type: string
";

const COMPOSITION: &str = "\
apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: dnsrecords.openportal.dev
spec:
  compositeTypeRef:
    apiVersion: openportal.dev/v1alpha1
    kind: DNSRecord
  mode: Pipeline
  pipeline:
    - step: auto-ready
      functionRef:
        name: function-auto-ready
";

/// Non-ASCII before the field: `é` is 2 bytes and 1 UTF-16 unit, `😀` 4 bytes, 1 char and 2
/// units; a server counting bytes or chars points elsewhere.
const EXAMPLE: &str = "\
apiVersion: openportal.dev/v1alpha1
kind: DNSRecord
metadata:
  name: www
  namespace: demo
spec: {comment: \"Zürich 😀 café\", name: www}
";

fn template_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "configuration/xrd.yaml", XRD);
    write(root, "configuration/composition.yaml", COMPOSITION);
    write(root, "examples/dnsrecord.yaml", EXAMPLE);
    tmp
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn an_unsaved_xrd_edit_publishes_on_its_example_and_the_fix_clears_it() {
    let tmp = template_repo();
    let root = std::fs::canonicalize(tmp.path()).expect("root");
    let mut c = Client::start(&root, &[]);
    let init = c.initialize(&root);
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["hoverProvider"], true, "{init}");
    assert_eq!(caps["codeActionProvider"], true, "{init}");

    let example = uri(&root.join("examples/dnsrecord.yaml"));
    let xrd = uri(&root.join("configuration/xrd.yaml"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": example, "languageId": "yaml", "version": 1, "text": EXAMPLE}}),
    );
    let before = c.diagnostics_for(&example);
    assert!(
        !codes(&before).contains(&"x-xr-schema".to_string()),
        "the example is valid: {before:#?}"
    );

    // Rename the XRD's `name` property in the buffer only (the file on disk keeps it).
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": xrd, "languageId": "yaml", "version": 1, "text": XRD}}),
    );
    let line = XRD.lines().position(|l| l.trim() == "name:").expect("the property") as u32;
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": xrd, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": line, "character": 16}, "end": {"line": line, "character": 20}},
                "text": "hostname"
            }]
        }),
    );
    let broken = c.diagnostics_for(&example);
    let schema: Vec<&Value> = broken.iter().filter(|d| d["code"] == "x-xr-schema").collect();
    assert_eq!(schema.len(), 1, "{broken:#?}");
    let d = schema[0];
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("unknown field `spec.name`"),
        "{d:#}"
    );
    assert_eq!(d["severity"], 1, "error");
    assert_eq!(d["source"], "portalint");
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap_or("")
            .ends_with("/rules/x-xr-schema.md"),
        "{d:#}"
    );
    // The column in UTF-16 units, not bytes or chars.
    let text_line = EXAMPLE.lines().nth(5).expect("spec line");
    let byte = text_line.find("name: www").expect("field");
    let utf16 = text_line[..byte].encode_utf16().count();
    assert_ne!(utf16, byte);
    assert_ne!(utf16, text_line[..byte].chars().count());
    assert_eq!(d["range"]["start"], json!({"line": 5, "character": utf16}), "{d:#}");
    // Related information: the XRD, in the other file.
    let related = d["relatedInformation"].as_array().expect("related information");
    assert!(related.iter().any(|r| r["location"]["uri"] == xrd), "{related:#?}");

    // Hover on the finding shows its rule's doc; elsewhere nothing.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": example}, "position": d["range"]["start"]}),
    );
    let value = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        value.contains("x-xr-schema") && value.contains("## What it does"),
        "{hover}"
    );
    let none = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": example}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(none["result"], Value::Null, "{none}");

    // The code action suppresses it with the comment the policy reads.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": example}, "range": d["range"], "context": {"diagnostics": []}}),
    );
    let list = actions["result"].as_array().expect("actions");
    let ignore = list
        .iter()
        .find(|a| a["title"] == "Ignore `x-xr-schema` on this line")
        .unwrap_or_else(|| panic!("{actions:#}"));
    let edit = &ignore["edit"]["changes"][&example][0];
    assert_eq!(edit["newText"], "# portalint: ignore[x-xr-schema]\n");
    assert_eq!(edit["range"]["start"], json!({"line": 5, "character": 0}));

    // Back to the file's text: the example's finding is gone.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": xrd, "version": 3}, "contentChanges": [{"text": XRD}]}),
    );
    let fixed = c.diagnostics_for(&example);
    assert!(!codes(&fixed).contains(&"x-xr-schema".to_string()), "{fixed:#?}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn an_unsaved_buffer_overrides_the_file_and_broken_input_does_not_end_the_session() {
    let tmp = template_repo();
    let root = std::fs::canonicalize(tmp.path()).expect("root");
    let mut c = Client::start(&root, &[]);
    c.initialize(&root);
    let example = uri(&root.join("examples/dnsrecord.yaml"));
    // An unknown field in the buffer, not on disk.
    let edited = EXAMPLE.replace("name: www}", "nmae: www}");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": example, "languageId": "yaml", "version": 1, "text": edited}}),
    );
    let diags = c.diagnostics_for(&example);
    assert!(codes(&diags).contains(&"x-xr-schema".to_string()), "{diags:#?}");
    assert!(
        std::fs::read_to_string(root.join("examples/dnsrecord.yaml"))
            .expect("file")
            .contains("name: www"),
        "the server writes nothing"
    );

    // A body that is not JSON, then a request with invalid params, then broken YAML.
    c.raw(&frame("{this is not json"));
    let bad = c.request("textDocument/hover", json!({"textDocument": 7}));
    assert!(bad["error"]["code"] == json!(-32602), "{bad}");
    let unknown = c.request("workspace/symbol", json!({"query": ""}));
    assert!(unknown["error"]["code"] == json!(-32601), "{unknown}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": example, "version": 2}, "contentChanges": [{"text": "spec: [\n  é: {\n"}]}),
    );
    let broken = c.diagnostics_for(&example);
    assert!(!broken.is_empty(), "a YAML error is a finding");
    // Ranges past the end and in the middle of a character: answered, not a crash.
    let far = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": example}, "position": {"line": 999, "character": 999}}),
    );
    assert!(far.get("error").is_none(), "{far}");
    // A change of a file outside the root is ignored with a log message.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "file:///elsewhere/x.yaml", "languageId": "yaml", "version": 1, "text": "a: 1\n"}}),
    );
    c.wait(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|t| t.contains("outside the root"))
    });
    // Closing the buffer checks the file on disk again: valid.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": example}}));
    let disk = c.diagnostics_for(&example);
    assert!(!codes(&disk).contains(&"x-xr-schema".to_string()), "{disk:#?}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn exit_without_shutdown_is_code_1_and_a_closed_stream_code_2() {
    let tmp = template_repo();
    let root = std::fs::canonicalize(tmp.path()).expect("root");
    let mut c = Client::start(&root, &[]);
    c.initialize(&root);
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 1);
    let mut c = Client::start(&root, &[]);
    c.initialize(&root);
    assert_eq!(c.exit_code(), 2);
}

#[test]
fn the_kustomization_fix_is_a_code_action() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = std::fs::canonicalize(tmp.path()).expect("root");
    let kust = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\nresources:\n  - team-a/DNSRecord/old.yaml\n";
    write(&root, "openportal/kustomization.yaml", kust);
    write(
        &root,
        "openportal/team-a/DNSRecord/www.yaml",
        "apiVersion: openportal.dev/v1alpha1\nkind: DNSRecord\nmetadata:\n  name: www\n  namespace: team-a\nspec:\n  name: www\n",
    );
    let mut c = Client::start(&root, &["--profile", "openportal"]);
    c.initialize(&root);
    let k = uri(&root.join("openportal/kustomization.yaml"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": k, "languageId": "yaml", "version": 1, "text": kust}}),
    );
    let diags = c.diagnostics_for(&k);
    let sync: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "osp-ord-kustomization-sync")
        .collect();
    assert!(!sync.is_empty(), "{diags:#?}");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": k}, "range": sync[0]["range"], "context": {"diagnostics": []}}),
    );
    let regen = actions["result"]
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Regenerate")))
        })
        .unwrap_or_else(|| panic!("{actions:#}"))
        .clone();
    let edit = &regen["edit"]["changes"][&k][0];
    let new = edit["newText"].as_str().expect("text");
    assert!(new.ends_with("resources:\n  - team-a/DNSRecord/www.yaml\n"), "{new}");
    // Applied in the buffer, the finding goes.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": k, "version": 2}, "contentChanges": [{"text": new}]}),
    );
    let after = c.diagnostics_for(&k);
    assert!(
        !codes(&after).contains(&"osp-ord-kustomization-sync".to_string()),
        "{after:#?}"
    );
    assert_eq!(c.finish(), 0);
}

/// A finding that carries a fix (as `portalint check --fix` makes it) offers it as a code
/// action: the same byte-range edit, here the label value quoted.
#[test]
fn a_findings_fix_is_a_code_action() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = std::fs::canonicalize(tmp.path()).expect("root");
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  labels:\n    enabled: yes  # on\n";
    write(&root, "configmap.yaml", text);
    let mut c = Client::start(&root, &[]);
    c.initialize(&root);
    let u = uri(&root.join("configmap.yaml"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let diags = c.diagnostics_for(&u);
    let found: Vec<&Value> = diags.iter().filter(|d| d["code"] == "k8s-string-values").collect();
    assert_eq!(found.len(), 1, "{diags:#?}");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": found[0]["range"], "context": {"diagnostics": []}}),
    );
    let fix = actions["result"]
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Fix: ")))
        })
        .unwrap_or_else(|| panic!("{actions:#}"))
        .clone();
    let edits = fix["edit"]["changes"][&u].as_array().expect("edits");
    assert_eq!(edits.len(), 1, "{fix:#}");
    assert_eq!(edits[0]["newText"], "\"yes\"");
    assert_eq!(edits[0]["range"]["start"], json!({"line": 5, "character": 13}));
    assert_eq!(edits[0]["range"]["end"], json!({"line": 5, "character": 16}));
    let fixed = text.replace("enabled: yes", "enabled: \"yes\"");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = c.diagnostics_for(&u);
    assert!(!codes(&after).contains(&"k8s-string-values".to_string()), "{after:#?}");
    assert_eq!(c.finish(), 0);
}
