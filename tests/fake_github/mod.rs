//! A stateful fake GitHub REST API on 127.0.0.1 for the bot's tests. Every request is checked
//! against GitHub's published description (`../shared/github-api/rest-subset.json`: the path
//! and method must exist, the JSON body must match the request schema) and every response it
//! returns is checked against the response schema of its status. Responses are built from
//! the schema itself (a minimal valid instance of every required field) with the fake's state
//! laid over it. Violations are collected, and each test asserts there are none.

#![allow(dead_code)]

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// The shared API description.
pub fn spec() -> &'static Value {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/github-api/rest-subset.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("rest-subset.json")).expect("json")
    })
}

/// The webhook payload schemas.
pub fn webhooks() -> &'static Value {
    static W: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/github-api/webhooks-schema.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("webhooks-schema.json")).expect("json")
    })
}

/// OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a `null` alternative.
pub fn json_schema(v: &Value) -> Value {
    match v {
        Value::Object(o) => {
            let mut m: Map<String, Value> = o.iter().map(|(k, v)| (k.clone(), json_schema(v))).collect();
            if m.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::Array(e)) = m.get_mut("enum") {
                    e.push(Value::Null);
                }
                match m.get("type").cloned() {
                    Some(Value::String(t)) => {
                        m.insert("type".into(), json!([t, "null"]));
                    }
                    _ => return json!({"anyOf": [Value::Object(m), {"type": "null"}]}),
                }
            }
            Value::Object(m)
        }
        Value::Array(a) => Value::Array(a.iter().map(json_schema).collect()),
        other => other.clone(),
    }
}

/// A minimal instance valid against `schema` (required fields only); `$ref`s resolve in `root`.
pub fn skeleton(schema: &Value, root: &Value, depth: usize) -> Value {
    if depth > 40 {
        return Value::Null;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .unwrap_or(&Value::Null);
        return skeleton(target, root, depth + 1);
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut out = json!({});
        for s in all {
            merge(&mut out, skeleton(s, root, depth + 1));
        }
        return out;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|a| a.first()) {
            return skeleton(first, root, depth + 1);
        }
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|a| a.first()) {
        return first.clone();
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match ty {
        "object" => {
            let mut m = Map::new();
            for r in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                let Some(name) = r.as_str() else { continue };
                let prop = schema.pointer(&format!("/properties/{}", name.replace('~', "~0").replace('/', "~1")));
                let value = match prop {
                    Some(p) if p.get("nullable") == Some(&Value::Bool(true)) => Value::Null,
                    Some(p) => skeleton(p, root, depth + 1),
                    None => Value::Null,
                };
                m.insert(name.to_string(), value);
            }
            Value::Object(m)
        }
        "array" => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = schema
                .get("items")
                .map(|i| skeleton(i, root, depth + 1))
                .unwrap_or(Value::Null);
            Value::Array((0..min).map(|_| item.clone()).collect())
        }
        "string" => Value::String(match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => "2026-11-22T00:00:00Z".into(),
            Some("uri") | Some("url") => "https://github.example/x".into(),
            Some("email") => "x@example.org".into(),
            _ => "x".into(),
        }),
        "integer" | "number" => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1).max(0)),
        "boolean" => Value::Bool(false),
        _ => Value::Null,
    }
}

/// `data` completed to an instance of `schema`: every required field it lacks gets a minimal
/// valid value, recursively (also inside the objects and lists `data` gives).
pub fn fill(schema: &Value, data: &Value, root: &Value, depth: usize) -> Value {
    if depth > 40 {
        return data.clone();
    }
    if data.is_null() {
        return skeleton(schema, root, depth);
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .unwrap_or(&Value::Null);
        return fill(target, data, root, depth + 1);
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut out = json!({});
        for s in all {
            merge(&mut out, fill(s, data, root, depth + 1));
        }
        return out;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = schema.get(key).and_then(Value::as_array) {
            let pick = alts
                .iter()
                .find(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .or(alts.first());
            if let Some(a) = pick {
                return fill(a, data, root, depth + 1);
            }
        }
    }
    match data {
        Value::Object(d) => {
            let mut out = match skeleton(schema, root, depth) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            for (k, v) in d {
                let prop = schema.pointer(&format!("/properties/{}", k.replace('~', "~0").replace('/', "~1")));
                out.insert(
                    k.clone(),
                    prop.map_or_else(|| v.clone(), |p| fill(p, v, root, depth + 1)),
                );
            }
            // Required fields the skeleton left null although the data gives a parent object.
            Value::Object(out)
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
            Value::Array(items.iter().map(|i| fill(&item_schema, i, root, depth + 1)).collect())
        }
        other => other.clone(),
    }
}

/// Lays `over` onto `base` (objects merge key by key; anything else replaces).
pub fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

/// A scripted failure: the next matching request gets `status` (with `Retry-After` if set);
/// with `after_effect` the request is carried out first (a write that happened but whose
/// answer was lost).
#[derive(Debug, Clone)]
pub struct Fault {
    pub method: &'static str,
    pub path_suffix: &'static str,
    pub status: u16,
    pub retry_after: Option<u64>,
    pub message: &'static str,
    pub after_effect: bool,
}

/// What the fake knows and saw.
#[derive(Debug, Default)]
pub struct State {
    pub owner: String,
    pub repo: String,
    pub number: u64,
    pub head_sha: String,
    pub head_ref: String,
    pub base_sha: String,
    pub author: String,
    pub draft: bool,
    pub fork: bool,
    pub labels: Vec<String>,
    pub files: Vec<String>,
    pub comments: Vec<(u64, String)>,
    pub reviews: Vec<(u64, String, String, String)>, // id, state, commit, body
    pub review_comments: Vec<(u64, String, u64, String)>, // id, path, line, body
    pub requested_users: Vec<String>,
    pub requested_teams: Vec<String>,
    pub check_runs: Vec<(String, String)>, // name, conclusion
    pub merged: Option<String>,
    /// The head the PR has when a merge is asked for (a push after the evaluation).
    pub head_on_merge: Option<String>,
    pub faults: Vec<Fault>,
    pub requests: Vec<(String, String, Value)>,
    pub violations: Vec<String>,
    pub token: String,
    pub next_id: u64,
}

/// The running fake.
pub struct Fake {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl Fake {
    /// Starts the server.
    pub fn start(state: State) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(Mutex::new(state));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Fake { url, state }
    }

    /// The writes received (method, path).
    pub fn writes(&self) -> Vec<(String, String)> {
        let s = self.state.lock().expect("lock");
        s.requests
            .iter()
            .filter(|(m, _, _)| m != "GET")
            .map(|(m, p, _)| (m.clone(), p.clone()))
            .collect()
    }

    /// Panics with the list of contract violations, if any.
    pub fn assert_contract(&self) {
        let s = self.state.lock().expect("lock");
        assert!(
            s.violations.is_empty(),
            "contract violations:\n{}",
            s.violations.join("\n")
        );
    }
}

fn serve(stream: std::net::TcpStream, state: &Arc<Mutex<State>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let mut body = Vec::new();
    if let Some(n) = headers.get("content-length").and_then(|n| n.parse::<usize>().ok()) {
        body.resize(n, 0);
        let _ = reader.read_exact(&mut body);
    } else if headers.get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        loop {
            let mut size = String::new();
            let _ = reader.read_line(&mut size);
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                let _ = reader.read_line(&mut String::new());
                break;
            }
            let mut chunk = vec![0; n + 2];
            let _ = reader.read_exact(&mut chunk);
            body.extend_from_slice(&chunk[..n]);
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let path = target.split('?').next().unwrap_or("").to_string();
    let query = target.split_once('?').map(|(_, q)| q.to_string()).unwrap_or_default();
    let body: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::String(String::from_utf8_lossy(&body).into()))
    };
    let (status, extra, response) = {
        let mut s = state.lock().expect("lock");
        let expected = format!("Bearer {}", s.token);
        if headers.get("authorization") != Some(&expected) {
            s.violations
                .push(format!("{method} {path}: missing or wrong Authorization header"));
        }
        if !s.token.is_empty() && target.contains(&s.token) {
            s.violations.push(format!("{method} {path}: the token is in the URL"));
        }
        s.requests.push((method.clone(), path.clone(), body.clone()));
        handle(&mut s, &method, &path, &query, &body)
    };
    let text = if response.is_null() {
        String::new()
    } else {
        response.to_string()
    };
    let mut out = stream;
    let _ = write!(
        out,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{text}",
        text.len()
    );
    let _ = out.flush();
}

/// The operation of the description that `method path` matches: (template, operation).
fn operation(method: &str, path: &str) -> Option<(String, Value)> {
    let paths = spec().get("paths")?.as_object()?;
    for (template, ops) in paths {
        let re = regex::Regex::new(&template_regex(template)).ok()?;
        if re.is_match(path) {
            if let Some(op) = ops.get(method.to_ascii_lowercase()) {
                return Some((template.clone(), op.clone()));
            }
        }
    }
    None
}

/// `/repos/{owner}/{repo}` → `^/repos/[^/]+/[^/]+$`.
fn template_regex(t: &str) -> String {
    let mut out = String::from("^");
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&regex::escape(&rest[..i]));
        out.push_str("[^/]+");
        let close = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        rest = &rest[close..];
    }
    out.push_str(&regex::escape(rest));
    out.push('$');
    out
}

/// Validates `instance`; validators are compiled once per `key`.
fn validate(key: &str, schema: &Value, instance: &Value) -> Vec<String> {
    type Cache = Mutex<HashMap<String, Arc<Result<jsonschema::Validator, String>>>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let compiled = {
        let mut c = cache.lock().expect("lock");
        c.entry(key.to_string())
            .or_insert_with(|| Arc::new(jsonschema::validator_for(&json_schema(schema)).map_err(|e| e.to_string())))
            .clone()
    };
    match compiled.as_ref() {
        Ok(v) => v
            .iter_errors(instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .take(5)
            .collect(),
        Err(e) => vec![format!("schema does not compile: {e}")],
    }
}

fn handle(s: &mut State, method: &str, path: &str, query: &str, body: &Value) -> (u16, String, Value) {
    let Some((template, op)) = operation(method, path) else {
        s.violations
            .push(format!("{method} {path}: not in GitHub's REST description"));
        return (404, String::new(), json!({"message": "Not Found"}));
    };
    if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
        for e in validate(&format!("{method} {template} request"), schema, body) {
            s.violations.push(format!("{method} {template} request: {e}"));
        }
    }
    let fault = s
        .faults
        .iter()
        .position(|f| f.method == method && path.ends_with(f.path_suffix));
    let fault = fault.map(|i| s.faults.remove(i));
    // A fault with `after_effect` lets the request happen first; the answer is lost either way.
    let routed = match &fault {
        Some(f) if !f.after_effect => None,
        _ => Some(route(s, method, path, query, body)),
    };
    match (fault, routed) {
        (Some(f), _) => {
            let extra = f
                .retry_after
                .map(|r| format!("Retry-After: {r}\r\n"))
                .unwrap_or_default();
            let message = json!({"message": f.message});
            respond(s, &op, &template, method, f.status, message, extra, false)
        }
        (None, Some((status, data))) => respond(s, &op, &template, method, status, data, String::new(), true),
        (None, None) => unreachable!("a request without a fault is routed"),
    }
}

/// Builds the response from the schema of `status` and validates it. Injected faults
/// (`documented: false`) may use statuses GitHub returns on any endpoint (502, 429).
#[allow(clippy::too_many_arguments)]
fn respond(
    s: &mut State,
    op: &Value,
    template: &str,
    method: &str,
    status: u16,
    data: Value,
    extra: String,
    documented: bool,
) -> (u16, String, Value) {
    let schema = op
        .pointer(&format!("/responses/{status}/content/application~1json/schema"))
        .cloned();
    let response = match &schema {
        Some(schema) => fill(schema, &data, spec(), 0),
        None => data,
    };
    match &schema {
        Some(schema) => {
            for e in validate(&format!("{method} {template} {status}"), schema, &response) {
                s.violations.push(format!("{method} {template} response {status}: {e}"));
            }
        }
        None if documented && op.pointer(&format!("/responses/{status}")).is_none() => {
            s.violations
                .push(format!("{method} {template}: status {status} is not documented"));
        }
        None => {}
    }
    (status, extra, response)
}

fn user(login: &str) -> Value {
    json!({"login": login, "id": 1, "type": "User"})
}

fn pr_json(s: &State) -> Value {
    let repo = json!({"full_name": format!("{}/{}", s.owner, s.repo), "name": s.repo, "owner": user(&s.owner)});
    let head_repo = if s.fork {
        json!({"full_name": format!("someone/{}", s.repo), "name": s.repo, "owner": user("someone")})
    } else {
        repo.clone()
    };
    json!({
        "number": s.number,
        "state": if s.merged.is_some() { "closed" } else { "open" },
        "draft": s.draft,
        "merged": s.merged.is_some(),
        "user": user(&s.author),
        "labels": s.labels.iter().map(|l| json!({"name": l, "id": 1})).collect::<Vec<_>>(),
        "head": {"sha": s.head_sha, "ref": s.head_ref, "label": "x", "repo": head_repo, "user": user(&s.author)},
        "base": {"sha": s.base_sha, "ref": "main", "label": "x", "repo": repo, "user": user(&s.owner)},
    })
}

fn route(s: &mut State, method: &str, path: &str, query: &str, body: &Value) -> (u16, Value) {
    let page2 = query.split('&').any(|p| p.starts_with("page=") && p != "page=1");
    let tail = path.splitn(5, '/').nth(4).unwrap_or("").to_string(); // after /repos/o/r/
    let seg: Vec<&str> = tail.split('/').collect();
    s.next_id += 1;
    let id = s.next_id;
    // Lists fit in one page here: later pages are empty.
    if page2 {
        return (
            200,
            if path.ends_with("/check-runs") {
                json!({"total_count": s.check_runs.len(), "check_runs": []})
            } else {
                json!([])
            },
        );
    }
    match (method, seg.as_slice()) {
        ("GET", ["pulls", _]) => (200, pr_json(s)),
        ("GET", ["pulls", _, "files"]) => (
            200,
            json!(s
                    .files
                    .iter()
                    .map(|f| json!({"filename": f, "status": "added"}))
                    .collect::<Vec<_>>()),
        ),
        ("GET", ["pulls", _, "reviews"]) => (
            200,
            json!(s.reviews.iter().map(|(id, st, c, b)| json!({"id": id, "state": st, "commit_id": c, "body": b, "user": user("portalint[bot]")})).collect::<Vec<_>>()),
        ),
        ("POST", ["pulls", _, "reviews"]) => {
            let state = match body.get("event").and_then(Value::as_str) {
                Some("APPROVE") => "APPROVED",
                Some("REQUEST_CHANGES") => "CHANGES_REQUESTED",
                _ => "COMMENTED",
            };
            let commit = body.get("commit_id").and_then(Value::as_str).unwrap_or("").to_string();
            let text = body.get("body").and_then(Value::as_str).unwrap_or("").to_string();
            s.reviews.push((id, state.into(), commit.clone(), text.clone()));
            for c in body.get("comments").and_then(Value::as_array).into_iter().flatten() {
                s.next_id += 1;
                s.review_comments.push((
                    s.next_id,
                    c.get("path").and_then(Value::as_str).unwrap_or("").into(),
                    c.get("line").and_then(Value::as_u64).unwrap_or(0),
                    c.get("body").and_then(Value::as_str).unwrap_or("").into(),
                ));
            }
            (
                200,
                json!({"id": id, "state": state, "commit_id": commit, "body": text, "user": user("portalint[bot]")}),
            )
        }
        ("GET", ["pulls", _, "comments"]) => (
            200,
            json!(s.review_comments.iter().map(|(id, p, l, b)| json!({"id": id, "path": p, "line": l, "body": b, "user": user("portalint[bot]")})).collect::<Vec<_>>()),
        ),
        ("PUT", ["pulls", _, "merge"]) => {
            if let Some(h) = s.head_on_merge.take() {
                s.head_sha = h;
            }
            let sha = body.get("sha").and_then(Value::as_str).unwrap_or("");
            if s.merged.is_some() {
                (405, json!({"message": "Pull Request is not mergeable"}))
            } else if sha != s.head_sha {
                (
                    409,
                    json!({"message": "Head branch was modified. Review and try the merge again."}),
                )
            } else {
                s.merged = Some(sha.to_string());
                (
                    200,
                    json!({"sha": sha, "merged": true, "message": "Pull Request successfully merged"}),
                )
            }
        }
        ("POST", ["pulls", _, "requested_reviewers"]) => {
            for u in body.get("reviewers").and_then(Value::as_array).into_iter().flatten() {
                s.requested_users.extend(u.as_str().map(String::from));
            }
            for t in body
                .get("team_reviewers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                s.requested_teams.extend(t.as_str().map(String::from));
            }
            (201, pr_json(s))
        }
        ("GET", ["issues", _, "comments"]) => (
            200,
            json!(s
                    .comments
                    .iter()
                    .map(|(id, b)| json!({"id": id, "body": b, "user": user("portalint[bot]")}))
                    .collect::<Vec<_>>()),
        ),
        ("POST", ["issues", _, "comments"]) => {
            let b = body.get("body").and_then(Value::as_str).unwrap_or("").to_string();
            s.comments.push((id, b.clone()));
            (201, json!({"id": id, "body": b, "user": user("portalint[bot]")}))
        }
        ("PATCH", ["issues", "comments", cid]) => {
            let b = body.get("body").and_then(Value::as_str).unwrap_or("").to_string();
            let cid: u64 = cid.parse().unwrap_or(0);
            match s.comments.iter_mut().find(|(i, _)| *i == cid) {
                Some(c) => {
                    c.1 = b.clone();
                    (200, json!({"id": cid, "body": b, "user": user("portalint[bot]")}))
                }
                None => (404, json!({"message": "Not Found"})),
            }
        }
        ("POST", ["issues", _, "labels"]) => {
            for l in body.get("labels").and_then(Value::as_array).into_iter().flatten() {
                if let Some(l) = l.as_str() {
                    if !s.labels.iter().any(|x| x == l) {
                        s.labels.push(l.to_string());
                    }
                }
            }
            (
                200,
                json!(s.labels.iter().map(|l| json!({"name": l, "id": 1})).collect::<Vec<_>>()),
            )
        }
        ("GET", ["commits", _, "check-runs"]) => (
            200,
            json!({
                "total_count": s.check_runs.len(),
                "check_runs": s.check_runs.iter().map(|(n, c)| json!({"name": n, "status": "completed", "conclusion": c, "head_sha": s.head_sha})).collect::<Vec<_>>(),
            }),
        ),
        ("GET", ["commits", sha, "status"]) => (
            200,
            json!({"state": "success", "sha": sha, "total_count": 0, "statuses": []}),
        ),
        _ => (404, json!({"message": "Not Found"})),
    }
}
