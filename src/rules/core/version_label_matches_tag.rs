use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// For a release, checks that an XRD's `openportal.dev/version` label is either `dev` (the
    /// source of a template repository, which the release workflow rewrites) or the released
    /// version itself.
    ///
    /// ## Why is this bad?
    /// Backstage shows the label as the template's version; a stale hand-written value tells
    /// developers they order a different version than the cluster runs.
    ///
    /// ## Example
    /// The head commit is tagged `v1.1.0` (the case's `tags.txt`),
    /// ```text fixture=fail/stale-label file=tags.txt
    /// base=v1.0.0
    /// head=v1.1.0
    /// ```
    /// while the XRD still carries the previous version:
    /// ```yaml fixture=fail/stale-label file=head/configuration/xrd.yaml
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   labels:
    ///     openportal.dev/version: "1.0.0"
    /// ```
    ///
    /// Use instead: `dev`, which the release workflow rewrites (or the released version).
    /// ```yaml fixture=pass/dev-label file=head/configuration/xrd.yaml
    /// metadata:
    ///   name: webapps.openportal.dev
    ///   labels:
    ///     openportal.dev/version: "dev"
    /// ```
    pub VersionLabelMatchesTag {
        id: "version-label-matches-tag",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for VersionLabelMatchesTag {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(tag) = ws.pr.as_ref().and_then(|p| p.release.as_deref()) else {
            return;
        };
        let version = tag.trim_start_matches('v');
        for x in ws.xrds() {
            let Some(v) = x.doc().label("openportal.dev/version") else {
                continue;
            };
            let text = v.scalar_text().unwrap_or_default();
            let text = text.trim_start_matches('v');
            if text != "dev" && text != version {
                out.report(
                    x.doc().span(v),
                    format!(
                        "`openportal.dev/version` is {code0} but the release is {code1}",
                        code0 = code(&text),
                        code1 = code(&tag)
                    ),
                )
                .help(format!(
                    "set it to `dev` in source (the release workflow writes {code0}), or to {code0}",
                    code0 = code(&version)
                ));
            }
        }
    }
}
