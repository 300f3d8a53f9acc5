//! Name and value syntax as the consumers validate it (Kubernetes DNS names and label parts,
//! Backstage tags and names), template markers, and joining a relative path onto a folder of
//! the root. Pure functions over strings: below the model, used by it and by the rules.

use regex::Regex;
use std::sync::OnceLock;

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("static regex"))
}

/// DNS-1123 subdomain (at most 253 characters).
pub fn is_dns1123_subdomain(s: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    s.len() <= 253 && re(&R, r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$").is_match(s)
}

/// A name the API server validates only as a path segment (RBAC roles and bindings): any
/// text but `.` and `..`, without `/` or `%`. Colons, upper case and other characters are
/// allowed (`system:aggregate-to-edit`); the API server sets no length limit here.
pub fn is_path_segment_name(s: &str) -> bool {
    s != "." && s != ".." && !s.contains('/') && !s.contains('%')
}

/// DNS-1123 label (at most 63 characters).
pub fn is_dns1123_label(s: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    s.len() <= 63 && re(&R, r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").is_match(s)
}

/// DNS-1035 label (at most 63 characters, starts with a letter).
pub fn is_dns1035_label(s: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    s.len() <= 63 && re(&R, r"^[a-z]([-a-z0-9]*[a-z0-9])?$").is_match(s)
}

/// A qualified name (the name part of a label key, or a label value when non-empty).
pub fn is_qualified_name_part(s: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    !s.is_empty() && s.len() <= 63 && re(&R, r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$").is_match(s)
}

/// True when a value is (partly) produced by a template engine and cannot be judged statically.
pub fn is_templated(s: &str) -> bool {
    // `{{`, `{%`, `${` or `$(`, in one pass over the bytes.
    s.as_bytes()
        .windows(2)
        .any(|w| matches!(w, [b'{', b'{' | b'%'] | [b'$', b'{' | b'(']))
}

/// A valid Backstage tag: `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`, 1 to 63 characters.
pub fn is_backstage_tag(s: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    !s.is_empty() && s.len() <= 63 && re(&R, r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$").is_match(s)
}

/// A valid Backstage entity name: `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, 1 to 63.
pub fn is_backstage_name(s: &str) -> bool {
    is_qualified_name_part(s)
}

/// Joins a relative path onto a folder of the root, resolving `.` and `..`; `None` when it
/// leaves the root.
pub fn join_path(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}
