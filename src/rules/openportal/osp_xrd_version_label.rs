use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// In a template repository, checks that the XRD carries the label `openportal.dev/version:
    /// "dev"`. The release workflow replaces `dev` with the git tag; the ingestor reads this label
    /// to show the template version. A version written under any other version-like label or
    /// annotation key of the XRD (`app.kubernetes.io/version`, `example.com/version`,
    /// `chart-version`, …) is reported too (a warning): the release workflow does not rewrite it.
    /// Keys under Crossplane's prefixes (`crossplane.io/version`) name the Crossplane version
    /// the XRD is written for and are left alone.
    ///
    /// ## Why is this bad?
    /// A hand-written version goes stale on the next release, and a missing label makes Backstage
    /// show no version at all.
    ///
    /// ## Example
    /// ```yaml fixture=fail/template-webapp file=configuration/xrd.yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   labels:
    ///     openportal.dev/version: "1.2.0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=configuration/xrd.yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   labels:
    ///     openportal.dev/version: "dev"
    /// ```
    pub OspXrdVersionLabel {
        id: "osp-xrd-version-label",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
        fix: true,
    }
}

impl Rule for OspXrdVersionLabel {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template {
            return;
        }
        for x in ws.xrds() {
            let doc = x.doc();
            let text = &*ws.sources.get(doc.file).text;
            match doc.label("openportal.dev/version") {
                None => {
                    let at = doc
                        .metadata()
                        .map(|m| doc.span_of_key(m, "name"))
                        .unwrap_or_else(|| doc.head_span());
                    out.report(at, "the XRD has no `openportal.dev/version` label")
                        .help("add `labels: {openportal.dev/version: \"dev\"}`; the release workflow sets the real version")
                        .fix(add_label(doc, text));
                }
                Some(v) if v.as_str() != Some("dev") => {
                    out.report(
                        doc.span(v),
                        format!(
                            "`openportal.dev/version` is {code0} in source; it must be `dev`",
                            code0 = code(&(v.scalar_text().unwrap_or_default()))
                        ),
                    )
                    .help("commit `\"dev\"`; the release workflow writes the tag into the packaged XRD")
                    .fix(crate::rules::edit::replace_scalar(text, doc.span(v), "\"dev\""));
                }
                Some(_) => {}
            }
            for e in doc.labels().iter().chain(doc.annotations()) {
                if e.key == "openportal.dev/version" || !is_version_key(&e.key) {
                    continue;
                }
                let Some(v) = e.value.as_str().filter(|v| looks_like_version(v)) else {
                    continue;
                };
                out.report_with(
                    crate::rules::diagnostic::Severity::Warning,
                    doc.span(&e.value),
                    format!(
                        "{code0} hard-codes the version {code1}; it goes stale on the next release",
                        code0 = code(&e.key),
                        code1 = code(&v)
                    ),
                )
                .help("remove it: `openportal.dev/version: \"dev\"` carries the version, and the release workflow writes the tag into it");
            }
        }
    }
}

/// True for a label or annotation key that names the template's version: its name (after the
/// prefix's `/`) is `version` or ends with `-version`, `_version` or `.version`. A key under
/// Crossplane's prefixes (`crossplane.io/version: "v2.0"`) names the Crossplane version the
/// XRD is written for, which a release does not change.
fn is_version_key(key: &str) -> bool {
    let (prefix, name) = key.rsplit_once('/').unwrap_or(("", key));
    if prefix == "crossplane.io" || prefix.ends_with(".crossplane.io") {
        return false;
    }
    let name = name.to_ascii_lowercase();
    name == "version" || [".version", "-version", "_version"].iter().any(|s| name.ends_with(s))
}

/// True for a written version: `1`, `1.2`, `v1.2.3`, `1.2.3-rc.1` (not `dev`, `latest`).
fn looks_like_version(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    !core.is_empty()
        && core.split('.').count() <= 4
        && core.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The label added as the first of `metadata.labels`, or `labels:` added as the first key of
/// `metadata` (block style only), indented as the file indents `metadata`.
fn add_label(doc: &crate::model::Doc, text: &str) -> Option<crate::rules::diagnostic::Fix> {
    use crate::rules::edit;
    const LABEL: &str = "openportal.dev/version: \"dev\"";
    let meta = doc.root.entry("metadata")?;
    let entries = meta.value.as_map()?;
    let (at, indent) = match meta.value.get("labels") {
        Some(labels) => edit::before_first_key(text, labels.as_map()?, |e| doc.key_span(e))?,
        None => edit::before_first_key(text, entries, |e| doc.key_span(e))?,
    };
    if meta.value.get("labels").is_some() {
        return Some(crate::rules::diagnostic::Fix {
            edits: vec![edit::insert_lines_before(
                doc.file,
                text,
                at,
                indent,
                &[LABEL.to_string()],
            )],
        });
    }
    // One level as this file indents it: `metadata`'s keys below `metadata`.
    let outer = edit::own_line_indent(text, meta.key_start as usize)?;
    let step = indent.get(outer.len()..).filter(|s| !s.is_empty()).unwrap_or("  ");
    let lines = ["labels:".to_string(), format!("{step}{LABEL}")];
    // After `name: …` when it is one line, else first.
    let after_name = entries
        .iter()
        .find(|e| e.key == "name")
        .and_then(|e| edit::one_line_entry(text, "name", doc.key_span(e), doc.span(&e.value)));
    let insert = match after_name {
        Some((at, indent)) => edit::insert_lines_after(doc.file, text, at, indent, &lines),
        None => edit::insert_lines_before(doc.file, text, at, indent, &lines),
    };
    Some(crate::rules::diagnostic::Fix { edits: vec![insert] })
}

#[cfg(test)]
mod tests {
    use super::{is_version_key, looks_like_version};

    #[test]
    fn version_keys_and_values() {
        for k in ["app.kubernetes.io/version", "example.com/version", "chart-version", "version", "x.io/template_version"] {
            assert!(is_version_key(k), "{k}");
        }
        for k in ["app.kubernetes.io/name", "versions", "example.com/conversion", "crossplane.io/version"] {
            assert!(!is_version_key(k), "{k}");
        }
        for v in ["1", "1.2", "v1.2.3", "1.2.3-rc.1", "0.1.0+build.5"] {
            assert!(looks_like_version(v), "{v}");
        }
        for v in ["dev", "latest", "", "v", "1..2", "main"] {
            assert!(!looks_like_version(v), "{v}");
        }
    }
}
