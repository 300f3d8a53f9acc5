use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an order carries an owner that resolves to a Backstage group:
    /// `backstage.io/owner` or `terasky.backstage.io/owner` as `group:<namespace>/<team>` (or
    /// `group:<team>`).
    ///
    /// ## Why is this bad?
    /// Backstage shows who owns the resource, and the ownership gate compares it with the namespace
    /// folder's owner.
    ///
    /// ## Example
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    ///   annotations:
    ///     terasky.backstage.io/owner: team-a
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    ///   annotations:
    ///     terasky.backstage.io/owner: group:default/team-a
    /// ```
    pub OspOrdOwnerAnnotation {
        id: "osp-ord-owner-annotation",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdOwnerAnnotation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.orders() {
            let owner = d
                .annotation("backstage.io/owner")
                .or_else(|| d.annotation("terasky.backstage.io/owner"));
            match owner {
                None => {
                    let at = d
                        .metadata()
                        .map(|m| d.span_of_key(m, "name"))
                        .unwrap_or_else(|| d.head_span());
                    out.report(at, "the order has no owner annotation")
                        .help("add `terasky.backstage.io/owner: group:default/<team>`");
                }
                Some(v) => {
                    let text = v.as_str().unwrap_or("");
                    if !text.starts_with("group:") || text.len() <= "group:".len() {
                        out.report(
                            d.span(v),
                            format!(
                                "owner {code0} is not a group reference (`group:default/<team>`)",
                                code0 = code(&text)
                            ),
                        );
                    }
                }
            }
        }
    }
}
