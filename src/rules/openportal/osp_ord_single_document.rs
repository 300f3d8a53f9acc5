use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that each order file holds exactly one YAML document, and that it is an XR (a kind
    /// with an XRD, or of an XRD's API group), not another kind.
    ///
    /// ## Why is this bad?
    /// One order per file and PR is what the review and auto-merge gates reason about; a Secret or
    /// ConfigMap slipped into an order file bypasses them.
    ///
    /// ## Example
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// spec:
    ///   name: demo
    ///   replicas: 2
    /// ---
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: extra
    ///   namespace: team-a
    /// ```
    ///
    /// Use instead: the order alone:
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// spec:
    ///   name: demo
    ///   replicas: 2
    /// ```
    pub OspOrdSingleDocument {
        id: "osp-ord-single-document",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdSingleDocument {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let mut per_file: std::collections::HashMap<crate::parse::source::FileId, usize> = Default::default();
        for d in ws.orders() {
            let n = per_file.entry(d.file).or_default();
            *n += 1;
            if *n == 2 {
                out.report(d.head_span(), "the order file holds more than one document")
                    .help("one order per file: split it");
            }
            let is_xr = ws.order_xrd(d).is_some()
                || ws.index.xr_groups.contains(d.group())
                || d.group().ends_with("openportal.dev");
            if d.is_object() && !is_xr && !crate::model::is_builtin_group(d.group()) {
                continue;
            }
            if d.is_object() && !is_xr {
                out.report(
                    d.kind_span(),
                    format!(
                        "{code0} is not an XR; order files hold composite resources only",
                        code0 = code(&d.kind)
                    ),
                );
            }
        }
    }
}
