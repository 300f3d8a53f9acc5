use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks a provider's `compatibility`: `minCoreVersion` and `maxCoreVersion` parse as
    /// semantic versions (a leading `v` and a missing minor or patch are accepted, as the
    /// loader's semver library does), and min ≤ max. A missing `maxCoreVersion` is reported:
    /// the loader then rejects the provider on every release build of the core.
    ///
    /// ## Why is this bad?
    /// The loader's compatibility check fails and the provider is not loaded.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// compatibility:
    ///   minCoreVersion: 1.0.0
    ///   maxCoreVersion: 2.x
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=providers/db-team/provider.yaml
    /// compatibility:
    ///   minCoreVersion: 1.0.0
    ///   maxCoreVersion: 2.0.0
    /// ```
    pub InnProvCompatSemver {
        id: "inn-prov-compat-semver",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

/// Parses leniently: `v1.2`, `1`, `1.2.3-rc.1`.
fn version(text: &str) -> Option<semver::Version> {
    let t = text.trim().strip_prefix('v').unwrap_or(text.trim());
    let (core, rest) = match t.find(['-', '+']) {
        Some(i) => t.split_at(i),
        None => (t, ""),
    };
    let mut parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    while parts.len() < 3 {
        parts.push("0");
    }
    semver::Version::parse(&format!("{}{rest}", parts.join("."))).ok()
}

impl Rule for InnProvCompatSemver {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            let Some(compat) = doc.root.get("compatibility").filter(|c| c.as_map().is_some()) else {
                continue;
            };
            let parse = |key: &str| -> Option<(&Node, Option<semver::Version>)> {
                let n = compat.get(key)?;
                Some((n, n.as_str().and_then(version)))
            };
            let min = parse("minCoreVersion");
            let max = parse("maxCoreVersion");
            for (key, v) in [("minCoreVersion", &min), ("maxCoreVersion", &max)] {
                if let Some((n, None)) = v {
                    out.report(
                        doc.span(n),
                        format!("{code0} is not a semantic version", code0 = code(&key)),
                    )
                    .help("write MAJOR.MINOR.PATCH, e.g. 2.0.0");
                }
            }
            match (&min, &max) {
                (Some((_, Some(lo))), Some((n, Some(hi)))) if lo > hi => {
                    out.report(
                        doc.span(n),
                        format!("`maxCoreVersion` {hi} is below `minCoreVersion` {lo}"),
                    );
                }
                (_, None) => {
                    out.report(doc.span_of_key(&doc.root, "compatibility"), "no `maxCoreVersion`")
                        .help("the loader rejects a provider without one on every release build of innominatus");
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lenient_versions() {
        assert_eq!(super::version("v1.2").map(|v| v.to_string()), Some("1.2.0".into()));
        assert_eq!(
            super::version("2.0.0-rc.1").map(|v| v.to_string()),
            Some("2.0.0-rc.1".into())
        );
        assert!(super::version("2.x").is_none());
        assert!(super::version("").is_none());
    }
}
