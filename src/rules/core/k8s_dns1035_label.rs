use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_dns1035_label, is_templated, objects};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `Service` name is a DNS-1035 label: at most 63 lowercase letters, digits
    /// and `-`, starting with a letter and ending with an alphanumeric. (XRD names and version
    /// names follow the same rule; `xp-xrd-names` and `xp-xrd-version-names` check those.)
    ///
    /// ## Why is this bad?
    /// The API server rejects the Service, because its name becomes a DNS name and environment
    /// variable prefix.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: 3d-render
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: render-3d
    /// ```
    pub K8sDns1035Label {
        id: "k8s-dns1035-label",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for K8sDns1035Label {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in objects(ws).filter(|d| d.kind == "Service" && d.group().is_empty()) {
            let Some(node) = doc.root.path(&["metadata", "name"]) else {
                continue;
            };
            let Some(v) = node.as_str() else { continue };
            if !is_dns1035_label(v) && !is_templated(v) {
                out.report(
                    doc.span(node),
                    format!("{code0} is not a valid Service name", code0 = code(&v)),
                )
                .help("use at most 63 lowercase letters, digits and `-`, starting with a letter");
            }
        }
    }
}
