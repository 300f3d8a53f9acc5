use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// In a template repository, checks the annotation `backstage.io/source-location:
    /// "url:https://github.com/<org>/<repo>"` names this repository (`openportal.github-org`,
    /// default `open-service-portal`, and the repository name).
    ///
    /// ## Why is this bad?
    /// Backstage links the template to its source through it; a copied value points developers at
    /// another template.
    ///
    /// ## Example
    /// In the repository `template-webapp`:
    /// ```yaml fixture=fail/template-webapp file=configuration/xrd.yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   labels:
    ///     openportal.dev/version: "dev"
    ///     terasky.backstage.io/generate-form: "true"
    ///   annotations:
    ///     backstage.io/source-location: "url:https://github.com/open-service-portal/template-whoami"
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=configuration/xrd.yaml
    /// annotations:
    ///   backstage.io/source-location: "url:https://github.com/open-service-portal/template-webapp"
    /// ```
    pub OspXrdSourceLocation {
        id: "osp-xrd-source-location",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdSourceLocation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template {
            return;
        }
        let want = format!(
            "url:https://github.com/{}/{}",
            ws.options.openportal.github_org, ws.repo.name
        );
        for x in ws.xrds() {
            let doc = x.doc();
            match doc.annotation("backstage.io/source-location") {
                None => {
                    let at = doc
                        .metadata()
                        .map(|m| doc.span_of_key(m, "name"))
                        .unwrap_or_else(|| doc.head_span());
                    out.report(at, "the XRD has no `backstage.io/source-location` annotation")
                        .help(format!("add `backstage.io/source-location: \"{want}\"`"));
                }
                Some(v) => {
                    let got = v.as_str().unwrap_or("").trim_end_matches('/');
                    if got != want && got != format!("{want}.git") {
                        out.report(
                            doc.span(v),
                            format!("`backstage.io/source-location` is `{got}`, not this repository"),
                        )
                        .help(format!("use `{want}`"));
                    }
                }
            }
        }
    }
}
