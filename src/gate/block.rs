//! The policy's rule blocks for one order: which blocks select it, their field limits,
//! sensitive conditions and CEL rules (compiled once per expression).

use super::order::{field, Order};
use super::policy::{Block, Policy, Strength};
use super::quantity::Quantity;
use super::{cel, Decision, Eval, ReasonCode};
use std::collections::HashMap;

/// Matches a policy glob (compiled once per pattern and thread).
pub(super) fn glob_match(pattern: &str, text: &str) -> bool {
    thread_local! {
        static GLOBS: std::cell::RefCell<HashMap<String, Option<globset::GlobMatcher>>> = Default::default();
    }
    GLOBS.with(|g| {
        g.borrow_mut()
            .entry(pattern.to_string())
            .or_insert_with(|| globset::Glob::new(pattern).ok().map(|g| g.compile_matcher()))
            .as_ref()
            .is_some_and(|m| m.is_match(text))
    })
}

impl Eval<'_> {
    fn program(&mut self, expression: &str) -> Option<&cel::Compiled> {
        self.programs
            .entry(expression.to_string())
            .or_insert_with(|| cel::compile(expression).ok())
            .as_ref()
    }

    /// A block's field limits, sensitive conditions and CEL rules for one order.
    pub(super) fn block_rules(&mut self, i: usize, b: &Block, o: &Order) {
        let name = block_name(i, b);
        let kind = o.kind().to_string();
        let for_kind = |k: &Option<String>| k.as_ref().is_none_or(|k| *k == kind);
        let at = |path: &str| {
            let node = o.doc.root.deepest(path);
            o.doc.span(node)
        };
        for f in b.fields.iter().flatten().filter(|f| for_kind(&f.kind)) {
            let decision = strength(f.level);
            let Some(value) = field(&o.object, &f.field) else {
                continue;
            };
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let mut broken: Vec<String> = Vec::new();
            for (limit, is_max) in [(&f.max, true), (&f.min, false)] {
                let Some(limit) = limit else { continue };
                let (Ok(v), Ok(l)) = (Quantity::parse(&text), Quantity::parse(&limit.text())) else {
                    broken.push(format!(
                        "{code0} is not a number or quantity",
                        code0 = crate::parse::text::code(&f.field)
                    ));
                    continue;
                };
                if (is_max && v > l) || (!is_max && v < l) {
                    broken.push(format!(
                        "{code0} is {text}, {} {}",
                        if is_max {
                            "above the maximum"
                        } else {
                            "below the minimum"
                        },
                        limit.text(),
                        code0 = crate::parse::text::code(&f.field)
                    ));
                }
            }
            if let Some(values) = &f.one_of {
                if !values.contains(&text) {
                    broken.push(format!(
                        "{code0} is {code1}, not one of {}",
                        values.join(", "),
                        code0 = crate::parse::text::code(&f.field),
                        code1 = crate::parse::text::code(&text)
                    ));
                }
            }
            if let Some(p) = &f.pattern {
                if !regex::Regex::new(p).is_ok_and(|r| r.is_match(&text)) {
                    broken.push(format!(
                        "{code0} is {code1}, which does not match {code2}",
                        code0 = crate::parse::text::code(&f.field),
                        code1 = crate::parse::text::code(&text),
                        code2 = crate::parse::text::code(&p)
                    ));
                }
            }
            for m in broken {
                let message = f.message.as_ref().map_or(m.clone(), |msg| format!("{msg} ({m})"));
                let code = if decision == Decision::Reject {
                    ReasonCode::FieldHard
                } else {
                    ReasonCode::FieldSoft
                };
                self.add(code, decision, Some(name.clone()), message, Some(at(&f.field)));
            }
        }
        for s in b.sensitive.iter().flatten().filter(|s| for_kind(&s.kind)) {
            let hit = match &s.when {
                None => cel::Evaluation::True,
                Some(expr) => self.eval(expr, o),
            };
            let message = s.message.clone().unwrap_or_else(|| match &s.when {
                Some(w) => format!(
                    "{code0} where {code1} needs a review",
                    code0 = crate::parse::text::code(&kind),
                    code1 = crate::parse::text::code(&w)
                ),
                None => format!("{code0} needs a review", code0 = crate::parse::text::code(&kind)),
            });
            match hit {
                cel::Evaluation::True => self.add(
                    ReasonCode::Custom(s.reason.clone()),
                    Decision::ReviewRequired,
                    Some(name.clone()),
                    message,
                    Some(o.doc.head_span()),
                ),
                cel::Evaluation::False => {}
                cel::Evaluation::Error(e) => self.cel_error(&name, s.when.as_deref().unwrap_or(""), &e, o),
            }
        }
        for c in b.cel.iter().flatten().filter(|c| for_kind(&c.kind)) {
            match self.eval(&c.expression, o) {
                cel::Evaluation::True => {}
                cel::Evaluation::False => {
                    let decision = strength(c.level);
                    let code = if decision == Decision::Reject {
                        ReasonCode::CelHard
                    } else {
                        ReasonCode::CelSoft
                    };
                    let message = c.message.clone().unwrap_or_else(|| {
                        format!("{code0} is false", code0 = crate::parse::text::code(&c.expression))
                    });
                    self.add(code, decision, Some(name.clone()), message, Some(o.doc.head_span()));
                }
                cel::Evaluation::Error(e) => self.cel_error(&name, &c.expression, &e, o),
            }
        }
    }

    pub(super) fn eval(&mut self, expression: &str, o: &Order) -> cel::Evaluation {
        match self.program(expression) {
            Some(p) => cel::evaluate(p, &o.object),
            None => cel::Evaluation::Error("the expression does not compile".into()),
        }
    }

    fn cel_error(&mut self, name: &str, expression: &str, error: &str, o: &Order) {
        self.add(
            ReasonCode::PolicyError,
            Decision::ReviewRequired,
            Some(name.to_string()),
            format!(
                "{code0} cannot be evaluated for this order ({error}); it does not pass",
                code0 = crate::parse::text::code(&expression)
            ),
            Some(o.doc.head_span()),
        );
    }
}

fn strength(level: Option<Strength>) -> Decision {
    match level.unwrap_or_default() {
        Strength::Hard => Decision::Reject,
        Strength::Soft => Decision::ReviewRequired,
    }
}

pub(super) fn block_name(i: usize, b: &Block) -> String {
    b.name.clone().unwrap_or_else(|| format!("policy.rules[{i}]"))
}

/// True when a block's selector matches an order.
pub(super) fn selects(b: &Block, o: &Order) -> bool {
    let Some(sel) = &b.selector else { return true };
    sel.cluster.as_ref().is_none_or(|g| glob_match(g, o.cluster))
        && sel.namespace.as_ref().is_none_or(|g| glob_match(g, o.namespace))
        && sel.kinds.as_ref().is_none_or(|k| k.iter().any(|k| k == o.kind()))
}

pub(super) fn matching<'p>(policy: &'p Policy, o: &'p Order) -> impl Iterator<Item = (usize, &'p Block)> {
    policy
        .rules
        .iter()
        .flatten()
        .enumerate()
        .filter(move |(_, b)| selects(b, o))
}
