//! Helpers shared by several rules: common traversals over the model. Name syntax and path
//! joining live in [`crate::parse::names`] (re-exported here), below the model.

pub use crate::parse::names::{
    is_backstage_name, is_backstage_tag, is_dns1035_label, is_dns1123_label, is_dns1123_subdomain,
    is_path_segment_name, is_qualified_name_part, is_templated, join_path,
};
pub use crate::parse::yaml::string_nodes;

use crate::parse::text::code;
use regex::Regex;
use std::sync::OnceLock;

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("static regex"))
}

/// Why a label or annotation key is invalid, if it is.
pub fn label_key_problem(key: &str) -> Option<String> {
    let slash = |s: &str| s.bytes().position(|b| b == b'/');
    let (prefix, name) = match slash(key) {
        Some(i) => (Some(&key[..i]), &key[i + 1..]),
        None => (None, key),
    };
    if slash(name).is_some() {
        return Some("a key may contain at most one `/`".into());
    }
    if let Some(p) = prefix {
        if p.is_empty() || !is_dns1123_subdomain(p) {
            return Some(format!(
                "the prefix {code0} must be a DNS-1123 subdomain (lowercase, `.`-separated, at most 253 characters)",
                code0 = code(&p)
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
        return Some(format!("the name part {code0} must start and end with an alphanumeric character and contain only `-`, `_`, `.` and alphanumerics", code0 = code(&name)));
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

/// Every Kubernetes object of the workspace. Backstage entities look alike but follow
/// Backstage's own name rules (the `bs-ent-*` rules check them).
pub fn objects(ws: &crate::model::Workspace) -> impl Iterator<Item = &crate::model::Doc> {
    ws.docs
        .iter()
        .filter(|d| d.is_object() && !crate::model::backstage::is_entity(d))
}

/// Why `s` is not a valid Masterminds/semver constraint (what Crossplane parses package
/// version constraints with), if it is not: `||`-separated groups of comma- or
/// space-separated comparisons (`=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>`, `^`), with
/// `v` prefixes, `x`/`*` wildcards, partial versions and `a - b` ranges.
pub fn constraint_problem(s: &str) -> Option<String> {
    static OP_SPACE: OnceLock<Regex> = OnceLock::new();
    static TERM: OnceLock<Regex> = OnceLock::new();
    static VERSION: OnceLock<Regex> = OnceLock::new();
    let op_space = re(&OP_SPACE, r"(>=|<=|=>|=<|!=|~>|>|<|=|~|\^)\s+");
    let term = re(
        &TERM,
        r"^(>=|<=|=>|=<|!=|~>|>|<|=|~|\^)?v?(\d+|[xX*])(\.(\d+|[xX*]))?(\.(\d+|[xX*]))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$",
    );
    let version = re(
        &VERSION,
        r"^v?\d+(\.\d+)?(\.\d+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$",
    );
    if s.trim().is_empty() {
        return Some("the constraint is empty".into());
    }
    for group in s.split("||") {
        let group = op_space.replace_all(group.trim(), "$1");
        if let Some((a, b)) = group.split_once(" - ") {
            for side in [a.trim(), b.trim()] {
                if !version.is_match(side) {
                    return Some(format!(
                        "{code0} in the range {code1} is not a version",
                        code0 = code(&side),
                        code1 = code(&group)
                    ));
                }
            }
            continue;
        }
        let terms: Vec<&str> = group
            .split([',', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        if terms.is_empty() {
            return Some("an `||` alternative is empty".into());
        }
        if let Some(bad) = terms.iter().find(|t| !term.is_match(t)) {
            return Some(format!(
                "{code0} is not a comparison such as `>=v1.2.0`",
                code0 = code(&bad)
            ));
        }
    }
    None
}

/// A patch-and-transform input (`pt.fn.crossplane.io` `Resources`) of a Composition step.
pub struct PtInput<'a> {
    /// The Composition document.
    pub doc: &'a crate::model::Doc,
    /// The input node.
    pub input: &'a crate::parse::yaml::Node,
}

impl<'a> PtInput<'a> {
    /// Every patch-and-transform input of the workspace.
    pub fn all(ws: &'a crate::model::Workspace) -> Vec<PtInput<'a>> {
        ws.compositions()
            .flat_map(|c| {
                c.steps()
                    .into_iter()
                    .filter(|s| s.is_patch_and_transform())
                    .filter_map(move |s| {
                        Some(PtInput {
                            doc: c.doc,
                            input: s.input?,
                        })
                    })
            })
            .collect()
    }
    /// A list under the input.
    pub fn list(&self, key: &str) -> &'a [crate::parse::yaml::Node] {
        self.input
            .get(key)
            .and_then(crate::parse::yaml::Node::as_seq)
            .unwrap_or(&[])
    }
    /// Every patch with where it lives: `resources[].patches`, `patchSets[].patches` and
    /// `environment.patches` (the flag says which).
    pub fn patches(&self) -> Vec<(&'a crate::parse::yaml::Node, bool)> {
        let mut out = Vec::new();
        for holder in self.list("resources").iter().chain(self.list("patchSets")) {
            for p in holder
                .get("patches")
                .and_then(crate::parse::yaml::Node::as_seq)
                .unwrap_or(&[])
            {
                out.push((p, false));
            }
        }
        for p in self
            .input
            .path(&["environment", "patches"])
            .and_then(crate::parse::yaml::Node::as_seq)
            .unwrap_or(&[])
        {
            out.push((p, true));
        }
        out
    }
}

/// The package name of an OCI reference: its last path segment without tag or digest
/// (`xpkg.crossplane.io/crossplane-contrib/function-kcl:v0.1.0` → `function-kcl`).
pub fn package_name(reference: &str) -> String {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    last.split(['@', ':']).next().unwrap_or(last).to_string()
}

/// The resource (plural) name Kubernetes derives from a kind: lowercase, `y` → `ies`,
/// `s`/`x`/`ch`/`sh` → `es`, otherwise `s`.
pub fn plural(kind: &str) -> String {
    let k = kind.to_lowercase();
    if k.ends_with('y') && !k.ends_with("ay") && !k.ends_with("ey") && !k.ends_with("oy") {
        format!("{}ies", &k[..k.len() - 1])
    } else if k.ends_with('s') || k.ends_with('x') || k.ends_with("ch") || k.ends_with("sh") {
        format!("{k}es")
    } else {
        format!("{k}s")
    }
}

/// Problems with the composition an XR chooses: `spec.crossplane.compositionRef.name` must
/// name a Composition of its type, `compositionSelector.matchLabels` must match one, and a
/// metadata label cannot select a composition. Only judged when Compositions of the type are
/// known. Returns (span, message, help).
pub fn composition_choice(
    ws: &crate::model::Workspace,
    d: &crate::model::Doc,
) -> Vec<(crate::parse::source::Span, String, Option<String>)> {
    let mut out = Vec::new();
    for e in d.labels() {
        // A value the API server rejects is `k8s-label-value`'s one finding (its help says the
        // label selects nothing either).
        let valid_value = e
            .value
            .as_str()
            .is_none_or(|v| v.is_empty() || is_qualified_name_part(v) || is_templated(v));
        if is_composition_label(&e.key) && valid_value {
            out.push((
                d.key_span(e),
                format!("the label {code0} does not select a composition", code0 = code(&e.key)),
                Some("use `spec.crossplane.compositionSelector.matchLabels` (or `compositionRef.name`)".to_string()),
            ));
        }
    }
    let comps: Vec<_> = ws.compositions_for(d.group(), &d.kind).collect();
    if comps.is_empty() {
        return out;
    }
    let crossplane = d.root.path(&["spec", "crossplane"]).or_else(|| d.root.get("spec"));
    let Some(cp) = crossplane else { return out };
    if let Some(n) = cp.path(&["compositionRef", "name"]) {
        let name = n.as_str().unwrap_or("");
        if !comps.iter().any(|c| c.name() == Some(name)) {
            let names: Vec<&str> = comps.iter().filter_map(|c| c.name()).collect();
            let help = crate::parse::text::suggest(name, names.iter().copied())
                .map(|s| format!("did you mean {code0}?", code0 = code(&s)));
            out.push((
                d.span(n),
                format!(
                    "no Composition of {code0} is named {code1}",
                    code0 = code(&d.kind),
                    code1 = code(&name)
                ),
                help,
            ));
        }
    }
    if let Some(sel) = cp
        .path(&["compositionSelector", "matchLabels"])
        .and_then(crate::parse::yaml::Node::as_map)
    {
        let matches = comps.iter().any(|c| {
            sel.iter()
                .all(|e| c.doc.label(&e.key).and_then(|v| v.as_str()) == e.value.as_str())
        });
        if !matches {
            let at = d.span_of_key(cp.get("compositionSelector").expect("present"), "matchLabels");
            out.push((
                at,
                format!(
                    "`compositionSelector` matches no Composition of {code0}",
                    code0 = code(&d.kind)
                ),
                Some("label a Composition with these labels, or fix the selector".to_string()),
            ));
        }
    }
    out
}

/// A metadata label that people write hoping it selects a composition (it does not).
pub fn is_composition_label(key: &str) -> bool {
    key.contains("composition-selector") || key == "crossplane.io/composition"
}

/// True when `name` matches one of `patterns` (`*` matches any run of characters).
pub fn matches_any(name: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| match p.bytes().position(|b| b == b'*') {
        Some(star) => {
            let (pre, post) = (&p[..star], &p[star + 1..]);
            name.len() >= pre.len() + post.len() && name.starts_with(pre) && name.ends_with(post)
        }
        None => name == p,
    })
}

/// The kebab-case plural of a kind (`DNSRecord` → `dns-records`).
pub fn kebab_plural(kind: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let chars: Vec<char> = kind.chars().collect();
    let mut cur = String::new();
    for (i, c) in chars.iter().enumerate() {
        let boundary = c.is_ascii_uppercase()
            && !cur.is_empty()
            && (chars[i - 1].is_ascii_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
        if boundary {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    words.push(cur);
    let last = words.pop().unwrap_or_default();
    words.push(plural(&last));
    words.join("-")
}

/// Why an OCI package reference is not pinned to a release (`:vX.Y.Z[-pre]` or a digest).
pub fn pin_problem(reference: &str) -> Option<String> {
    static TAG: OnceLock<Regex> = OnceLock::new();
    if let Some((_, digest)) = reference.split_once("@sha256:") {
        return (digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| format!("{code0} has a malformed digest", code0 = code(&reference)));
    }
    let last = reference.rsplit('/').next().unwrap_or(reference);
    match last.split_once(':') {
        None => Some(format!(
            "{code0} has no tag; it floats like `:latest`",
            code0 = code(&reference)
        )),
        Some((_, "latest")) => Some(format!("{code0} uses `:latest`", code0 = code(&reference))),
        Some((_, tag)) if !re(&TAG, r"^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$").is_match(tag) => Some(format!(
            "{code0}: the tag {code1} is not a release version `vMAJOR.MINOR.PATCH`",
            code0 = code(&reference),
            code1 = code(&tag)
        )),
        Some(_) => None,
    }
}

/// Where release-level findings are reported: the package metadata, else the first XRD, else
/// the start of the first file.
pub fn release_anchor(ws: &crate::model::Workspace) -> crate::parse::source::Span {
    ws.docs_of(crate::model::Class::PkgMeta)
        .next()
        .map(|d| d.head_span())
        .or_else(|| ws.xrds().next().map(|x| x.name_span()))
        .unwrap_or_else(|| crate::parse::source::Span::file_start(crate::parse::source::FileId(0)))
}

/// The `config.operation` of an innominatus step of type `kind` when it is one of `allowed`;
/// reports a missing or unsupported one (at `config:` or at the value).
pub fn step_operation<'a>(
    out: &mut crate::rules::Sink,
    doc: &crate::model::Doc,
    step: &crate::parse::yaml::Node,
    config: &'a crate::parse::yaml::Node,
    kind: &str,
    allowed: &[&str],
) -> Option<&'a str> {
    let name = crate::model::innominatus::step_name(step);
    let one_of = || format!("one of {}", crate::parse::text::list(allowed, allowed.len()));
    let Some(op) = config.get("operation") else {
        out.report(
            doc.span_of_key(step, "config"),
            format!("{kind} step {code0} has no `config.operation`", code0 = code(&name)),
        )
        .help(one_of());
        return None;
    };
    match op.as_str().filter(|o| allowed.contains(o)) {
        Some(o) => Some(o),
        None => {
            let shown = op.as_str().unwrap_or("?");
            out.report(
                doc.span(op),
                format!(
                    "{kind} step {code0}: unsupported operation {code1}",
                    code0 = code(&name),
                    code1 = code(&shown)
                ),
            )
            .help(one_of());
            None
        }
    }
}

/// Reports the `spec` fields a Backstage kind's schema requires and an entity of `kind` lacks:
/// `strings` must be non-empty strings, `lists` must be present lists (possibly empty).
pub fn required_spec_fields(
    ws: &crate::model::Workspace,
    out: &mut crate::rules::Sink,
    kind: &str,
    strings: &[&str],
    lists: &[&str],
) {
    for doc in ws.entities().filter(|d| d.kind == kind) {
        let Some(spec) = doc.spec().filter(|s| s.as_map().is_some()) else {
            out.report(doc.kind_span(), format!("a {kind} needs a `spec`"))
                .help(format!("set {}", list_fields(strings.iter().chain(lists))));
            continue;
        };
        for field in strings {
            match spec.get(field) {
                None => {
                    out.report(
                        doc.span_of_key(&doc.root, "spec"),
                        format!("a {kind} needs {code0}", code0 = code(&format!("spec.{field}"))),
                    );
                }
                Some(v) if v.scalar_text().is_none_or(|s| s.trim().is_empty()) => {
                    out.report(
                        doc.span(v),
                        format!(
                            "{code0} must be a non-empty string",
                            code0 = code(&format!("spec.{field}"))
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        for field in lists {
            match spec.get(field) {
                None => {
                    out.report(
                        doc.span_of_key(&doc.root, "spec"),
                        format!("a {kind} needs {code0}", code0 = code(&format!("spec.{field}"))),
                    )
                    .help("the list must be present, but may be empty: `[]`");
                }
                Some(v) if v.as_seq().is_none() => {
                    out.report(
                        doc.span(v),
                        format!("{code0} must be a list", code0 = code(&format!("spec.{field}"))),
                    );
                }
                Some(_) => {}
            }
        }
    }
}

fn list_fields<'a>(fields: impl Iterator<Item = &'a &'a str>) -> String {
    fields.map(|f| code(&f)).collect::<Vec<_>>().join(", ")
}

/// The name after each `marker` in `text` (`.parameters.` → `app_name`): a run of ASCII
/// letters, digits, `_` and the characters in `also`; empty runs are skipped.
pub fn names_after<'a>(text: &'a str, marker: &'a str, also: &'a [char]) -> impl Iterator<Item = &'a str> + 'a {
    text.match_indices(marker).filter_map(move |(i, m)| {
        let rest = &text[i + m.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || also.contains(&c)))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::constraint_problem;

    #[test]
    fn masterminds_constraints() {
        for ok in [
            ">=v2.0.0",
            ">= 1.2, < 2",
            "~1.2.x",
            "^v0.3.0",
            "1.2 - 1.4.5",
            ">=1.0.0 <2.0.0 || >=3",
            "*",
            "v1.x",
        ] {
            assert_eq!(constraint_problem(ok), None, "{ok}");
        }
        for bad in [">=v2.0.0 <", "v2 garbage", "", ">=1.0.0 ||", "=>>1"] {
            assert!(constraint_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn kebab_plurals() {
        assert_eq!(super::kebab_plural("DNSRecord"), "dns-records");
        assert_eq!(super::kebab_plural("WhoAmIApp"), "who-am-i-apps");
        assert_eq!(super::kebab_plural("ManagedNamespace"), "managed-namespaces");
        assert_eq!(super::kebab_plural("Policy"), "policies");
    }
}
