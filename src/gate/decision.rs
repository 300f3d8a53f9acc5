//! What the gate hands back: the [`Decision`], the [`Reason`]s behind it and the quotas the
//! PR touches ([`QuotaUse`]), together the [`Verdict`].

use super::ReasonCode;
use serde::Serialize;

/// The decision, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Every condition holds: the bot may approve and merge.
    AutoMerge,
    /// A platform admin must review (soft conditions).
    ReviewRequired,
    /// The PR must not be merged as it is (hard limits, error findings).
    Reject,
}

impl Decision {
    /// `auto-merge`, `review-required` or `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::AutoMerge => "auto-merge",
            Decision::ReviewRequired => "review-required",
            Decision::Reject => "reject",
        }
    }

    /// The exit code of `portalint verdict`: 0, 10 or 11.
    pub fn exit_code(self) -> u8 {
        match self {
            Decision::AutoMerge => 0,
            Decision::ReviewRequired => 10,
            Decision::Reject => 11,
        }
    }
}

/// A quota's use before and after the PR.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuotaUse {
    /// What is limited: `count WhoAmIApp per namespace openportal/team-a`.
    pub quota: String,
    /// Use on the base.
    pub before: String,
    /// Use after the merge.
    pub after: String,
    /// The soft limit, if any.
    pub soft: Option<String>,
    /// The hard limit, if any.
    pub hard: Option<String>,
}

/// One reason for the decision.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// Reason code (`R-QUOTA-SOFT`, `R-MODIFY`, …).
    pub code: ReasonCode,
    /// What this reason alone decides (`review-required` or `reject`).
    pub decision: Decision,
    /// The rule id or policy item that gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The file, relative to the root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The quota, for quota reasons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaUse>,
}

/// The verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The decision. Not serialized: the verdict is written flattened into
    /// `pr::verdict::Report`, which writes the decision itself (once).
    #[serde(skip)]
    pub decision: Decision,
    /// Who the order is for (the author, or for a bot's PR the orders' owners).
    pub requesters: Vec<String>,
    /// The changed files, with `A`, `M` or `D`.
    pub changes: Vec<(String, String)>,
    /// Every reason, in file order.
    pub reasons: Vec<Reason>,
    /// Error findings the base revision already had (policy `existing-findings: report`):
    /// listed with the decision they would give, but they do not decide.
    pub existing: Vec<Reason>,
    /// Every quota the PR touches, before and after.
    pub quotas: Vec<QuotaUse>,
}
