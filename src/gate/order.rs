//! One order as the gate sees it (its place, and its object with the XRD's defaults applied),
//! and the per-order conditions: kinds, scope, protected clusters, ownership and pinning.

use super::block::{block_name, glob_match, matching};
use super::owners::{owns, requester};
use super::policy::Block;
use super::{Decision, Eval, ReasonCode};
use crate::model::{Doc, Layout, Workspace};
use crate::parse::text::code;
use std::collections::HashMap;

/// An order of the post-merge tree or of the base.
pub(super) struct Order<'a> {
    pub(super) doc: &'a Doc,
    /// Path relative to the root (without the `<base>:` label).
    pub(super) rel: &'a str,
    pub(super) cluster: &'a str,
    pub(super) namespace: &'a str,
    /// The order with the XRD's defaults applied.
    pub(super) object: std::rc::Rc<serde_json::Value>,
    /// True when the PR adds or modifies its file.
    pub(super) changed: bool,
    pub(super) namespaced: bool,
}

impl Order<'_> {
    pub(super) fn kind(&self) -> &str {
        &self.doc.kind
    }

    pub(super) fn place(&self) -> String {
        if self.cluster.is_empty() {
            self.namespace.to_string()
        } else {
            format!("{}/{}", self.cluster, self.namespace)
        }
    }
}

/// The XRD schemas as JSON, converted once per (XRD, version).
type Schemas = HashMap<(crate::parse::source::FileId, u32, String), std::rc::Rc<serde_json::Value>>;

pub(super) fn order<'a>(
    ws: &'a Workspace,
    doc: &'a Doc,
    rel: &'a str,
    changed: bool,
    schemas: &mut Schemas,
) -> Option<Order<'a>> {
    let seg: Vec<&str> = rel.split('/').collect();
    let (cluster, namespace) = match ws.repo.orders {
        Some(Layout::Namespaces) => ("", *seg.get(1)?),
        _ => (*seg.first()?, *seg.get(1)?),
    };
    let mut object = doc.root.to_json();
    let mut namespaced = true;
    if let Some((x, _)) = ws.order_xrd(doc) {
        namespaced = x.is_namespaced();
        if let Some(node) = x.version(doc.version()).and_then(|v| v.schema) {
            // As the API server does, a defaulted object gets its own fields' defaults too;
            // `apply_defaults` descends only into values that were present, so repeat it
            // (one level per pass) until nothing changes.
            let key = (x.0.file, node.start, doc.version().to_string());
            let schema = schemas
                .entry(key)
                .or_insert_with(|| std::rc::Rc::new(node.to_json()))
                .clone();
            for _ in 0..32 {
                let next = kube_cel::apply_defaults(&schema, &object);
                if next == object {
                    break;
                }
                object = next;
            }
        }
    }
    Some(Order {
        doc,
        rel,
        cluster,
        namespace,
        object: std::rc::Rc::new(object),
        changed,
        namespaced,
    })
}

/// A field of a JSON object by dotted path.
pub(super) fn field<'v>(object: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.')
        .filter(|s| !s.is_empty())
        .try_fold(object, |v, key| v.get(key))
}

impl Eval<'_> {
    /// The per-order conditions: kinds, scope, protected clusters, ownership, pinning, field
    /// limits, sensitive conditions and CEL rules.
    pub(super) fn order(&mut self, o: &Order) {
        let req = self.req;
        let policy = req.policy;
        let review = Decision::ReviewRequired;
        let head = o.doc.head_span();
        let kind_at = o.doc.kind_span();
        let blocks: Vec<(usize, &Block)> = matching(policy, o).collect();
        let kind = o.kind().to_string();
        // Q5: allowed and denied kinds.
        for (i, b) in &blocks {
            let denied = b.denied_kinds.as_ref().is_some_and(|d| d.contains(&kind))
                || b.allowed_kinds.as_ref().is_some_and(|a| !a.contains(&kind));
            if denied {
                self.add(
                    ReasonCode::KindDenied,
                    Decision::Reject,
                    Some(block_name(*i, b)),
                    format!(
                        "{code0} may not be ordered in {code1}",
                        code0 = code(&kind),
                        code1 = code(&o.place())
                    ),
                    Some(kind_at),
                );
            }
        }
        // S5: the auto-merge allowlist (policy, else the XRD's opt-in annotation).
        let listed = policy.auto_merge_kinds.iter().flatten().any(|k| *k == kind)
            || blocks
                .iter()
                .any(|(_, b)| b.auto_merge_kinds.iter().flatten().any(|k| *k == kind));
        let opted_in = req.ws.order_xrd(o.doc).is_some_and(|(x, _)| {
            x.0.annotation("openportal.dev/auto-merge")
                .and_then(|n| n.scalar_text())
                .as_deref()
                == Some("true")
        });
        if !listed && !opted_in {
            self.add(
                ReasonCode::Kind,
                review,
                None,
                format!("{code0} is not on the auto-merge allowlist (policy `auto-merge-kinds`, or the XRD annotation `openportal.dev/auto-merge: \"true\"`)", code0 = code(&kind)),
                Some(kind_at),
            );
        }
        // S7: cluster-scoped kinds and the platform's `system` namespace.
        if !o.namespaced || o.namespace == "system" {
            self.add(
                ReasonCode::ClusterScoped,
                review,
                None,
                if o.namespaced {
                    "orders in `system/` are platform infrastructure".to_string()
                } else {
                    format!(
                        "{code0} is cluster-scoped: it creates cluster-wide resources",
                        code0 = code(&kind)
                    )
                },
                Some(kind_at),
            );
        }
        // S8: protected clusters.
        let protected = policy
            .protected_clusters
            .iter()
            .flatten()
            .any(|g| !o.cluster.is_empty() && glob_match(g, o.cluster));
        if protected {
            self.add(
                ReasonCode::Prod,
                review,
                None,
                format!(
                    "cluster {code0} is protected: every order needs a review",
                    code0 = code(&o.cluster)
                ),
                Some(head),
            );
        }
        // S9: the requester owns the namespace folder.
        if let Some(co) = req.codeowners {
            let owners = co.owners_of(o.rel);
            let strength = if protected { Decision::Reject } else { review };
            match requester(req, o) {
                None if req.author.is_some() => self.add(
                    ReasonCode::Owner,
                    strength,
                    Some("gate-owner-consistency".into()),
                    "the PR comes from the Backstage bot but the order names no owner annotation".into(),
                    Some(head),
                ),
                None => {}
                Some(who) if !owns(policy, &owners, &who) => {
                    let owned_by = if owners.is_empty() {
                        "no one".to_string()
                    } else {
                        owners.join(" ")
                    };
                    self.add(
                        ReasonCode::Owner,
                        strength,
                        Some("CODEOWNERS".into()),
                        format!(
                            "{who} does not own {code0} (owned by {owned_by})",
                            code0 = code(&format!("{}/", o.place()))
                        ),
                        Some(head),
                    );
                }
                Some(_) => {}
            }
        }
        // S11: composition pinning or a manual update policy.
        let spec = o.doc.spec();
        for path in [
            &["crossplane", "compositionRef"][..],
            &["crossplane", "compositionRevisionRef"],
            &["crossplane", "compositionSelector"],
            &["compositionRef"],
            &["compositionRevisionRef"],
            &["compositionSelector"],
        ] {
            if let Some(n) = spec.and_then(|s| s.path(path)) {
                self.add(
                    ReasonCode::Pinning,
                    review,
                    None,
                    format!(
                        "{code0} pins the composition",
                        code0 = code(&format!("spec.{}", path.join(".")))
                    ),
                    Some(o.doc.span(n)),
                );
            }
        }
        for path in [
            &["crossplane", "compositionUpdatePolicy"][..],
            &["compositionUpdatePolicy"],
        ] {
            if let Some(n) = spec.and_then(|s| s.path(path)).filter(|n| n.as_str() == Some("Manual")) {
                self.add(
                    ReasonCode::Pinning,
                    review,
                    None,
                    "`compositionUpdatePolicy: Manual` holds the order on an old composition revision".into(),
                    Some(o.doc.span(n)),
                );
            }
        }
        for (i, b) in blocks {
            self.block_rules(i, b, o);
        }
    }
}
