//! Helpers shared by several rules: Kubernetes name syntax and common traversals.

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

/// Why a label or annotation key is invalid, if it is.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if name.contains('/') {
        return Some("a key may contain at most one `/`".into());
    }
    if let Some(p) = prefix {
        if p.is_empty() || !is_dns1123_subdomain(p) {
            return Some(format!(
                "the prefix `{p}` must be a DNS-1123 subdomain (lowercase, `.`-separated, at most 253 characters)"
            ));
        }
    }
    if name.len() > 63 {
        return Some(format!(
            "the name part is {} characters long; at most 63 are allowed",
            name.len()
        ));
    }
    if !is_qualified_name_part(name) {
        return Some(format!(
            "the name part `{name}` must start and end with an alphanumeric character and contain only `-`, `_`, `.` and alphanumerics"
        ));
    }
    None
}

/// Kinds that are cluster-scoped in Kubernetes and common providers.
pub const CLUSTER_SCOPED_KINDS: &[&str] = &[
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PersistentVolume",
    "PriorityClass",
    "IngressClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
    "Node",
    "CSIDriver",
    "RuntimeClass",
];

/// True when a value is (partly) produced by a template engine and cannot be judged statically.
pub fn is_templated(s: &str) -> bool {
    s.contains("{{") || s.contains("${") || s.contains("$(") || s.contains("{%")
}

/// Every Kubernetes object of the workspace with its labels and annotations entries.
pub fn objects(ws: &crate::model::Workspace) -> impl Iterator<Item = &crate::model::Doc> {
    ws.docs.iter().filter(|d| d.is_object())
}
