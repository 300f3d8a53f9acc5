use crate::model::backstage::{is_kind, BUILTIN_KINDS};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_dns1123_subdomain, is_qualified_name_part};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks an entity's `apiVersion` (`[dns-subdomain/]name`) and `kind` (a letter then letters and
    /// digits, at most 63 characters), and that built-in kinds use an apiVersion their schema accepts:
    /// `backstage.io/v1alpha1` or `v1beta1`, and `scaffolder.backstage.io/v1beta3` for `Template`.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity, or no kind schema matches it and it is dropped.
    ///
    /// ## Example
    /// ```yaml fixture=fail/versions.yaml
    /// apiVersion: backstage.io/v1
    /// kind: Component
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/kinds.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Component
    /// ```
    pub BsEntApiversionKind {
        id: "bs-ent-apiversion-kind",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsEntApiversionKind {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            let api_node = doc.root.get("apiVersion");
            match api_node {
                None => {
                    out.report(doc.head_span(), "the entity has no `apiVersion`")
                        .help(expected_versions(&doc.kind));
                    continue;
                }
                Some(n) if n.as_str().is_none() => {
                    let text = &*ws.sources.get(doc.file).text;
                    let ty = crate::model::backstage::yaml12_type(n, text);
                    out.report(doc.span(n), format!("`apiVersion` must be a string, not {ty}"))
                        .help(expected_versions(&doc.kind));
                    continue;
                }
                Some(_) => {}
            }
            if let Some(k) = doc.root.get("kind").filter(|k| k.as_str().is_none()) {
                let text = &*ws.sources.get(doc.file).text;
                let ty = crate::model::backstage::yaml12_type(k, text);
                out.report(doc.span(k), format!("`kind` must be a string, not {ty}"));
                continue;
            }
            let (group, version) = crate::model::split_api_version(&doc.api_version);
            if !is_dns1123_subdomain(group) || !is_qualified_name_part(version) {
                let span = api_node.map_or_else(|| doc.head_span(), |n| doc.span(n));
                out.report(
                    span,
                    format!("{code0} is not a valid apiVersion", code0 = code(&doc.api_version)),
                )
                .help("use `<dns-subdomain>/<version>`, e.g. `backstage.io/v1alpha1`");
                continue;
            }
            if !is_kind(&doc.kind) {
                out.report(
                    doc.kind_span(),
                    format!("{code0} is not a valid kind", code0 = code(&doc.kind)),
                )
                .help("a kind is a letter followed by letters and digits, at most 63 characters");
                continue;
            }
            let Some((_, accepted)) = BUILTIN_KINDS.iter().find(|(k, _)| *k == doc.kind) else {
                continue;
            };
            if !accepted.contains(&doc.api_version.as_str()) {
                let span = api_node.map_or_else(|| doc.head_span(), |n| doc.span(n));
                out.report(
                    span,
                    format!(
                        "kind {code0} does not accept apiVersion {code1}",
                        code0 = code(&doc.kind),
                        code1 = code(&doc.api_version)
                    ),
                )
                .help(format!(
                    "use {}",
                    accepted.iter().map(|a| code(&a)).collect::<Vec<_>>().join(" or ")
                ));
            }
        }
    }
}

/// The help naming the apiVersions `kind` accepts.
fn expected_versions(kind: &str) -> String {
    match BUILTIN_KINDS.iter().find(|(k, _)| *k == kind) {
        Some((_, accepted)) => format!(
            "use {}",
            accepted.iter().map(|a| code(&a)).collect::<Vec<_>>().join(" or ")
        ),
        None => "use `<dns-subdomain>/<version>`, e.g. `backstage.io/v1alpha1`".to_string(),
    }
}
