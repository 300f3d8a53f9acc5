use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_backstage_name, is_templated};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `metadata.links`: each item has a `url` that is an absolute URL (`scheme://…`), a
    /// non-empty `title` when one is given, and an `icon` that is a valid name.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (FieldFormatEntityPolicy).
    ///
    /// ## Example
    /// ```yaml fixture=fail/links.yaml
    /// links:
    ///   - url: www.example.com
    ///   - url: https://example.com
    ///     title: ""
    ///   - title: No url
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/links.yaml
    /// links:
    ///   - url: https://example.com
    ///     title: Home
    ///     icon: dashboard
    ///   - url: mailto:team@example.com
    /// ```
    pub BsEntLinks {
        id: "bs-ent-links",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

/// True for `scheme://rest` with an RFC 3986 scheme and something after it.
fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        // `mailto:` and similar have no authority.
        return s.split_once(':').is_some_and(|(sc, r)| sc == "mailto" && !r.is_empty());
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !s.contains(char::is_whitespace)
}

impl Rule for BsEntLinks {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            let Some(links) = doc.metadata().and_then(|m| m.get("links")) else {
                continue;
            };
            let Some(items) = links.as_seq() else {
                out.report(doc.span(links), "`metadata.links` must be a list");
                continue;
            };
            for link in items {
                match link.get("url").map(|u| (u, u.scalar_text().unwrap_or_default())) {
                    None => {
                        out.report(doc.span(link), "a link needs a `url`");
                    }
                    Some((node, url)) if !is_templated(&url) && !is_url(&url) => {
                        out.report(
                            doc.span(node),
                            format!("{code0} is not an absolute URL", code0 = code(&url)),
                        )
                        .help("write the scheme: `https://…`");
                    }
                    Some(_) => {}
                }
                if let Some(t) = link.get("title") {
                    if t.scalar_text().is_none_or(|s| s.trim().is_empty()) {
                        out.report(doc.span(t), "a link's `title` must not be empty");
                    }
                }
                if let Some(icon) = link.get("icon") {
                    let name = icon.scalar_text().unwrap_or_default();
                    if !is_templated(&name) && !is_backstage_name(&name) {
                        out.report(
                            doc.span(icon),
                            format!("{code0} is not a valid icon name", code0 = code(&name)),
                        );
                    }
                }
            }
        }
    }
}
