use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags an order path segment that is `undefined`, `null` or empty, and a `basePath` with such
    /// a segment inside the `terasky.backstage.io/source-info` annotation.
    ///
    /// ## Why is this bad?
    /// These come from a template that rendered a missing value; the order lands in a folder nobody
    /// syncs or owns (catalog-orders history 3d24c25, 0de8ffd).
    ///
    /// ## Example
    /// `openportal/undefined/ManagedNamespace/team-b.yaml`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/undefined/ManagedNamespace/team-b.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: team-b
    /// ```
    ///
    /// Use instead: the folder the template meant, as for
    /// `openportal/system/ManagedNamespace/team-a.yaml`:
    /// ```yaml fixture=pass/catalog-orders file=openportal/system/ManagedNamespace/team-a.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: team-a
    /// ```
    pub OspOrdNoUndefinedSegment {
        id: "osp-ord-no-undefined-segment",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdNoUndefinedSegment {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let bad = |s: &str| matches!(s, "undefined" | "null" | "");
        for d in ws.orders() {
            let p = ws.order_path(d);
            if let Some(seg) = p.segments().find(|s| bad(s)) {
                out.report(
                    d.head_span(),
                    format!(
                        "the order's path has a {code0} segment: {code1}",
                        code0 = code(&seg),
                        code1 = code(&ws.rel(d))
                    ),
                )
                .help("the template that wrote it rendered a missing value; fix the path");
            }
            if let Some(info) = d.annotation("terasky.backstage.io/source-info") {
                let text = info.as_str().unwrap_or("");
                if let Some(i) = text.find("basePath") {
                    let rest = &text[i..];
                    let value = rest.split(['"', '\'']).nth(2).unwrap_or("");
                    if value.split('/').any(bad) {
                        out.report(
                            d.span(info),
                            format!("`source-info` has {code0}", code0 = code(&format!("basePath: {value}"))),
                        );
                    }
                }
            }
        }
    }
}
