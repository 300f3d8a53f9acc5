//! A small blocking GitHub REST client (ureq): the endpoints the PR bot uses, with retries
//! that never repeat a write GitHub may have carried out, and a log of every call for the
//! audit record. The token is sent in a header and never written anywhere else: every text
//! that comes back (GitHub's `message`, a transport error) is redacted before it is kept, and
//! the token travels only over https (plain http only to loopback, for tests).

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

impl Client {
    /// A client for `api` (`https://api.github.com`), authenticated with `token` if any.
    pub fn new(api: &str, token: Option<String>) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .user_agent(concat!("portalint/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            api: api.trim_end_matches('/').to_string(),
            token,
            calls: Vec::new(),
            max_attempts: 5,
            backoff: Duration::from_millis(500),
        }
    }

    /// Sends one request. Reads (GET) are retried on 5xx, 429 and secondary rate limits;
    /// writes only on rate limits (GitHub did not carry them out) — a 5xx on a write is
    /// [`ApiError::Uncertain`], for the caller to resolve by reading the state again.
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
                    if is_write(method) {
                        return Err(ApiError::Uncertain(message));
                    }
                    if attempt < self.max_attempts {
                        std::thread::sleep(self.backoff * 2u32.pow(attempt - 1));
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
                .map(|s| Duration::from_secs(s.min(120)));
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
            // A secondary rate limit (403/429 with Retry-After or that message) was refused,
            // not carried out: waiting and sending it again is safe for any method.
            let rate_limited =
                status == 429 || (status == 403 && (retry_after.is_some() || message.contains("rate limit")));
            let server_error = status >= 500;
            if attempt < self.max_attempts && (rate_limited || (server_error && !is_write(method))) {
                std::thread::sleep(retry_after.unwrap_or(self.backoff * 2u32.pow(attempt - 1)));
                continue;
            }
            if server_error && is_write(method) {
                return Err(ApiError::Uncertain(format!("{status}: {message}")));
            }
            return Err(ApiError::Status { status, message });
        }
    }

    /// GET with `?per_page=100&page=N` until a short page: every item of a list endpoint.
    pub fn get_all(&mut self, path: &str) -> Result<Vec<Value>, ApiError> {
        let mut out = Vec::new();
        for page in 1..=50 {
            let sep = if path.contains('?') { '&' } else { '?' };
            let v = self.request("GET", &format!("{path}{sep}per_page=100&page={page}"), None)?;
            let items = match v {
                Value::Array(a) => a,
                // check-runs wraps its list
                Value::Object(mut o) => match o.remove("check_runs") {
                    Some(Value::Array(a)) => a,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let n = items.len();
            out.extend(items);
            if n < 100 {
                break;
            }
        }
        Ok(out)
    }
}
