//! URLs as the Kubernetes CEL library reads them: Go's `net/url` (`url.ParseRequestURI` to
//! accept a string, `url.Parse` for its parts), not the WHATWG parsing browsers do. The two
//! disagree on what the API server sees: `url('/path').getHost()` is `''` (an absolute path
//! has no host), `url('https://example.com').getEscapedPath()` is `''` (no path is added),
//! `https:://kubernetes.io/` is a URL with an opaque part, `https://a:b:c/` is not a URL.
//!
//! Written from the behaviour `net/url` documents and its tests show; the error texts are
//! Go's (`parse "x": invalid URI for request`), since rules and `messageExpression`s can
//! show them.

use kube_cel::cel::extractors::This;
use kube_cel::cel::objects::{Key, Map, Opaque};
use kube_cel::cel::{Context, ExecutionError, FunctionContext, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// A parsed URL: the fields of Go's `url.URL` that CEL reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Url {
    pub scheme: String,
    pub opaque: String,
    /// User name and password, when the authority has a `user@`.
    pub user: Option<(String, Option<String>)>,
    /// Host, with its `:port` (unescaped).
    pub host: String,
    /// Path, unescaped.
    pub path: String,
    /// The path as written, when escaping `path` does not give it back.
    pub raw_path: String,
    pub raw_query: String,
    pub fragment: String,
}

impl Opaque for Url {
    fn runtime_type_name(&self) -> &str {
        "kubernetes.URL"
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    QueryComponent,
    Fragment,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::QueryComponent => return true,
            Mode::Fragment => return false,
            Mode::Host | Mode::Zone => {}
        },
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Go's `strconv.Quote`, as `%q` writes a string in an error.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let (Some(h), Some(l)) = (b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex))
                else {
                    let end = (i + 3).min(b.len());
                    let bad = String::from_utf8_lossy(&b[i..end]).into_owned();
                    return Err(format!("invalid URL escape {}", go_quote(&bad)));
                };
                let v = h << 4 | l;
                let text = &s[i..i + 3];
                if mode == Mode::Host && h < 8 && text != "%25" {
                    return Err(format!("invalid URL escape {}", go_quote(text)));
                }
                if mode == Mode::Zone && text != "%25" && v != b' ' && should_escape(v, Mode::Host) {
                    return Err(format!("invalid URL escape {}", go_quote(text)));
                }
                out.push(v);
                i += 3;
            }
            b'+' if mode == Mode::QueryComponent => {
                out.push(b' ');
                i += 1;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        go_quote(&(c as char).to_string())
                    ));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            if c == b' ' && mode == Mode::QueryComponent {
                out.push('+');
            } else {
                out.push_str(&format!("%{c:02X}"));
            }
        } else {
            out.push(c as char);
        }
    }
    out
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
    }
}

fn valid_userinfo(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    })
}

fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".to_string());
        };
        let colon_port = &host[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
        if let Some(zone) = host[..i].find("%25") {
            let a = unescape(&host[..zone], Mode::Host)?;
            let b = unescape(&host[zone..i], Mode::Zone)?;
            let c = unescape(&host[i..], Mode::Host)?;
            return Ok(a + &b + &c);
        }
    } else if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    }
    unescape(host, Mode::Host)
}

type Authority = (Option<(String, Option<String>)>, String);

fn parse_authority(authority: &str) -> Result<Authority, String> {
    let at = authority.rfind('@');
    let host = parse_host(match at {
        Some(i) => &authority[i + 1..],
        None => authority,
    })?;
    let Some(i) = at else {
        return Ok((None, host));
    };
    let userinfo = &authority[..i];
    if !valid_userinfo(userinfo) {
        return Err("net/url: invalid userinfo".to_string());
    }
    let user = match userinfo.split_once(':') {
        None => (unescape(userinfo, Mode::UserPassword)?, None),
        Some((name, password)) => (
            unescape(name, Mode::UserPassword)?,
            Some(unescape(password, Mode::UserPassword)?),
        ),
    };
    Ok((Some(user), host))
}

fn scheme_of(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".to_string()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

fn parse_inner(raw: &str, via_request: bool) -> Result<Url, String> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_string());
    }
    if raw.is_empty() && via_request {
        return Err("empty url".to_string());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".to_string();
        return Ok(url);
    }
    let (scheme, rest) = scheme_of(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest.to_string();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        rest.pop();
    } else if let Some((r, q)) = rest.split_once('?') {
        url.raw_query = q.to_string();
        rest = r.to_string();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest;
            return Ok(url);
        }
        if via_request {
            return Err("invalid URI for request".to_string());
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_string());
        }
    }
    if (!url.scheme.is_empty() || !via_request && !rest.starts_with("///")) && rest.starts_with("//") {
        let (authority, path) = match rest[2..].find('/') {
            Some(i) => (rest[2..2 + i].to_string(), rest[2 + i..].to_string()),
            None => (rest[2..].to_string(), String::new()),
        };
        let (user, host) = parse_authority(&authority)?;
        url.user = user;
        url.host = host;
        rest = path;
    }
    url.path = unescape(&rest, Mode::Path)?;
    if escape(&url.path, Mode::Path) != rest {
        url.raw_path = rest;
    }
    Ok(url)
}

/// Go's `url.ParseRequestURI`: an absolute URI or an absolute path, no fragment split.
pub fn parse_request_uri(raw: &str) -> Result<Url, String> {
    parse_inner(raw, true).map_err(|e| format!("parse {}: {e}", go_quote(raw)))
}

/// Go's `url.Parse`: the fragment split off first, relative references allowed.
pub fn parse(raw: &str) -> Result<Url, String> {
    let (u, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let mut url = parse_inner(u, false).map_err(|e| format!("parse {}: {e}", go_quote(u)))?;
    url.fragment = unescape(fragment, Mode::Fragment).map_err(|e| format!("parse {}: {e}", go_quote(raw)))?;
    Ok(url)
}

impl Url {
    /// `Hostname()`: the host without port or IPv6 brackets.
    pub fn hostname(&self) -> &str {
        split_host_port(&self.host).0
    }

    /// `Port()`: the port digits, or empty.
    pub fn port(&self) -> &str {
        split_host_port(&self.host).1
    }

    /// `EscapedPath()`: the path as written when that is a valid encoding of it, else the
    /// path escaped.
    pub fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty()
            && valid_encoded(&self.raw_path)
            && unescape(&self.raw_path, Mode::Path).is_ok_and(|p| p == self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == "*" {
            return "*".to_string();
        }
        escape(&self.path, Mode::Path)
    }

    /// `Query()`: the query's values by key, in order; pairs that do not decode (or hold a
    /// `;`) are left out, as Go does.
    pub fn query(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for pair in self.raw_query.split('&') {
            if pair.is_empty() || pair.contains(';') {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (Ok(k), Ok(v)) = (unescape(k, Mode::QueryComponent), unescape(v, Mode::QueryComponent)) else {
                continue;
            };
            match out.iter_mut().find(|(key, _)| *key == k) {
                Some((_, values)) => values.push(v),
                None => out.push((k, vec![v])),
            }
        }
        out
    }
}

fn split_host_port(host_port: &str) -> (&str, &str) {
    let (mut host, mut port) = (host_port, "");
    if let Some(colon) = host_port.rfind(':') {
        if valid_optional_port(&host_port[colon..]) {
            host = &host_port[..colon];
            port = &host_port[colon + 1..];
        }
    }
    if host.len() >= 2 && host.starts_with('[') && host.ends_with(']') {
        host = &host[1..host.len() - 1];
    }
    (host, port)
}

fn valid_encoded(s: &str) -> bool {
    s.bytes().all(|c| {
        matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'['
                | b']'
                | b'%'
        ) || !should_escape(c, Mode::Path)
    })
}

fn string_arg(ftx: &FunctionContext) -> Result<Arc<String>, ExecutionError> {
    let v = match &ftx.this {
        Some(v) => v.clone(),
        None => match ftx.args.first() {
            Some(a) => Value::resolve(a, ftx.ptx)?,
            None => return Err(ftx.error("missing argument")),
        },
    };
    match v {
        Value::String(s) => Ok(s),
        other => Err(ftx.error(format!(
            "no matching overload for '{}' applied to '{}'",
            ftx.name,
            crate::schema::celfns::type_name(&other)
        ))),
    }
}

fn url_of(ftx: &FunctionContext, v: &Value) -> Result<Url, ExecutionError> {
    match v {
        Value::Opaque(o) => o.downcast_ref::<Url>().cloned(),
        _ => None,
    }
    .ok_or_else(|| {
        ftx.error(format!(
            "no matching overload for '{}' applied to '{}'",
            ftx.name,
            crate::schema::celfns::type_name(v)
        ))
    })
}

fn to_url(ftx: &FunctionContext) -> Result<Value, ExecutionError> {
    let s = string_arg(ftx)?;
    let parsed = parse_request_uri(&s).and_then(|_| parse(&s));
    match parsed {
        Ok(u) => Ok(Value::Opaque(Arc::new(u))),
        Err(e) => Err(ftx.error(format!("URL parse error during conversion from string: {e}"))),
    }
}

fn is_url(ftx: &FunctionContext) -> Result<Value, ExecutionError> {
    Ok(Value::Bool(parse_request_uri(&string_arg(ftx)?).is_ok()))
}

fn text(s: impl Into<String>) -> Value {
    Value::String(Arc::new(s.into()))
}

/// Registers `url`, `isURL` and the `get…` accessors, replacing kube-cel's.
pub fn register(ctx: &mut Context<'_>) {
    ctx.add_function("url", to_url);
    ctx.add_function("isURL", is_url);
    ctx.add_function("getScheme", |ftx: &FunctionContext, This(u): This<Value>| {
        Ok::<_, ExecutionError>(text(url_of(ftx, &u)?.scheme))
    });
    ctx.add_function("getHost", |ftx: &FunctionContext, This(u): This<Value>| {
        Ok::<_, ExecutionError>(text(url_of(ftx, &u)?.host))
    });
    ctx.add_function("getHostname", |ftx: &FunctionContext, This(u): This<Value>| {
        Ok::<_, ExecutionError>(text(url_of(ftx, &u)?.hostname()))
    });
    ctx.add_function("getPort", |ftx: &FunctionContext, This(u): This<Value>| {
        Ok::<_, ExecutionError>(text(url_of(ftx, &u)?.port()))
    });
    ctx.add_function("getEscapedPath", |ftx: &FunctionContext, This(u): This<Value>| {
        Ok::<_, ExecutionError>(text(url_of(ftx, &u)?.escaped_path()))
    });
    ctx.add_function("getQuery", |ftx: &FunctionContext, This(u): This<Value>| {
        let mut map = HashMap::new();
        for (k, values) in url_of(ftx, &u)?.query() {
            map.insert(
                Key::String(Arc::new(k)),
                Value::List(Arc::new(values.into_iter().map(text).collect())),
            );
        }
        Ok::<_, ExecutionError>(Value::Map(Map { map: Arc::new(map) }))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases from the behaviour of Go's `net/url` (its documented examples and the
    /// Kubernetes URL library's tests).
    #[test]
    fn urls_parse_as_go_does() {
        let u = parse("https://user:pass@example.com:80/path?query=val#fragment").expect("url");
        assert_eq!(u.scheme, "https");
        assert_eq!(u.user, Some(("user".into(), Some("pass".into()))));
        assert_eq!(
            (u.host.as_str(), u.hostname(), u.port()),
            ("example.com:80", "example.com", "80")
        );
        assert_eq!(
            (u.path.as_str(), u.raw_query.as_str(), u.fragment.as_str()),
            ("/path", "query=val", "fragment")
        );

        let p = parse("/path").expect("path");
        assert_eq!(
            (p.scheme.as_str(), p.host.as_str(), p.escaped_path()),
            ("", "", "/path".to_string())
        );
        assert_eq!(parse("https://example.com").expect("no path").escaped_path(), "");
        assert_eq!(
            parse("https://example.com/with space/").expect("space").escaped_path(),
            "/with%20space/"
        );
        let v6 = parse("https://[::1]:80/").expect("v6");
        assert_eq!((v6.host.as_str(), v6.hostname(), v6.port()), ("[::1]:80", "::1", "80"));
        let opaque = parse_request_uri("https:://kubernetes.io/").expect("opaque");
        assert_eq!((opaque.opaque.as_str(), opaque.hostname()), ("://kubernetes.io/", ""));

        assert_eq!(
            parse_request_uri("../relative-path").unwrap_err(),
            r#"parse "../relative-path": invalid URI for request"#
        );
        assert_eq!(
            parse_request_uri("https://a:b:c/").unwrap_err(),
            r#"parse "https://a:b:c/": invalid port ":c" after host"#
        );
        assert_eq!(parse_request_uri("").unwrap_err(), r#"parse "": empty url"#);
        assert_eq!(
            parse_request_uri(":foo").unwrap_err(),
            r#"parse ":foo": missing protocol scheme"#
        );
        assert_eq!(
            parse_request_uri("http://x/%zz").unwrap_err(),
            r#"parse "http://x/%zz": invalid URL escape "%zz""#
        );
        assert_eq!(
            parse_request_uri("http://ex ample.com/").unwrap_err(),
            r#"parse "http://ex ample.com/": invalid character " " in host name"#
        );

        let q = parse("https://example.com/path?k1=a&k2=b&k2=c&bad=%zz&x;y=1&key+with+spaces=v%20w").expect("q");
        assert_eq!(
            q.query(),
            vec![
                ("k1".to_string(), vec!["a".to_string()]),
                ("k2".to_string(), vec!["b".to_string(), "c".to_string()]),
                ("key with spaces".to_string(), vec!["v w".to_string()]),
            ]
        );
    }
}
