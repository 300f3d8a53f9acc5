//! Who the order is for and whether they own it: the requester (the author, or for a bot's PR
//! the order's owner annotation), ownership by CODEOWNERS and teams, and the author checks.

use super::order::Order;
use super::policy::Policy;
use super::{codeowners, owner_annotation, Decision, Eval, ReasonCode, Request, Requester};
use crate::parse::text::code;

pub(super) fn requester(req: &Request, o: &Order) -> Option<Requester> {
    let author = req.author?;
    let bots = req.policy.bots.as_deref().unwrap_or(&[]);
    if !bots.iter().any(|b| b == author) {
        return Some(Requester::User(author.to_string()));
    }
    // The policy's `owner-annotations` are in the rule options (app::rule_options).
    let (_, node) = owner_annotation(req.ws, o.doc)?;
    Some(Requester::from_owner_ref(node.as_str()?))
}

/// True when `who` is among `owners` (directly, as the team, or as a member of the team).
pub(super) fn owns(policy: &Policy, owners: &[&str], who: &Requester) -> bool {
    let members = |team: &str, login: &str| {
        policy
            .teams
            .as_ref()
            .and_then(|t| t.get(team))
            .is_some_and(|m| m.iter().any(|x| x.trim_start_matches('@') == login))
    };
    owners.iter().any(|o| match (who, codeowners::team_of(o)) {
        (Requester::User(u), None) => o.trim_start_matches('@') == u,
        (Requester::User(u), Some(team)) => members(team, u),
        (Requester::Group(g), Some(team)) => team == g,
        (Requester::Group(g), None) => o.trim_start_matches('@') == g,
    })
}

impl Eval<'_> {
    /// S13: author and branch; S9's precondition: CODEOWNERS exists.
    pub(super) fn identity(&mut self, post: &[Order]) {
        let req = self.req;
        let review = Decision::ReviewRequired;
        match req.author {
            None => self.add(
                ReasonCode::Author,
                review,
                None,
                "the PR author is unknown (pass --author); ownership cannot be verified".into(),
                None,
            ),
            Some(a) => {
                let bots = req.policy.bots.as_deref().unwrap_or(&[]);
                if let Some(allowed) = &req.policy.authors {
                    if !allowed.iter().chain(bots).any(|x| x.trim_start_matches('@') == a) {
                        self.add(
                            ReasonCode::Author,
                            review,
                            None,
                            format!(
                                "{code0} is not an author whose PRs are auto-merged (policy `authors`)",
                                code0 = code(&a)
                            ),
                            None,
                        );
                    }
                }
            }
        }
        if let (Some(pattern), Some(branch)) = (&req.policy.branch_pattern, req.branch) {
            if !regex::Regex::new(pattern).is_ok_and(|r| r.is_match(branch)) {
                self.add(
                    ReasonCode::Author,
                    review,
                    None,
                    format!(
                        "branch {code0} does not match the generator's pattern {code1}",
                        code0 = code(&branch),
                        code1 = code(&pattern)
                    ),
                    None,
                );
            }
        }
        if req.codeowners.is_none() && post.iter().any(|o| o.changed) {
            self.add(
                ReasonCode::Owner,
                review,
                Some("gate-codeowners-present".into()),
                "the base has no CODEOWNERS: who owns a namespace cannot be verified".into(),
                None,
            );
        }
    }
}
