//! S10, the quotas: counts and sums of orders per namespace, cluster or team, before and after
//! the PR, and the reasons for the limits it breaches.

use super::block::{block_name, selects};
use super::order::{field, Order};
use super::policy::Per;
use super::quantity::{self, Quantity};
use super::{cel, Decision, Eval, QuotaUse, ReasonCode};
use crate::parse::source::Span;
use std::collections::{BTreeMap, BTreeSet};

impl Eval<'_> {
    /// S10: counts and sums, before and after, for every group the PR touches.
    pub(super) fn quotas(&mut self, pre: &[Order], post: &[Order]) {
        let req = self.req;
        let Some(blocks) = &req.policy.rules else { return };
        // Groups touched: those of changed orders after, and of changed or deleted ones before.
        let changed_paths: BTreeSet<&str> = req.changes.iter().map(|(p, _)| p.as_str()).collect();
        for (i, b) in blocks.iter().enumerate() {
            let name = block_name(i, b);
            for c in b.count.iter().flatten() {
                let per = c.per.unwrap_or_default();
                let what = c.kind.clone().unwrap_or_else(|| "orders".into());
                let take = |o: &&Order| selects(b, o) && c.kind.as_ref().is_none_or(|k| k == o.kind());
                let count = |set: &[Order]| {
                    let mut m: BTreeMap<String, (i128, Option<Span>)> = BTreeMap::new();
                    for o in set.iter().filter(take) {
                        let e = m.entry(self.group(per, o)).or_insert((0, None));
                        e.0 += 1;
                        if o.changed {
                            e.1 = Some(o.doc.head_span());
                        }
                    }
                    m
                };
                let (before, after) = (count(pre), count(post));
                let unit = quantity::PLAIN;
                let q = |n: i128| Quantity {
                    nanos: n * 1_000_000_000,
                    unit,
                };
                let touched = touched(pre, post, &changed_paths, |o| take(&o), |o| self.group(per, o));
                for g in touched {
                    let b4 = before.get(&g).map_or(0, |x| x.0);
                    let (af, at) = after.get(&g).map_or((0, None), |x| (x.0, x.1));
                    let limits = (c.soft.map(|s| q(i128::from(s))), c.hard.map(|h| q(i128::from(h))));
                    self.quota(
                        &name,
                        format!("count {what} per {} {g}", per_name(per)),
                        q(b4),
                        q(af),
                        limits,
                        at,
                    );
                }
            }
            for s in b.sum.iter().flatten() {
                let per = s.per.unwrap_or_default();
                let soft = s.soft.as_ref().and_then(|l| Quantity::parse(&l.text()).ok());
                let hard = s.hard.as_ref().and_then(|l| Quantity::parse(&l.text()).ok());
                let unit = hard.or(soft).map_or(quantity::PLAIN, |q| q.unit);
                let take = |o: &&Order| selects(b, o) && o.kind() == s.kind;
                let mut errors: Vec<(String, Span)> = Vec::new();
                let mut sum = |set: &[Order], this: &mut Self| {
                    let mut m: BTreeMap<String, (Quantity, Option<Span>)> = BTreeMap::new();
                    for o in set.iter().filter(take) {
                        if let Some(w) = &s.when {
                            match this.eval(w, o) {
                                cel::Evaluation::True => {}
                                cel::Evaluation::False => continue,
                                cel::Evaluation::Error(e) => {
                                    errors.push((
                                        format!(
                                            "{code0} cannot be evaluated ({e}); it does not pass",
                                            code0 = crate::parse::text::code(&w)
                                        ),
                                        o.doc.head_span(),
                                    ));
                                    continue;
                                }
                            }
                        }
                        let e = m.entry(this.group(per, o)).or_insert((Quantity::zero(unit), None));
                        if o.changed {
                            e.1 = Some(o.doc.span(o.doc.root.deepest(&s.field)));
                        }
                        let Some(v) = field(&o.object, &s.field) else { continue };
                        let text = match v {
                            serde_json::Value::String(t) => t.clone(),
                            other => other.to_string(),
                        };
                        match Quantity::parse(&text) {
                            Ok(q) => e.0 = e.0.plus(q),
                            Err(err) => errors.push((err, o.doc.span(o.doc.root.deepest(&s.field)))),
                        }
                    }
                    m
                };
                let before = sum(pre, self);
                let after = sum(post, self);
                for (message, span) in errors {
                    self.add(
                        ReasonCode::PolicyError,
                        Decision::ReviewRequired,
                        Some(name.clone()),
                        message,
                        Some(span),
                    );
                }
                let touched = touched(pre, post, &changed_paths, |o| take(&o), |o| self.group(per, o));
                for g in touched {
                    let zero = Quantity::zero(unit);
                    let b4 = before.get(&g).map_or(zero, |x| x.0);
                    let (af, at) = after.get(&g).map_or((zero, None), |x| (x.0, x.1));
                    let label = format!("sum {}.{} per {} {g}", s.kind, s.field, per_name(per));
                    self.quota(&name, label, b4, af, (soft, hard), at);
                }
            }
        }
    }

    /// Records a quota's use; a breach the PR makes worse is a reason.
    fn quota(
        &mut self,
        name: &str,
        label: String,
        before: Quantity,
        after: Quantity,
        (soft, hard): (Option<Quantity>, Option<Quantity>),
        at: Option<Span>,
    ) {
        let unit = hard.or(soft).map_or(after.unit, |q| q.unit);
        let show = |q: Quantity| q.with_unit(unit).to_string();
        let usage = QuotaUse {
            quota: label.clone(),
            before: show(before),
            after: show(after),
            soft: soft.map(show),
            hard: hard.map(show),
        };
        let worse = after > before;
        let breach = if hard.is_some_and(|h| after > h) && worse {
            Some((ReasonCode::QuotaHard, Decision::Reject, "hard", hard))
        } else if soft.is_some_and(|s| after > s) && worse {
            Some((ReasonCode::QuotaSoft, Decision::ReviewRequired, "soft", soft))
        } else {
            None
        };
        if let Some((code, decision, level, Some(limit))) = breach {
            self.add(
                code,
                decision,
                Some(name.to_string()),
                format!(
                    "{label}: {} → {} is over the {level} limit {}",
                    show(before),
                    show(after),
                    show(limit)
                ),
                at,
            );
            if let Some(r) = self.reasons.last_mut() {
                r.quota = Some(usage.clone());
            }
        }
        self.quotas.push(usage);
    }

    /// The group key of an order for a quota.
    fn group(&self, per: Per, o: &Order) -> String {
        match per {
            Per::Namespace => o.place(),
            Per::Cluster => {
                if o.cluster.is_empty() {
                    "(all)".into()
                } else {
                    o.cluster.to_string()
                }
            }
            Per::Team => self
                .req
                .codeowners
                .map(|c| c.owners_of(o.rel).join(" "))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "(unowned)".into()),
        }
    }
}

/// The groups of the orders the PR adds, modifies or deletes.
fn touched<'o>(
    pre: &'o [Order<'o>],
    post: &'o [Order<'o>],
    changed: &BTreeSet<&str>,
    take: impl Fn(&Order) -> bool,
    group: impl Fn(&Order) -> String,
) -> BTreeSet<String> {
    post.iter()
        .filter(|o| o.changed)
        .chain(pre.iter().filter(|o| changed.contains(o.rel)))
        .filter(|o| take(o))
        .map(group)
        .collect()
}

fn per_name(per: Per) -> &'static str {
    match per {
        Per::Namespace => "namespace",
        Per::Cluster => "cluster",
        Per::Team => "team",
    }
}
