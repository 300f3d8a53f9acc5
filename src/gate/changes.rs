//! The PR-wide conditions: what the changes are (S1–S3, S12, conflicts, deciding files, an
//! empty PR) and the error findings in the areas they touch (S4).

use super::order::Order;
use super::policy::ExistingFindings;
use super::{Decision, Eval, ReasonCode};
use crate::git::ChangeKind;
use crate::model::Layout;
use crate::parse::text::code;
use crate::rules::diagnostic::{Diagnostic, Severity};
use std::collections::BTreeSet;

/// Findings that do not block a verdict: order PRs never touch the cluster kustomizations,
/// which the update-kustomizations workflow regenerates on the base after the merge (RULES.md
/// §6.5 gate-post-merge: `portalint check` on the base verifies them there).
const NOT_BLOCKING: &[crate::rules::RuleId] = &[crate::rules::RuleId::OspOrdKustomizationSync];

impl Eval<'_> {
    /// S1, S2, S3, S12, conflicts, deciding files, an empty PR.
    pub(super) fn changes(&mut self, post: &[Order]) {
        let req = self.req;
        let review = Decision::ReviewRequired;
        if req.changes.is_empty() && req.special.is_empty() {
            self.add(ReasonCode::Empty, review, None, "the PR changes nothing".into(), None);
        }
        let wanted = req.policy.base_branch();
        if let Some(target) = req.target_branch.filter(|t| *t != wanted) {
            self.add(
                ReasonCode::Base,
                review,
                None,
                format!(
                    "the PR targets {code0}, not {code1}, the branch Flux syncs",
                    code0 = code(&target),
                    code1 = code(&wanted)
                ),
                None,
            );
        }
        for (path, kind) in req.changes {
            if req.deciding_files.contains(path) {
                self.path_reason(
                    ReasonCode::PolicyChanged,
                    review,
                    format!(
                        "the PR changes {code0}, which decides what may be merged (read from the base)",
                        code0 = code(&path)
                    ),
                    path,
                );
            }
            match kind {
                ChangeKind::Modified => self.path_reason(
                    ReasonCode::Modify,
                    review,
                    "an existing file is modified; only new orders are merged without review".into(),
                    path,
                ),
                ChangeKind::Deleted => self.path_reason(
                    ReasonCode::Delete,
                    review,
                    "a file is deleted; Flux prunes, so this deletes the resources it declares".into(),
                    path,
                ),
                ChangeKind::Added => {}
            }
            let shaped = crate::model::orders::is_order_path(req.ws.repo.orders, path) && path.split('/').count() == 4;
            if !shaped {
                self.path_reason(
                    ReasonCode::NonOrderPath,
                    review,
                    "not an order file (`<cluster>/<namespace>/<Kind>/<name>.yaml`); only order files are auto-merged"
                        .into(),
                    path,
                );
            } else if *kind != ChangeKind::Deleted && req.ws.docs_in(path).filter(|d| d.is_object()).count() != 1 {
                self.path_reason(
                    ReasonCode::MultiDoc,
                    review,
                    "an order file must hold exactly one document".into(),
                    path,
                );
            }
        }
        for (path, kind) in req.special {
            self.path_reason(
                ReasonCode::Mode,
                review,
                format!("the PR adds or changes a {kind}; orders are regular files"),
                path,
            );
        }
        for path in req.conflicts {
            self.path_reason(
                ReasonCode::Conflict,
                review,
                "changed by the PR and on the base since the PR branched; rebase and re-evaluate".into(),
                path,
            );
        }
        let max = req.policy.max_files();
        let places: BTreeSet<String> = post.iter().filter(|o| o.changed).map(Order::place).collect();
        if req.changes.len() > max || places.len() > 1 {
            self.add(
                ReasonCode::Multi,
                review,
                None,
                format!(
                    "the PR changes {} file(s) in {} namespace(s); auto-merge takes at most {max} file(s) in one namespace",
                    req.changes.len(),
                    places.len()
                ),
                None,
            );
        }
    }

    /// S4: no error finding in the changed files or in the clusters or namespaces they touch.
    pub(super) fn lint(&mut self) {
        let req = self.req;
        let ws = req.ws;
        let mut areas: BTreeSet<String> = BTreeSet::new();
        for (path, _) in req.changes {
            let seg: Vec<&str> = path.split('/').collect();
            if seg.len() >= 2 {
                areas.insert(match ws.repo.orders {
                    Some(Layout::Namespaces) => format!("{}/{}/", seg[0], seg[1]),
                    _ => format!("{}/", seg[0]),
                });
            }
        }
        let changed: BTreeSet<&str> = req.changes.iter().map(|(p, _)| p.as_str()).collect();
        // A finding between two files whose primary node is in a file the PR did not change
        // is the PR's when a label lies in a file it changed: reported there.
        let label_at = |d: &Diagnostic| {
            let primary = ws.sources.get(d.primary.span.file).rel.as_str();
            (!changed.contains(primary))
                .then(|| {
                    d.secondary
                        .iter()
                        .find(|l| changed.contains(ws.sources.get(l.span.file).rel.as_str()))
                        .map(|l| l.span)
                })
                .flatten()
        };
        let errors: Vec<(usize, &Diagnostic)> = req
            .diagnostics
            .iter()
            .enumerate()
            .filter(|(_, d)| d.severity == Severity::Error && !NOT_BLOCKING.contains(&d.rule))
            .filter(|(_, d)| {
                let rel = ws.sources.get(d.primary.span.file).rel.as_str();
                changed.contains(rel) || areas.iter().any(|a| rel.starts_with(a.as_str())) || label_at(d).is_some()
            })
            .collect();
        let policy = req.policy.existing_findings();
        for (i, d) in errors {
            // A finding the base had is not the PR's doing: listed as existing, or not at all.
            if req.existing.get(i).copied().unwrap_or(false) && policy != ExistingFindings::Block {
                if policy == ExistingFindings::Report {
                    let before = self.reasons.len();
                    self.add(
                        ReasonCode::Lint,
                        Decision::Reject,
                        Some(d.rule.as_str().to_string()),
                        d.message.clone(),
                        Some(label_at(d).unwrap_or(d.primary.span)),
                    );
                    let moved = self.reasons.drain(before..);
                    self.existing.extend(moved);
                }
                continue;
            }
            self.add(
                ReasonCode::Lint,
                Decision::Reject,
                Some(d.rule.as_str().to_string()),
                d.message.clone(),
                Some(label_at(d).unwrap_or(d.primary.span)),
            );
        }
    }
}
