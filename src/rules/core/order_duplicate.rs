use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags two orders with the same group, kind, namespace and name in the same cluster
    /// folder of the orders repository (the same XR under two cluster folders is no duplicate:
    /// Flux applies each folder to its own cluster).
    ///
    /// ## Why is this bad?
    /// Flux applies both to the same object: one silently overwrites the other, and pruning one
    /// deletes the resource the other still declares.
    ///
    /// ## Example
    /// `demo-app-copy.yaml` defines the WhoAmIApp `team-a/demo-app`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app-copy.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    /// and so does `demo-app.yaml` next to it:
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    ///
    /// Use instead: one file per object (the copy deleted).
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    pub OrderDuplicate {
        id: "order-duplicate",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for OrderDuplicate {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        // Keyed by strings of the documents themselves: nothing is copied per order.
        // The cluster folder is part of the key: each is applied to its own cluster.
        let mut seen: std::collections::HashMap<(&str, &str, &str, &str, &str), crate::parse::source::Span> =
            std::collections::HashMap::with_capacity(ws.docs.len());
        for d in ws.orders() {
            let Some(name) = d.name() else { continue };
            let ns = d.root.str_at(&["metadata", "namespace"]).unwrap_or("");
            let cluster = ws.order_path(d).cluster.unwrap_or("");
            let key = (cluster, d.group(), d.kind.as_str(), ns, name);
            let at = d
                .root
                .path(&["metadata", "name"])
                .map(|n| d.span(n))
                .unwrap_or_else(|| d.head_span());
            match seen.entry(key) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    let first = first.get();
                    out.report(
                        at,
                        format!(
                            "another order already defines {code0} {code1}{}",
                            if ns.is_empty() {
                                String::new()
                            } else {
                                format!(" in {code0}", code0 = code(&ns))
                            },
                            code0 = code(&d.kind),
                            code1 = code(&name)
                        ),
                    )
                    .label(*first, "first defined here");
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(at);
                }
            }
        }
    }
}
