use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// When an order has `terasky.backstage.io/source-file-url`, checks it is `<repo
    /// url>/blob/main/<the file's path>` (repo URL from `orders.repo-url`, default
    /// `https://github.com/<org>/<repo name>`: the organisation from `openportal.github-org` or
    /// the owner in the git remote `origin`; when neither names one, any owner is accepted; the
    /// repository name from `openportal.repo-name` or the git remote: when neither names it, any
    /// repository is accepted, never the checkout folder's name).
    ///
    /// ## Why is this bad?
    /// Backstage links the resource to its order through it; after a move the link points at a file
    /// that no longer exists (catalog-orders 419a75e).
    ///
    /// ## Example
    /// In `openportal/team-a/WhoAmIApp/demo-app.yaml`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// annotations:
    ///   terasky.backstage.io/owner: group:default/team-a
    ///   terasky.backstage.io/source-file-url: https://github.com/open-service-portal/catalog-orders/blob/main/openportal/cluster-scoped/WhoAmIApp/demo-app.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// annotations:
    ///   terasky.backstage.io/owner: group:default/team-a
    ///   terasky.backstage.io/source-file-url: https://github.com/open-service-portal/catalog-orders/blob/main/openportal/team-a/WhoAmIApp/demo-app.yaml
    /// ```
    ///
    /// ## In another organisation
    /// The organisation is the owner in the git remote `origin`, or `openportal.github-org`;
    /// without either, any owner is accepted. A repository served elsewhere than GitHub names
    /// its URL with `orders: {repo-url: https://git.example.com/team/orders}`.
    pub OspOrdSourceFileUrl {
        id: "osp-ord-source-file-url",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdSourceFileUrl {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let org = ws.github_org();
        // Without `orders.repo-url` nor a known organisation, any owner is accepted.
        // The checkout folder's name is not the repository's: without a known name (config or
        // git remote), any repository is accepted.
        let repo = if ws.repo.named { ws.repo.name.as_str() } else { "<repo>" };
        let base = ws
            .options
            .orders
            .repo_url
            .clone()
            .unwrap_or_else(|| format!("https://github.com/{}/{repo}", org.unwrap_or("<org>")));
        let any_owner = ws.options.orders.repo_url.is_none() && org.is_none();
        let any_repo = ws.options.orders.repo_url.is_none() && !ws.repo.named;
        for d in ws.orders() {
            let Some(n) = d.annotation("terasky.backstage.io/source-file-url") else {
                continue;
            };
            let got = n.as_str().unwrap_or("");
            let want = format!("{}/blob/main/{}", base.trim_end_matches('/'), ws.rel(d));
            // `https://github.com/<owner>/<repo>/blob/main/<path>`, split.
            let parts = got
                .strip_prefix("https://github.com/")
                .and_then(|rest| rest.split_once('/'))
                .and_then(|(owner, r)| {
                    let (name, path) = r.split_once("/blob/main/")?;
                    Some((owner, name, path))
                });
            let accepted = parts.is_some_and(|(owner, name, path)| {
                path == ws.rel(d)
                    && (any_owner || org.is_some_and(|o| o.eq_ignore_ascii_case(owner)))
                    && (any_repo || name == ws.repo.name)
            });
            if got != want && !((any_owner || any_repo) && accepted) {
                let path_of = |u: &str| {
                    u.split("/blob/")
                        .nth(1)
                        .and_then(|r| r.split_once('/'))
                        .map(|(_, p)| p.to_string())
                };
                let msg = match path_of(got) {
                    Some(p) if p != ws.rel(d) => {
                        format!("`source-file-url` points at {code0}, not this file", code0 = code(&p))
                    }
                    _ => format!(
                        "`source-file-url` is {code0}, expected {code1}",
                        code0 = code(&got),
                        code1 = code(&want)
                    ),
                };
                out.report(d.span(n), msg)
                    .help(format!("set it to {code0}", code0 = code(&want)));
            }
        }
    }
}
