//! A stateful fake GitHub REST API on 127.0.0.1 for the bot's tests. Every request is checked
//! against GitHub's published description (`../shared/github-api/rest-subset.json`: the path
//! and method must exist, the JSON body must match the request schema) and every response it
//! returns is checked against the response schema of its status. Responses are built from
//! the schema itself (a minimal valid instance of every required field) with the fake's state
//! laid over it. Violations are collected, and each test asserts there are none.
//!
//! Beyond the schemas it applies GitHub's documented rules the description leaves out: a
//! line comment only on a head-side line of the file's diff (else 422), a merge whose `sha`
//! is not the head is 409, a PR that is not mergeable or a merge method the repository
//! does not allow is 405, a comment or review body over 65 536 characters is 422, a
//! reviewer who is not a collaborator (or the author) is 422; lists are paged as GitHub
//! pages them (`per_page` ≤ 100, default 30, `Link` header), query parameters must be
//! documented, and every request must carry `Accept`, `X-GitHub-Api-Version`,
//! `User-Agent` and the token. Faults (status, `Retry-After`, rate-limit headers, a slow
//! answer, a write carried out before its answer is lost) are scripted per request.
//! `GET /user` is not in the shared subset; its answer is checked against the subset's
//! `simple-user` schema (the user objects of a pull request).

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
        // An explicit null stays null where the schema allows it (`head.repo` of a PR whose
        // fork is gone); anything else null is completed.
        return if nullable(schema, root) {
            Value::Null
        } else {
            skeleton(schema, root, depth)
        };
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

/// Does `schema` admit null (`nullable: true`, or a null alternative)?
fn nullable(schema: &Value, root: &Value) -> bool {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .is_some_and(|t| nullable(t, root));
    }
    schema.get("nullable") == Some(&Value::Bool(true))
        || ["anyOf", "oneOf"].iter().any(|k| {
            schema.get(*k).and_then(Value::as_array).is_some_and(|a| {
                a.iter()
                    .any(|alt| alt.get("type").and_then(Value::as_str) == Some("null"))
            })
        })
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

/// GitHub's limit on a comment or review body, in characters.
pub const MAX_BODY: usize = 65_536;

/// A scripted failure: the next matching request gets `status` (with `Retry-After` and
/// `headers` if set); with `after_effect` the request is carried out first (a write that
/// happened but whose answer was lost); `delay_ms` holds the answer back (a timeout).
#[derive(Debug, Clone, Default)]
pub struct Fault {
    pub method: &'static str,
    pub path_suffix: &'static str,
    pub status: u16,
    pub retry_after: Option<u64>,
    pub message: &'static str,
    pub after_effect: bool,
    /// Extra response headers (`X-RateLimit-Remaining: 0`, …).
    pub headers: Vec<(String, String)>,
    /// Milliseconds to wait before answering.
    pub delay_ms: u64,
}

/// A comment, review or review comment (`line`/`path` for review comments only).
#[derive(Debug, Clone, Default)]
pub struct Item {
    pub id: u64,
    pub author: String,
    pub body: String,
    pub state: String,
    pub commit: String,
    pub path: String,
    pub line: u64,
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
    /// The head lives in another repository.
    pub fork: bool,
    /// The head repository was deleted (`head.repo: null`).
    pub head_repo_gone: bool,
    pub labels: Vec<String>,
    pub files: Vec<String>,
    /// `patch` of a file (unified hunks); a file without one takes no line comment.
    pub patches: HashMap<String, String>,
    /// Renamed files: new name → old name.
    pub renamed: HashMap<String, String>,
    /// The token's user (`GET /user`); empty: an installation token (`GET /user` is 403,
    /// and what it writes is by `github-actions[bot]`).
    pub login: String,
    pub comments: Vec<(u64, String)>,
    pub reviews: Vec<(u64, String, String, String)>, // id, state, commit, body
    pub review_comments: Vec<(u64, String, u64, String)>, // id, path, line, body
    /// Who wrote comment / review / review comment `id` (default: the token's user).
    pub authors: HashMap<u64, String>,
    pub requested_users: Vec<String>,
    pub requested_teams: Vec<String>,
    /// Users who may be requested as reviewers; `teams`: team slugs with access.
    pub collaborators: Vec<String>,
    pub teams: Vec<String>,
    /// Check runs: name, conclusion (`""`: still in progress).
    pub check_runs: Vec<(String, String)>,
    /// Commit statuses of the head: context, state.
    pub statuses: Vec<(String, String)>,
    pub merged: Option<String>,
    /// The PR cannot be merged (conflicts, branch protection): 405.
    pub not_mergeable: bool,
    /// Merge methods the repository allows (empty: all).
    pub merge_methods: Vec<String>,
    /// The head the PR has when a merge is asked for (a push after the evaluation).
    pub head_on_merge: Option<String>,
    /// A push while the bot runs: after the first request whose path ends with `.0`, the
    /// head becomes `.1`.
    pub push_after: Option<(String, String)>,
    pub faults: Vec<Fault>,
    pub requests: Vec<(String, String, Value)>,
    pub violations: Vec<String>,
    pub token: String,
    pub next_id: u64,
}

impl State {
    /// The login the token writes as.
    pub fn actor(&self) -> String {
        if self.login.is_empty() {
            "github-actions[bot]".into()
        } else {
            self.login.clone()
        }
    }

    fn author_of(&self, id: u64) -> String {
        self.authors.get(&id).cloned().unwrap_or_else(|| self.actor())
    }
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

    /// How many requests of `method` to a path ending with `suffix` were received.
    pub fn count(&self, method: &str, suffix: &str) -> usize {
        let s = self.state.lock().expect("lock");
        s.requests
            .iter()
            .filter(|(m, p, _)| m == method && p.ends_with(suffix))
            .count()
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
    let (status, extra, response, delay) = {
        let mut s = state.lock().expect("lock");
        let expected = format!("Bearer {}", s.token);
        if headers.get("authorization") != Some(&expected) {
            s.violations
                .push(format!("{method} {path}: missing or wrong Authorization header"));
        }
        if !headers
            .get("accept")
            .is_some_and(|a| a.contains("application/vnd.github+json"))
        {
            s.violations
                .push(format!("{method} {path}: no `Accept: application/vnd.github+json`"));
        }
        if headers.get("x-github-api-version").map(String::as_str) != Some("2022-11-28") {
            s.violations
                .push(format!("{method} {path}: no `X-GitHub-Api-Version: 2022-11-28`"));
        }
        if headers.get("user-agent").is_none_or(|u| u.is_empty()) {
            // GitHub refuses a request without a User-Agent.
            s.violations.push(format!("{method} {path}: no User-Agent"));
        }
        if !s.token.is_empty() && target.contains(&s.token) {
            s.violations.push(format!("{method} {path}: the token is in the URL"));
        }
        s.requests.push((method.clone(), path.clone(), body.clone()));
        let answer = handle(&mut s, &method, &path, &query, &body);
        if let Some((suffix, new_head)) = s.push_after.clone() {
            if path.ends_with(&suffix) {
                s.head_sha = new_head;
                s.push_after = None;
            }
        }
        answer
    };
    if delay > 0 {
        std::thread::sleep(std::time::Duration::from_millis(delay));
    }
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

/// The part of GitHub's description the shared subset lacks: `GET /user` (the bot's
/// identity), answered with the subset's own `simple-user` schema, or 403 for an
/// installation token.
fn extra_paths() -> &'static Value {
    static EXTRA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    EXTRA.get_or_init(|| {
        let user = spec()
            .pointer(
                "/paths/~1repos~1{owner}~1{repo}~1pulls~1{pull_number}/get/responses/200/content/application~1json/schema/properties/user",
            )
            .cloned()
            .expect("the subset's pull request has a user schema");
        let error = json!({"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}, "documentation_url": {"type": "string"}}});
        json!({"/user": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": user}}},
            "401": {"content": {"application/json": {"schema": error}}},
            "403": {"content": {"application/json": {"schema": error}}},
        }}}})
    })
}

/// The operation of the description that `method path` matches: (template, operation).
fn operation(method: &str, path: &str) -> Option<(String, Value)> {
    let paths = spec().get("paths")?.as_object()?;
    for (template, ops) in paths.iter().chain(extra_paths().as_object()?) {
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

/// Every query parameter must be one the operation documents, with a valid value.
fn check_query(s: &mut State, method: &str, template: &str, op: &Value, query: &str) {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let param = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|p| {
                p.get("in").and_then(Value::as_str) == Some("query")
                    && p.get("name").and_then(Value::as_str) == Some(name)
            });
        let Some(param) = param else {
            s.violations.push(format!(
                "{method} {template}: query parameter `{name}` is not documented"
            ));
            continue;
        };
        if name == "per_page" && value.parse::<u64>().is_ok_and(|n| n > 100) {
            // GitHub caps a page at 100 items: a client asking for more misses some.
            s.violations.push(format!(
                "{method} {template} ?per_page={value}: GitHub caps pages at 100"
            ));
        }
        let schema = param.get("schema").cloned().unwrap_or(json!({}));
        let instance = match schema.get("type").and_then(Value::as_str) {
            Some("integer") => value.parse::<i64>().map_or(Value::String(value.into()), Value::from),
            _ => Value::String(value.into()),
        };
        for e in validate(&format!("{method} {template} ?{name}"), &schema, &instance) {
            s.violations.push(format!("{method} {template} ?{name}: {e}"));
        }
    }
}

fn handle(s: &mut State, method: &str, path: &str, query: &str, body: &Value) -> (u16, String, Value, u64) {
    let Some((template, op)) = operation(method, path) else {
        s.violations
            .push(format!("{method} {path}: not in GitHub's REST description"));
        return (404, String::new(), json!({"message": "Not Found"}), 0);
    };
    check_query(s, method, &template, &op, query);
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
        (Some(f), routed) => {
            let mut extra = f
                .retry_after
                .map(|r| format!("Retry-After: {r}\r\n"))
                .unwrap_or_default();
            for (k, v) in &f.headers {
                extra.push_str(&format!("{k}: {v}\r\n"));
            }
            // A slow answer that is otherwise fine (the client gives up first).
            let (status, data) = match (f.status, routed) {
                (0, Some((st, d, _))) => (st, d),
                (st, _) => (st, json!({"message": f.message})),
            };
            let (st, ex, resp) = respond(s, &op, &template, method, status, data, extra, f.status == 0);
            (st, ex, resp, f.delay_ms)
        }
        (None, Some((status, data, link))) => {
            let (st, ex, resp) = respond(s, &op, &template, method, status, data, link, true);
            (st, ex, resp, 0)
        }
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
    json!({"login": login, "id": 1, "type": if login.ends_with("[bot]") { "Bot" } else { "User" }})
}

fn pr_json(s: &State) -> Value {
    let repo = json!({"full_name": format!("{}/{}", s.owner, s.repo), "name": s.repo, "owner": user(&s.owner)});
    let head_repo = if s.head_repo_gone {
        Value::Null
    } else if s.fork {
        json!({"full_name": format!("someone/{}", s.repo), "name": s.repo, "owner": user("someone")})
    } else {
        repo.clone()
    };
    json!({
        "number": s.number,
        "state": if s.merged.is_some() { "closed" } else { "open" },
        "draft": s.draft,
        "merged": s.merged.is_some(),
        "mergeable": !s.not_mergeable,
        "user": user(&s.author),
        "labels": s.labels.iter().map(|l| json!({"name": l, "id": 1})).collect::<Vec<_>>(),
        "head": {"sha": s.head_sha, "ref": s.head_ref, "label": "x", "repo": head_repo, "user": user(&s.author)},
        "base": {"sha": s.base_sha, "ref": "main", "label": "x", "repo": repo, "user": user(&s.owner)},
    })
}

/// `items` cut to the page `query` asks for (`per_page` default 30, at most 100), and the
/// `Link` header GitHub sends with it.
fn page(items: Vec<Value>, query: &str, path: &str) -> (Vec<Value>, String) {
    let get = |k: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.parse::<usize>().ok())
    };
    let per = get("per_page").unwrap_or(30).clamp(1, 100);
    let n = get("page").unwrap_or(1).max(1);
    let last = items.len().div_ceil(per).max(1);
    let chunk: Vec<Value> = items.into_iter().skip((n - 1) * per).take(per).collect();
    let link = if n < last {
        format!(
            "Link: <https://api.github.example{path}?per_page={per}&page={}>; rel=\"next\", <https://api.github.example{path}?per_page={per}&page={last}>; rel=\"last\"\r\n",
            n + 1
        )
    } else {
        String::new()
    };
    (chunk, link)
}

/// GitHub's 422 for a body over the limit.
fn too_long(body: &str) -> bool {
    body.chars().count() > MAX_BODY
}

fn unprocessable(message: &str) -> (u16, Value, String) {
    (
        422,
        json!({"message": message, "documentation_url": "https://docs.github.com/rest"}),
        String::new(),
    )
}

/// The head-side lines of `path`'s diff.
fn in_diff(s: &State, path: &str, line: u64) -> bool {
    s.patches.get(path).is_some_and(|patch| {
        patch.lines().any(|l| {
            let Some(plus) = l
                .strip_prefix("@@ ")
                .and_then(|r| r.split(' ').nth(1))
                .and_then(|p| p.strip_prefix('+'))
            else {
                return false;
            };
            let (start, len) = match plus.split_once(',') {
                Some((a, b)) => (a.parse::<u64>().unwrap_or(0), b.parse::<u64>().unwrap_or(0)),
                None => (plus.parse::<u64>().unwrap_or(0), 1),
            };
            len > 0 && (start..start + len).contains(&line)
        })
    })
}

fn route(s: &mut State, method: &str, path: &str, query: &str, body: &Value) -> (u16, Value, String) {
    let tail = path.splitn(5, '/').nth(4).unwrap_or("").to_string(); // after /repos/o/r/
    let seg: Vec<&str> = tail.split('/').collect();
    s.next_id += 1;
    let id = s.next_id;
    let actor = s.actor();
    let list = |items: Vec<Value>| {
        let (chunk, link) = page(items, query, path);
        (200, Value::Array(chunk), link)
    };
    if path == "/user" {
        return if s.login.is_empty() {
            (
                403,
                json!({"message": "Resource not accessible by integration"}),
                String::new(),
            )
        } else {
            (200, user(&s.login), String::new())
        };
    }
    match (method, seg.as_slice()) {
        ("GET", ["pulls", _]) => (200, pr_json(s), String::new()),
        ("GET", ["pulls", _, "files"]) => list(
            s.files
                .iter()
                .map(|f| {
                    let mut v = json!({"filename": f, "status": if s.renamed.contains_key(f) { "renamed" } else { "added" }});
                    if let Some(p) = s.patches.get(f) {
                        v["patch"] = json!(p);
                    }
                    if let Some(old) = s.renamed.get(f) {
                        v["previous_filename"] = json!(old);
                    }
                    v
                })
                .collect(),
        ),
        ("GET", ["pulls", _, "reviews"]) => list(
            s.reviews
                .iter()
                .map(|(id, st, c, b)| json!({"id": id, "state": st, "commit_id": c, "body": b, "user": user(&s.author_of(*id))}))
                .collect(),
        ),
        ("POST", ["pulls", _, "reviews"]) => {
            let state = match body.get("event").and_then(Value::as_str) {
                Some("APPROVE") => "APPROVED",
                Some("REQUEST_CHANGES") => "CHANGES_REQUESTED",
                _ => "COMMENTED",
            };
            let commit = body.get("commit_id").and_then(Value::as_str).unwrap_or("").to_string();
            let text = body.get("body").and_then(Value::as_str).unwrap_or("").to_string();
            let comments: Vec<&Value> = body.get("comments").and_then(Value::as_array).into_iter().flatten().collect();
            if too_long(&text)
                || comments
                    .iter()
                    .any(|c| too_long(c.get("body").and_then(Value::as_str).unwrap_or("")))
            {
                return unprocessable("Validation Failed: body is too long (maximum is 65536 characters)");
            }
            for c in &comments {
                let p = c.get("path").and_then(Value::as_str).unwrap_or("");
                let l = c.get("line").and_then(Value::as_u64).unwrap_or(0);
                if c.get("side").and_then(Value::as_str).unwrap_or("RIGHT") != "RIGHT" || !in_diff(s, p, l) {
                    // The whole review is refused, as GitHub does.
                    return unprocessable("Unprocessable Entity: \"Line could not be resolved\" (pull_request_review_thread.line must be part of the diff)");
                }
            }
            s.reviews.push((id, state.into(), commit.clone(), text.clone()));
            for c in comments {
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
                json!({"id": id, "state": state, "commit_id": commit, "body": text, "user": user(&actor)}),
                String::new(),
            )
        }
        ("GET", ["pulls", _, "comments"]) => list(
            s.review_comments
                .iter()
                .map(|(id, p, l, b)| json!({"id": id, "path": p, "line": l, "body": b, "user": user(&s.author_of(*id))}))
                .collect(),
        ),
        ("PUT", ["pulls", _, "merge"]) => {
            if let Some(h) = s.head_on_merge.take() {
                s.head_sha = h;
            }
            let sha = body.get("sha").and_then(Value::as_str).unwrap_or("");
            let method = body.get("merge_method").and_then(Value::as_str).unwrap_or("merge");
            let word = match method {
                "squash" => "Squash merges",
                "rebase" => "Rebase merges",
                _ => "Merge commits",
            };
            if s.merged.is_some() || s.not_mergeable {
                (405, json!({"message": "Pull Request is not mergeable"}), String::new())
            } else if !s.merge_methods.is_empty() && !s.merge_methods.iter().any(|m| m == method) {
                (405, json!({"message": format!("{word} are not allowed on this repository.")}), String::new())
            } else if !sha.is_empty() && sha != s.head_sha {
                (
                    409,
                    json!({"message": "Head branch was modified. Review and try the merge again."}),
                    String::new(),
                )
            } else {
                s.merged = Some(s.head_sha.clone());
                (
                    200,
                    json!({"sha": s.head_sha, "merged": true, "message": "Pull Request successfully merged"}),
                    String::new(),
                )
            }
        }
        ("GET", ["pulls", _, "requested_reviewers"]) => (
            200,
            json!({
                "users": s.requested_users.iter().map(|u| user(u)).collect::<Vec<_>>(),
                "teams": s.requested_teams.iter().map(|t| json!({"slug": t, "name": t, "id": 1})).collect::<Vec<_>>(),
            }),
            String::new(),
        ),
        ("POST", ["pulls", _, "requested_reviewers"]) => {
            let users: Vec<String> = body
                .get("reviewers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|u| u.as_str().map(String::from))
                .collect();
            let teams: Vec<String> = body
                .get("team_reviewers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(String::from))
                .collect();
            if users.contains(&s.author) {
                return unprocessable("Review cannot be requested from pull request author.");
            }
            if users.iter().any(|u| !s.collaborators.contains(u)) || teams.iter().any(|t| !s.teams.contains(t)) {
                return unprocessable(&format!(
                    "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the {}/{} repository.",
                    s.owner, s.repo
                ));
            }
            for u in users {
                if !s.requested_users.contains(&u) {
                    s.requested_users.push(u);
                }
            }
            for t in teams {
                if !s.requested_teams.contains(&t) {
                    s.requested_teams.push(t);
                }
            }
            (201, pr_json(s), String::new())
        }
        ("GET", ["issues", _, "comments"]) => list(
            s.comments
                .iter()
                .map(|(id, b)| json!({"id": id, "body": b, "user": user(&s.author_of(*id))}))
                .collect(),
        ),
        ("POST", ["issues", _, "comments"]) => {
            let b = body.get("body").and_then(Value::as_str).unwrap_or("").to_string();
            if too_long(&b) {
                return unprocessable("Validation Failed: body is too long (maximum is 65536 characters)");
            }
            s.comments.push((id, b.clone()));
            (201, json!({"id": id, "body": b, "user": user(&actor)}), String::new())
        }
        ("PATCH", ["issues", "comments", cid]) => {
            let b = body.get("body").and_then(Value::as_str).unwrap_or("").to_string();
            let cid: u64 = cid.parse().unwrap_or(0);
            if too_long(&b) {
                return unprocessable("Validation Failed: body is too long (maximum is 65536 characters)");
            }
            if s.author_of(cid) != actor {
                // Another user's comment: the token may not edit it (a bot never should).
                s.violations.push(format!("PATCH of comment {cid}, written by {}", s.author_of(cid)));
            }
            match s.comments.iter_mut().find(|(i, _)| *i == cid) {
                Some(c) => {
                    c.1 = b.clone();
                    (200, json!({"id": cid, "body": b, "user": user(&actor)}), String::new())
                }
                None => unprocessable("Not Found"),
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
                String::new(),
            )
        }
        ("DELETE", ["issues", _, "labels", name]) => {
            let name = percent_decode(name);
            match s.labels.iter().position(|l| *l == name) {
                Some(i) => {
                    s.labels.remove(i);
                    (
                        200,
                        json!(s.labels.iter().map(|l| json!({"name": l, "id": 1})).collect::<Vec<_>>()),
                        String::new(),
                    )
                }
                None => (404, json!({"message": "Label does not exist"}), String::new()),
            }
        }
        ("GET", ["commits", _, "check-runs"]) => {
            let runs: Vec<Value> = s
                .check_runs
                .iter()
                .map(|(n, c)| {
                    if c.is_empty() {
                        json!({"name": n, "status": "in_progress", "conclusion": null, "head_sha": s.head_sha})
                    } else {
                        json!({"name": n, "status": "completed", "conclusion": c, "head_sha": s.head_sha})
                    }
                })
                .collect();
            let total = runs.len();
            let (chunk, link) = page(runs, query, path);
            (200, json!({"total_count": total, "check_runs": chunk}), link)
        }
        ("GET", ["commits", sha, "status"]) => {
            let statuses: Vec<Value> = s
                .statuses
                .iter()
                .map(|(c, st)| json!({"context": c, "state": st}))
                .collect();
            let total = statuses.len();
            let overall = if s.statuses.iter().all(|(_, st)| st == "success") {
                "success"
            } else if s.statuses.iter().any(|(_, st)| st == "failure" || st == "error") {
                "failure"
            } else {
                "pending"
            };
            let (chunk, link) = page(statuses, query, path);
            (
                200,
                json!({"state": overall, "sha": sha, "total_count": total, "statuses": chunk}),
                link,
            )
        }
        _ => (404, json!({"message": "Not Found"}), String::new()),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
