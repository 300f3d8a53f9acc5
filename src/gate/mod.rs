//! The verdict on an order PR: `auto-merge`, `review-required` or `reject`, with every reason.
//!
//! Pure function of the post-merge workspace, its findings, the PR's changes, and the policy
//! and CODEOWNERS read from the base revision (a PR cannot approve itself). The conditions are
//! RULES.md §6.2 (S1–S13, each with its reason code) and the quotas of §6.3: a hard breach or
//! an error finding rejects, anything soft needs a review, and only a PR that adds order files
//! and passes everything is `auto-merge`.
//!
//! [`evaluate`] runs the checks, one file per concern: `changes` (the PR as a whole, S1–S4,
//! S12), `owners` (requester, ownership, S13), `order` (each changed order, S5, S7–S9, S11),
//! `block` (the policy's rule blocks: field limits, sensitive conditions, CEL) and `quota` (S10).

pub mod cel;
pub use crate::model::codeowners;
pub use crate::model::orders::{owner_annotation, Requester};
pub mod policy;
pub mod quantity;
pub mod reason;
pub use reason::ReasonCode;

mod block;
mod changes;
mod decision;
mod order;
mod owners;
mod quota;

pub use decision::{Decision, QuotaUse, Reason, Verdict};

use crate::git::ChangeKind;
use crate::model::Workspace;
use crate::parse::source::Span;
use crate::rules::diagnostic::Diagnostic;
use codeowners::CodeOwners;
use order::{order, Order};
use owners::requester;
use policy::Policy;
use std::collections::HashMap;

/// What the verdict is computed from.
pub struct Request<'a> {
    /// The post-merge tree.
    pub ws: &'a Workspace,
    /// Its findings, after the config's severity overrides.
    pub diagnostics: &'a [Diagnostic],
    /// For each of `diagnostics`, whether the base revision had it already (same
    /// fingerprint); empty when the base was not checked (every finding is new).
    pub existing: &'a [bool],
    /// The PR's changes (paths relative to the root).
    pub changes: &'a [(String, ChangeKind)],
    /// The policy, from the base revision.
    pub policy: &'a Policy,
    /// CODEOWNERS, from the base revision.
    pub codeowners: Option<&'a CodeOwners>,
    /// The PR author's login.
    pub author: Option<&'a str>,
    /// The PR's branch name.
    pub branch: Option<&'a str>,
    /// The branch the PR targets.
    pub target_branch: Option<&'a str>,
    /// Files that decide (config, policy file, CODEOWNERS): changing one needs a review.
    pub deciding_files: &'a [String],
    /// Paths changed both by the PR and on the base since they diverged.
    pub conflicts: &'a [String],
    /// Symlinks, executable files and submodules the PR adds or changes, with their kind.
    pub special: &'a [(String, &'static str)],
}

struct Eval<'a> {
    req: &'a Request<'a>,
    reasons: Vec<Reason>,
    existing: Vec<Reason>,
    quotas: Vec<QuotaUse>,
    programs: HashMap<String, Option<cel::Compiled>>,
}

/// Computes the verdict.
pub fn evaluate(req: &Request) -> Verdict {
    let ws = req.ws;
    let changed: HashMap<&str, ChangeKind> = req.changes.iter().map(|(p, k)| (p.as_str(), *k)).collect();
    let base_label = ws.pr.as_ref().map(|p| format!("{}:", p.base)).unwrap_or_default();
    let mut schemas = HashMap::new();
    let post: Vec<Order> = ws
        .orders()
        .filter_map(|d| order(ws, d, ws.rel(d), changed.contains_key(ws.rel(d)), &mut schemas))
        .collect();
    // The base: unchanged orders, plus the base versions of modified and deleted ones.
    let mut pre: Vec<Order> = post
        .iter()
        .filter(|o| !o.changed)
        .map(|o| Order {
            object: o.object.clone(),
            ..*o
        })
        .collect();
    for d in &ws.base_docs {
        let rel = ws.rel(d);
        let Some(rel) = rel.strip_prefix(base_label.as_str()) else {
            continue;
        };
        if crate::model::orders::is_order_path(ws.repo.orders, rel) && !d.kind.is_empty() && d.kind != "Kustomization" {
            pre.extend(order(ws, d, rel, false, &mut schemas));
        }
    }
    let mut e = Eval {
        req,
        reasons: Vec::new(),
        existing: Vec::new(),
        quotas: Vec::new(),
        programs: HashMap::new(),
    };
    e.changes(&post);
    e.lint();
    e.identity(&post);
    for o in post.iter().filter(|o| o.changed) {
        e.order(o);
    }
    e.quotas(&pre, &post);
    let mut reasons = e.reasons;
    reasons.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.code, &a.message).cmp(&(&b.file, b.line, b.column, &b.code, &b.message))
    });
    reasons.dedup_by(|a, b| a.code == b.code && a.file == b.file && a.line == b.line && a.message == b.message);
    let decision = reasons.iter().map(|r| r.decision).max().unwrap_or(Decision::AutoMerge);
    let mut requesters: Vec<String> = post
        .iter()
        .filter(|o| o.changed)
        .flat_map(|o| requester(req, o))
        .map(|r| r.to_string())
        .collect();
    if requesters.is_empty() {
        requesters.extend(req.author.map(|a| format!("@{a}")));
    }
    requesters.sort();
    requesters.dedup();
    Verdict {
        decision,
        requesters,
        changes: req
            .changes
            .iter()
            .map(|(p, k)| {
                let k = match k {
                    ChangeKind::Added => "A",
                    ChangeKind::Modified => "M",
                    ChangeKind::Deleted => "D",
                };
                (k.to_string(), p.clone())
            })
            .collect(),
        reasons,
        existing: e.existing,
        quotas: e.quotas,
    }
}

impl Eval<'_> {
    fn add(&mut self, code: ReasonCode, decision: Decision, rule: Option<String>, message: String, at: Option<Span>) {
        let ws = self.req.ws;
        let (file, line, column) = match at {
            Some(span) => {
                let f = ws.sources.get(span.file);
                let (l, c) = f.line_col(span.start);
                (Some(f.rel.clone()), Some(l), Some(c))
            }
            None => (None, None, None),
        };
        self.reasons.push(Reason {
            code,
            decision,
            rule,
            message,
            file,
            line,
            column,
            quota: None,
        });
    }

    fn path_reason(&mut self, code: ReasonCode, decision: Decision, message: String, path: &str) {
        self.reasons.push(Reason {
            code,
            decision,
            rule: None,
            message,
            file: Some(path.to_string()),
            line: None,
            column: None,
            quota: None,
        });
    }
}
