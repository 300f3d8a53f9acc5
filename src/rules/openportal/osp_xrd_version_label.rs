use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// In a template repository, checks that the XRD carries the label `openportal.dev/version:
    /// "dev"`. The release workflow replaces `dev` with the git tag; the ingestor reads this label
    /// to show the template version.
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
    }
}

impl Rule for OspXrdVersionLabel {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template {
            return;
        }
        for x in ws.xrds() {
            let doc = x.doc();
            match doc.label("openportal.dev/version") {
                None => {
                    let at = doc.metadata().map(|m| doc.span_of_key(m, "name")).unwrap_or_else(|| doc.head_span());
                    out.report(at, "the XRD has no `openportal.dev/version` label")
                        .help("add `labels: {openportal.dev/version: \"dev\"}`; the release workflow sets the real version");
                }
                Some(v) if v.as_str() != Some("dev") => {
                    out.report(doc.span(v), format!("`openportal.dev/version` is `{}` in source; it must be `dev`", v.scalar_text().unwrap_or_default()))
                        .help("commit `\"dev\"`; the release workflow writes the tag into the packaged XRD");
                }
                Some(_) => {}
            }
        }
    }
}
