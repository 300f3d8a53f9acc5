use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::{is_dns1123_subdomain, is_path_segment_name, is_templated, objects};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `metadata.name` is a DNS-1123 subdomain: at most 253 characters of
    /// lowercase letters, digits, `-` and `.`, starting and ending with an alphanumeric. This is
    /// the API server's default rule for object names (Namespaces and Services have stricter
    /// rules, see `k8s-dns1123-label` and `k8s-dns1035-label`). RBAC roles and bindings
    /// (`Role`, `ClusterRole`, `RoleBinding`, `ClusterRoleBinding`) are validated, as the API
    /// server does, only as path segments: `system:aggregate-to-edit` is a valid name there;
    /// `.`, `..`, `/` and `%` are not.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object; Flux fails the whole Kustomization.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: My.App
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: my.app
    /// ```
    pub K8sDns1123Subdomain {
        id: "k8s-dns1123-subdomain",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for K8sDns1123Subdomain {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in objects(ws) {
            if matches!(doc.kind.as_str(), "Namespace" | "Service") && doc.group().is_empty() {
                continue;
            }
            let Some(node) = doc.root.path(&["metadata", "name"]) else {
                continue;
            };
            let Some(name) = node.as_str() else { continue };
            if is_templated(name) {
                continue;
            }
            if is_rbac(doc) {
                if name.is_empty() || !is_path_segment_name(name) {
                    out.report(
                        doc.span(node),
                        format!("{code0} is not a valid {} name", doc.kind, code0 = code(&name)),
                    )
                    .help("RBAC names may be any non-empty text but `.` and `..`, without `/` or `%`");
                }
                continue;
            }
            if !is_dns1123_subdomain(name) {
                out.report(doc.span(node), format!("{code0} is not a valid object name", code0 = code(&name)))
                    .help("use at most 253 lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit");
            }
        }
    }
}

/// RBAC roles and bindings, whose names the API server checks only as path segments.
fn is_rbac(doc: &crate::model::Doc) -> bool {
    doc.group() == "rbac.authorization.k8s.io"
        && matches!(
            doc.kind.as_str(),
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
        )
}
