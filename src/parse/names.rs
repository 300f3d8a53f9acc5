//! Name and value syntax as the consumers validate it (Kubernetes DNS names and label parts,
//! Backstage tags and names), template markers, and joining a relative path onto a folder of
//! the root. Pure functions over strings: below the model, used by it and by the rules.

// The syntax checks below are written out byte by byte: each is what its regex (kept in the
// tests, which compare the two) accepts, without a regex search per value; rules ask them of
// every name, label and annotation of every document.

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, for `first` the allowed first bytes.
fn dns_label_with(s: &[u8], first: fn(u8) -> bool) -> bool {
    match (s.first(), s.last()) {
        (Some(&a), Some(&z)) => {
            first(a)
                && (z.is_ascii_lowercase() || z.is_ascii_digit())
                && s.iter()
                    .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }
        _ => false,
    }
}

fn lower_or_digit(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// DNS-1123 subdomain (at most 253 characters).
pub fn is_dns1123_subdomain(s: &str) -> bool {
    // `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`: labels joined by `.`.
    s.len() <= 253
        && s.as_bytes()
            .split(|&b| b == b'.')
            .all(|l| dns_label_with(l, lower_or_digit))
}

/// A name the API server validates only as a path segment (RBAC roles and bindings): any
/// text but `.` and `..`, without `/` or `%`. Colons, upper case and other characters are
/// allowed (`system:aggregate-to-edit`); the API server sets no length limit here.
pub fn is_path_segment_name(s: &str) -> bool {
    s != "." && s != ".." && !s.contains('/') && !s.contains('%')
}

/// DNS-1123 label (at most 63 characters).
pub fn is_dns1123_label(s: &str) -> bool {
    // `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
    s.len() <= 63 && dns_label_with(s.as_bytes(), lower_or_digit)
}

/// DNS-1035 label (at most 63 characters, starts with a letter).
pub fn is_dns1035_label(s: &str) -> bool {
    // `^[a-z]([-a-z0-9]*[a-z0-9])?$`
    s.len() <= 63 && dns_label_with(s.as_bytes(), |b| b.is_ascii_lowercase())
}

/// A qualified name (the name part of a label key, or a label value when non-empty).
pub fn is_qualified_name_part(s: &str) -> bool {
    // `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(a), Some(z)) => {
            s.len() <= 63
                && a.is_ascii_alphanumeric()
                && z.is_ascii_alphanumeric()
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
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
    let part = |p: &[u8]| !p.is_empty() && p.iter().all(|&b| lower_or_digit(b) || matches!(b, b':' | b'+' | b'#'));
    !s.is_empty() && s.len() <= 63 && s.as_bytes().split(|&b| b == b'-').all(part)
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

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// Strings around every edge of the syntaxes: empty, one byte, dashes and dots at either
    /// end and doubled, case, underscores, the other allowed bytes, non-ASCII, line breaks,
    /// and the length limits.
    fn samples() -> Vec<String> {
        let mut v: Vec<String> = [
            "",
            "a",
            "A",
            "0",
            "-",
            ".",
            "_",
            ":",
            "+",
            "#",
            "a-b",
            "a--b",
            "-a",
            "a-",
            "a.b",
            "a..b",
            ".a",
            "a.",
            "a_b",
            "_a",
            "a_",
            "A-b",
            "ab9",
            "9ab",
            "a.b-c.d",
            "a-.b",
            "a.-b",
            "web-app",
            "Web_App.v2",
            "x:y",
            "c++",
            "c#",
            "a-:b",
            "a:-b",
            "ä",
            "aä",
            "a\n",
            "a\nb",
            "a b",
            " a",
            "a/b",
            "a*",
            "ns-01",
            "openportal.dev",
            "my.very-long.domain.example.org",
            "0.0",
            "a.0",
            "-.-",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for n in [62, 63, 64, 252, 253, 254] {
            v.push("a".repeat(n));
            v.push(format!("{}.b", "a".repeat(n - 2)));
            v.push(format!("A{}", "b".repeat(n - 1)));
        }
        v.push(["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join("."));
        v
    }

    #[test]
    fn the_hand_written_checks_accept_what_their_regexes_accept() {
        /// What is checked, the check, its regex and its length limit.
        type Case = (&'static str, fn(&str) -> bool, &'static str, usize);
        let checks: [Case; 5] = [
            (
                "dns1123 subdomain",
                is_dns1123_subdomain,
                r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
                253,
            ),
            (
                "dns1123 label",
                is_dns1123_label,
                r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
                63,
            ),
            ("dns1035 label", is_dns1035_label, r"^[a-z]([-a-z0-9]*[a-z0-9])?$", 63),
            (
                "qualified name",
                is_qualified_name_part,
                r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$",
                63,
            ),
            ("backstage tag", is_backstage_tag, r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$", 63),
        ];
        let samples = samples();
        for (what, check, pattern, max) in checks {
            let re = Regex::new(pattern).unwrap();
            let mut accepted = 0;
            for s in &samples {
                let want = !s.is_empty() && s.len() <= max && re.is_match(s);
                assert_eq!(check(s), want, "{what} of {s:?}");
                accepted += usize::from(want);
            }
            assert!(accepted >= 5, "{what}: the samples must hold valid names too");
        }
    }

    #[test]
    fn templated_is_any_of_the_four_markers() {
        for (s, want) in [
            ("{{ .name }}", true),
            ("${NAME}", true),
            ("$(NAME)", true),
            ("{% if x %}", true),
            ("a{{", true),
            ("{", false),
            ("{ {", false),
            ("$", false),
            ("$ {", false),
            ("plain", false),
            ("", false),
            ("{$(", true),
        ] {
            let old = s.contains("{{") || s.contains("${") || s.contains("$(") || s.contains("{%");
            assert_eq!(is_templated(s), want, "{s:?}");
            assert_eq!(old, want, "{s:?}");
        }
    }
}
