//! A small blocking GitHub REST client (ureq): the endpoints the PR bot uses, with retries
//! that never repeat a write GitHub may have carried out, and a log of every call for the
//! audit record. The token is sent in a header and never written anywhere else: every text
//! that comes back (GitHub's `message`, a transport error) is redacted before it is kept, and
//! the token travels only over https (plain http only to loopback, for tests).

use crate::parse::text::code;
use serde_json::Value;
use std::time::Duration;

/// One API call, for the audit record.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Call {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path (no host, no token).
    pub path: String,
    /// The HTTP status (0: no response).
    pub status: u16,
    /// Which attempt this was (1-based).
    pub attempt: u32,
}

/// What went wrong with a call.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// GitHub answered with an error status.
    Status {
        /// The status.
        status: u16,
        /// GitHub's `message`.
        message: String,
    },
    /// A write got no clear answer (a 5xx or a broken connection): it may have happened.
    Uncertain(String),
    /// No answer at all, or an unreadable one.
    Transport(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Status { status, message } => write!(f, "GitHub answered {status}: {message}"),
            ApiError::Uncertain(m) => write!(f, "the outcome of a write is unknown: {m}"),
            ApiError::Transport(m) => write!(f, "cannot reach GitHub: {m}"),
        }
    }
}

/// The client.
pub struct Client {
    agent: ureq::Agent,
    api: String,
    token: Option<String>,
    /// Every call made, in order.
    pub calls: Vec<Call>,
    /// Attempts per call for retryable answers.
    pub max_attempts: u32,
    /// First back-off for 5xx answers (doubled each time); `Retry-After` wins when given.
    pub backoff: Duration,
    /// The longest single wait (a `Retry-After` or a primary rate-limit reset further away
    /// stops the run with a message instead).
    pub max_wait: Duration,
    /// All waits of the run together may not exceed this.
    pub wait_budget: Duration,
    /// Time spent waiting so far.
    pub waited: Duration,
}

/// Checks that `api` may carry a token: `https://`, or `http://` to a loopback host only.
pub fn check_api_url(api: &str) -> Result<(), String> {
    if api.starts_with("https://") {
        return Ok(());
    }
    let Some(rest) = api.strip_prefix("http://") else {
        return Err("the API URL must start with https://".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("the API URL must not carry credentials".into());
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(())
    } else {
        Err("a plain http:// API URL would send the token in clear text; use https:// (http:// is allowed only to loopback)".into())
    }
}

/// `text` with `token` and anything shaped like a credential (GitHub token prefixes, JWTs,
/// `Authorization` values) replaced by `***`: for text GitHub or the transport sends back,
/// which can echo request headers.
pub fn redact(text: &str, token: Option<&str>) -> String {
    static SHAPES: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let shapes = SHAPES.get_or_init(|| {
        regex::Regex::new(concat!(
            r"(?i)\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{16,}",
            r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*",
            r"|v1\.[0-9a-f]{40})",
            r"|(?:authorization|bearer|token|basic)[\x22']?\s*[:=]?\s*[\x22']?(?:bearer\s+|token\s+|basic\s+)?[A-Za-z0-9._~+/=-]{8,}"
        ))
        .expect("credential pattern compiles")
    });
    let mut out = match token.filter(|t| t.len() >= 4) {
        Some(t) => text.replace(t, "***"),
        None => text.to_string(),
    };
    if shapes.is_match(&out) {
        out = shapes.replace_all(&out, "***").into_owned();
    }
    out
}

fn is_write(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH" | "DELETE")
}

/// Writes that may be sent again after an unclear answer: the second one leaves the same
/// state (a PATCH sets fields, a DELETE removes, a PUT of labels replaces). A POST creates,
/// and the merge PUT is resolved by reading the PR.
fn is_idempotent(method: &str, path: &str) -> bool {
    match method {
        "GET" | "PATCH" | "DELETE" => true,
        "PUT" => !path.ends_with("/merge"),
        _ => false,
    }
}

/// Seconds since the Unix epoch, now.
fn now_epoch() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Client {
    /// A client for `api` (`https://api.github.com`), authenticated with `token` if any.
    pub fn new(api: &str, token: Option<String>) -> Client {
        Client::with_timeout(api, token, Duration::from_secs(60))
    }

    /// As [`Client::new`], with `timeout` for each request (connect to last byte).
    pub fn with_timeout(api: &str, token: Option<String>, timeout: Duration) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("portalint/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            api: api.trim_end_matches('/').to_string(),
            token,
            calls: Vec::new(),
            max_attempts: 5,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(120),
            wait_budget: Duration::from_secs(300),
            waited: Duration::ZERO,
        }
    }

    /// Sleeps `d` if it fits the single-wait bound and the run's budget; else says why not.
    fn wait(&mut self, d: Duration, why: &str) -> Result<(), ApiError> {
        if d > self.max_wait || self.waited + d > self.wait_budget {
            return Err(ApiError::Transport(format!(
                "{why}: waiting {}s more would pass the bound ({}s per wait, {}s per run; {}s waited); re-run the job later",
                d.as_secs(),
                self.max_wait.as_secs(),
                self.wait_budget.as_secs(),
                self.waited.as_secs()
            )));
        }
        self.waited += d;
        std::thread::sleep(d);
        Ok(())
    }

    /// Sends one request. Reads (GET) and idempotent writes (PATCH, DELETE, PUT of labels)
    /// are retried on 5xx, broken connections, 429 and rate limits; other writes only on rate
    /// limits (GitHub did not carry them out) — a 5xx or a lost answer on a POST or a merge is
    /// [`ApiError::Uncertain`], for the caller to resolve by reading the state again. A
    /// primary rate limit (`X-RateLimit-Remaining: 0`) waits for `X-RateLimit-Reset` when
    /// it is within [`Client::max_wait`], and stops with a message when it is not; every
    /// wait counts against [`Client::wait_budget`].
    pub fn request(&mut self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, ApiError> {
        let url = format!("{}{path}", self.api);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut headers = vec![
                ("Accept", "application/vnd.github+json".to_string()),
                ("X-GitHub-Api-Version", "2022-11-28".to_string()),
            ];
            if let Some(t) = &self.token {
                headers.push(("Authorization", format!("Bearer {t}")));
            }
            let result = match (method, body) {
                ("GET", _) => headers
                    .iter()
                    .fold(self.agent.get(&url), |r, (k, v)| r.header(*k, v))
                    .call(),
                ("DELETE", _) => headers
                    .iter()
                    .fold(self.agent.delete(&url), |r, (k, v)| r.header(*k, v))
                    .call(),
                (m, b) => {
                    let builder = match m {
                        "POST" => self.agent.post(&url),
                        "PUT" => self.agent.put(&url),
                        _ => self.agent.patch(&url),
                    };
                    let builder = headers.iter().fold(builder, |r, (k, v)| r.header(*k, v));
                    match b {
                        Some(v) => builder.send_json(v),
                        None => builder.send_empty(),
                    }
                }
            };
            let mut response = match result {
                Ok(r) => r,
                Err(e) => {
                    self.calls.push(Call {
                        method: method.into(),
                        path: path.into(),
                        status: 0,
                        attempt,
                    });
                    let message = redact(&e.to_string(), self.token.as_deref());
                    if is_write(method) && !is_idempotent(method, path) {
                        return Err(ApiError::Uncertain(message));
                    }
                    if attempt < self.max_attempts {
                        self.wait(self.backoff * 2u32.pow(attempt - 1), "GitHub did not answer")?;
                        continue;
                    }
                    return Err(ApiError::Transport(message));
                }
            };
            let status = response.status().as_u16();
            self.calls.push(Call {
                method: method.into(),
                path: path.into(),
                status,
                attempt,
            });
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
            };
            let primary_reset = (header("x-ratelimit-remaining") == Some(0))
                .then(|| header("x-ratelimit-reset"))
                .flatten();
            let text = response.body_mut().read_to_string().unwrap_or_default();
            let json: Value = if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or(Value::String(text.clone()))
            };
            if (200..300).contains(&status) {
                return Ok(json);
            }
            let message = json.get("message").and_then(Value::as_str).unwrap_or(&text);
            let message = redact(message, self.token.as_deref())
                .chars()
                .take(300)
                .collect::<String>();
            // A rate-limited request (403/429) was refused, not carried out: waiting and
            // sending it again is safe for any method.
            if let (403 | 429, Some(reset)) = (status, primary_reset) {
                let wait = Duration::from_secs(reset.saturating_sub(now_epoch()) + 1);
                if attempt < self.max_attempts {
                    self.wait(
                        wait,
                        &format!("GitHub's primary rate limit for this token is used up until {reset} (Unix time)"),
                    )?;
                    continue;
                }
            }
            let rate_limited =
                status == 429 || (status == 403 && (retry_after.is_some() || message.contains("rate limit")));
            let server_error = status >= 500;
            let retry_5xx = server_error && (!is_write(method) || is_idempotent(method, path));
            if attempt < self.max_attempts && (rate_limited || retry_5xx) {
                let d = retry_after.unwrap_or(self.backoff * 2u32.pow(attempt - 1));
                let why = if rate_limited {
                    "GitHub's secondary rate limit asks to wait (Retry-After)"
                } else {
                    "GitHub answered with a server error"
                };
                self.wait(d, why)?;
                continue;
            }
            if server_error && is_write(method) && !is_idempotent(method, path) {
                return Err(ApiError::Uncertain(format!("{status}: {message}")));
            }
            return Err(ApiError::Status { status, message });
        }
    }

    /// GET with `?per_page=100&page=N` until a short page: every item of a list endpoint
    /// (the check-runs list and the combined status wrap theirs in `check_runs` and
    /// `statuses`). A list longer than 50 pages is an error, never a silent cut.
    pub fn get_all(&mut self, path: &str) -> Result<Vec<Value>, ApiError> {
        const PAGES: u32 = 50;
        let mut out = Vec::new();
        for page in 1..=PAGES {
            let sep = if path.contains('?') { '&' } else { '?' };
            let v = self.request("GET", &format!("{path}{sep}per_page=100&page={page}"), None)?;
            let items = match v {
                Value::Array(a) => a,
                Value::Object(mut o) => match o.remove("check_runs").or_else(|| o.remove("statuses")) {
                    Some(Value::Array(a)) => a,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let n = items.len();
            out.extend(items);
            if n < 100 {
                return Ok(out);
            }
        }
        Err(ApiError::Transport(format!(
            "{code0} lists more than {} items; portalint does not act on a partial list",
            PAGES * 100,
            code0 = code(&path)
        )))
    }
}
