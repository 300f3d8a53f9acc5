use crate::model::backstage::{doc_key, namespace, EntityRef};
use crate::model::Doc;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use std::collections::HashMap;

crate::declare_rule! {
    /// ## What it does
    /// Checks the Group hierarchy among the checked files: a group's `parent` lists it in
    /// `children`, a group listed in `children` does not name another `parent`, and following
    /// `parent` never comes back to the same group.
    ///
    /// ## Why is this bad?
    /// Backstage merges both directions into one tree; contradicting sides give a group two parents
    /// in the org chart, and a cycle breaks ownership aggregation.
    ///
    /// ## Example
    /// ```yaml fixture=fail/inconsistent.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Group
    /// metadata:
    ///   name: engineering
    /// spec:
    ///   type: department
    ///   children: [team-b]
    /// ---
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Group
    /// metadata:
    ///   name: team-a
    /// spec:
    ///   type: team
    ///   parent: engineering
    ///   children: []
    /// ```
    ///
    /// Use instead: list `team-a` under `engineering`'s `children`.
    /// ```yaml fixture=pass/consistent.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Group
    /// metadata:
    ///   name: engineering
    /// spec:
    ///   type: department
    ///   children: [team-a]
    /// ```
    pub BsGroupTree {
        id: "bs-group-tree",
        category: Suspicious,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

fn refs<'a>(doc: &'a Doc, field: &str) -> Vec<(&'a crate::parse::yaml::Node, String)> {
    let Some(v) = doc.spec().and_then(|s| s.get(field)) else {
        return Vec::new();
    };
    let nodes: Vec<&crate::parse::yaml::Node> = v.as_seq().map_or_else(|| vec![v], |s| s.iter().collect());
    nodes
        .into_iter()
        .filter_map(|n| {
            n.as_str()
                .filter(|s| !s.contains("${{"))
                .map(|s| (n, EntityRef::parse(s).key("Group", namespace(doc))))
        })
        .collect()
}

impl Rule for BsGroupTree {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let groups: HashMap<String, &Doc> = ws
            .entities()
            .filter(|d| d.kind == "Group")
            .filter_map(|d| Some((doc_key(d)?, d)))
            .collect();
        for (key, doc) in &groups {
            for (node, parent) in refs(doc, "parent") {
                let Some(p) = groups.get(&parent) else { continue };
                if !refs(p, "children").iter().any(|(_, c)| c == key) {
                    out.report(
                        doc.span(node),
                        format!(
                            "{code0} does not list {code1} in its `children`",
                            code0 = code(&parent),
                            code1 = code(&key)
                        ),
                    )
                    .label(p.span_of_key(p.spec().unwrap_or(&p.root), "children"), "its children")
                    .help("keep both sides of the hierarchy in step");
                }
            }
            for (node, child) in refs(doc, "children") {
                let Some(c) = groups.get(&child) else { continue };
                if let Some((pnode, other)) = refs(c, "parent").into_iter().find(|(_, p)| p != key) {
                    out.report(
                        doc.span(node),
                        format!(
                            "{code0} is listed here but names {code1} as its parent",
                            code0 = code(&child),
                            code1 = code(&other)
                        ),
                    )
                    .label(c.span(pnode), "its parent");
                }
            }
            // A cycle is reported once, at its smallest key.
            let mut seen = vec![key.clone()];
            let mut at = key.clone();
            while let Some((_, parent)) = groups.get(&at).and_then(|d| refs(d, "parent").into_iter().next()) {
                if parent == *key {
                    if seen.iter().min() == Some(key) {
                        let node = refs(doc, "parent")
                            .into_iter()
                            .next()
                            .map(|(n, _)| n)
                            .unwrap_or(&doc.root);
                        out.report(
                            doc.span(node),
                            format!("the group hierarchy has a cycle: {} -> {key}", seen.join(" -> ")),
                        )
                        .help("a group cannot be its own ancestor");
                    }
                    break;
                }
                if seen.contains(&parent) || seen.len() > groups.len() {
                    break;
                }
                seen.push(parent.clone());
                at = parent;
            }
        }
    }
}
