use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// In a template repository, checks the annotation `backstage.io/source-location:
    /// "url:https://github.com/<org>/<repo>"` names this repository: its name (config
    /// `openportal.repo-name` or the git remote `origin`; when neither names it, any
    /// repository: the checkout folder's name says nothing) and its
    /// organisation (config `openportal.github-org`, or the owner in the remote `origin`; when
    /// neither names one, any owner is accepted).
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
    ///
    /// ## In another organisation
    /// Nothing to set when the repository has a git remote `origin` on GitHub: its owner is the
    /// organisation. Otherwise set `openportal: {github-org: <org>}` (and `repo-name`); until then any
    /// owner (and without `repo-name` any repository) is accepted. Turn the
    /// rule off (`rules: {osp-xrd-source-location: off}`) when your templates are not on GitHub.
    pub OspXrdSourceLocation {
        id: "osp-xrd-source-location",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

/// True when `url` (`url:https://github.com/<owner>/<repo>`, optionally `.git` or `/`) names
/// the repository `name` of `org`, or of any owner when the organisation is unknown.
pub fn names_repository(url: &str, org: Option<&str>, name: &str) -> bool {
    let url = url.trim_end_matches('/');
    let url = url.strip_suffix(".git").unwrap_or(url);
    let Some(path) = url.strip_prefix("url:https://github.com/") else {
        return false;
    };
    match path.split_once('/') {
        Some((owner, repo)) => repo == name && org.is_none_or(|o| owner.eq_ignore_ascii_case(o)),
        None => false,
    }
}

/// The repository name of a `url:https://github.com/<owner>/<repo>` location.
fn repository_of(url: &str) -> Option<&str> {
    let url = url.trim_end_matches('/');
    let url = url.strip_suffix(".git").unwrap_or(url);
    let (_, repo) = url.strip_prefix("url:https://github.com/")?.split_once('/')?;
    (!repo.is_empty() && !repo.contains('/')).then_some(repo)
}

impl Rule for OspXrdSourceLocation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template {
            return;
        }
        let org = ws.github_org();
        let repo = if ws.repo.named { ws.repo.name.as_str() } else { "<repo>" };
        let want = format!("url:https://github.com/{}/{repo}", org.unwrap_or("<org>"));
        let unknown_org = if org.is_none() {
            " (the organisation is not known: set `openportal.github-org`, or add the git remote `origin`)"
        } else {
            ""
        };
        for x in ws.xrds() {
            let doc = x.doc();
            match doc.annotation("backstage.io/source-location") {
                None => {
                    let at = doc
                        .metadata()
                        .map(|m| doc.span_of_key(m, "name"))
                        .unwrap_or_else(|| doc.head_span());
                    out.report(at, "the XRD has no `backstage.io/source-location` annotation")
                        .help(format!(
                            "add {code0}{unknown_org}",
                            code0 = code(&format!("backstage.io/source-location: \"{want}\""))
                        ));
                }
                Some(v) => {
                    let got = v.as_str().unwrap_or("").trim_end_matches('/');
                    // Without a known name (config or git remote) any repository is accepted:
                    // the checkout folder's name says nothing about the repository.
                    let name = if ws.repo.named {
                        ws.repo.name.as_str()
                    } else {
                        repository_of(got).unwrap_or_default()
                    };
                    if !names_repository(got, org, name) {
                        out.report(
                            doc.span(v),
                            format!(
                                "`backstage.io/source-location` is {code0}, not this repository",
                                code0 = code(&got)
                            ),
                        )
                        .help(format!("use {code0}{unknown_org}", code0 = code(&want)));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::names_repository;

    #[test]
    fn any_owner_is_accepted_until_the_organisation_is_known() {
        let url = "url:https://github.com/acme/template-db";
        assert!(names_repository(url, None, "template-db"));
        assert!(names_repository(
            "url:https://github.com/acme/template-db.git/",
            None,
            "template-db"
        ));
        assert!(names_repository(url, Some("acme"), "template-db"));
        assert!(names_repository(url, Some("ACME"), "template-db"));
        assert!(!names_repository(url, Some("open-service-portal"), "template-db"));
        assert!(!names_repository(url, None, "template-web"));
        assert!(!names_repository(
            "url:https://gitlab.com/acme/template-db",
            None,
            "template-db"
        ));
    }
}
