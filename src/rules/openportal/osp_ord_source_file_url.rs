use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// When an order has `terasky.backstage.io/source-file-url`, checks it is `<repo
    /// url>/blob/main/<the file's path>` (repo URL from `orders.repo-url`, default
    /// `https://github.com/<openportal.github-org>/<repo name>`).
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
    pub OspOrdSourceFileUrl {
        id: "osp-ord-source-file-url",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdSourceFileUrl {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let base = ws.options.orders.repo_url.clone().unwrap_or_else(|| {
            format!(
                "https://github.com/{}/{}",
                ws.options.openportal.github_org, ws.repo.name
            )
        });
        for d in ws.orders() {
            let Some(n) = d.annotation("terasky.backstage.io/source-file-url") else {
                continue;
            };
            let got = n.as_str().unwrap_or("");
            let want = format!("{}/blob/main/{}", base.trim_end_matches('/'), ws.rel(d));
            if got != want {
                let path_of = |u: &str| {
                    u.split("/blob/")
                        .nth(1)
                        .and_then(|r| r.split_once('/'))
                        .map(|(_, p)| p.to_string())
                };
                let msg = match path_of(got) {
                    Some(p) if p != ws.rel(d) => format!("`source-file-url` points at `{p}`, not this file"),
                    _ => format!("`source-file-url` is `{got}`, expected `{want}`"),
                };
                out.report(d.span(n), msg).help(format!("set it to `{want}`"));
            }
        }
    }
}
