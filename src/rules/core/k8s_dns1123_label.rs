use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_dns1123_label, is_templated, objects};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the names the API server requires to be DNS-1123 labels (at most 63 lowercase
    /// letters, digits and `-`, starting and ending with an alphanumeric): `metadata.namespace`
    /// of every object, and the name of a `Namespace`.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object (a namespace name is also a DNS label inside the
    /// cluster).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team.frontend
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: team-frontend
    /// ```
    pub K8sDns1123Label {
        id: "k8s-dns1123-label",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for K8sDns1123Label {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in objects(ws) {
            let mut targets = vec![];
            if doc.kind == "Namespace" && doc.group().is_empty() {
                targets.push(("namespace name", doc.root.path(&["metadata", "name"])));
            }
            targets.push(("namespace", doc.root.path(&["metadata", "namespace"])));
            for (what, node) in targets {
                let Some(node) = node else { continue };
                let Some(v) = node.as_str() else { continue };
                if !is_dns1123_label(v) && !is_templated(v) {
                    out.report(
                        doc.span(node),
                        format!("{code0} is not a valid {what}", code0 = code(&v)),
                    )
                    .help(
                        "use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit",
                    );
                }
            }
        }
    }
}
