//! The verdict's reason codes, typed: the built-in ones and a policy's own (`sensitive`
//! entries name theirs, such as `R-COSTLY`). The string form (`R-QUOTA-SOFT`) exists only
//! in output, and reasons sort by it.

/// Why a verdict is what it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    /// `R-AUTHOR`.
    Author,
    /// `R-BASE`.
    Base,
    /// `R-CEL-HARD`.
    CelHard,
    /// `R-CEL-SOFT`.
    CelSoft,
    /// `R-CLUSTER-SCOPED`.
    ClusterScoped,
    /// `R-CONFLICT`.
    Conflict,
    /// `R-DELETE`.
    Delete,
    /// `R-EMPTY`.
    Empty,
    /// `R-FIELD-HARD`.
    FieldHard,
    /// `R-FIELD-SOFT`.
    FieldSoft,
    /// `R-KIND`.
    Kind,
    /// `R-KIND-DENIED`.
    KindDenied,
    /// `R-LINT`.
    Lint,
    /// `R-MODE`.
    Mode,
    /// `R-MODIFY`.
    Modify,
    /// `R-MULTI`.
    Multi,
    /// `R-MULTI-DOC`.
    MultiDoc,
    /// `R-NON-ORDER-PATH`.
    NonOrderPath,
    /// `R-OWNER`.
    Owner,
    /// `R-PINNING`.
    Pinning,
    /// `R-POLICY-CHANGED`.
    PolicyChanged,
    /// `R-POLICY-ERROR`.
    PolicyError,
    /// `R-PROD`.
    Prod,
    /// `R-QUOTA-HARD`.
    QuotaHard,
    /// `R-QUOTA-SOFT`.
    QuotaSoft,
    /// A code the policy defines (`sensitive[].reason`).
    Custom(String),
}

impl ReasonCode {
    /// The code as written in output (`R-QUOTA-SOFT`).
    pub fn as_str(&self) -> &str {
        match self {
            ReasonCode::Author => "R-AUTHOR",
            ReasonCode::Base => "R-BASE",
            ReasonCode::CelHard => "R-CEL-HARD",
            ReasonCode::CelSoft => "R-CEL-SOFT",
            ReasonCode::ClusterScoped => "R-CLUSTER-SCOPED",
            ReasonCode::Conflict => "R-CONFLICT",
            ReasonCode::Delete => "R-DELETE",
            ReasonCode::Empty => "R-EMPTY",
            ReasonCode::FieldHard => "R-FIELD-HARD",
            ReasonCode::FieldSoft => "R-FIELD-SOFT",
            ReasonCode::Kind => "R-KIND",
            ReasonCode::KindDenied => "R-KIND-DENIED",
            ReasonCode::Lint => "R-LINT",
            ReasonCode::Mode => "R-MODE",
            ReasonCode::Modify => "R-MODIFY",
            ReasonCode::Multi => "R-MULTI",
            ReasonCode::MultiDoc => "R-MULTI-DOC",
            ReasonCode::NonOrderPath => "R-NON-ORDER-PATH",
            ReasonCode::Owner => "R-OWNER",
            ReasonCode::Pinning => "R-PINNING",
            ReasonCode::PolicyChanged => "R-POLICY-CHANGED",
            ReasonCode::PolicyError => "R-POLICY-ERROR",
            ReasonCode::Prod => "R-PROD",
            ReasonCode::QuotaHard => "R-QUOTA-HARD",
            ReasonCode::QuotaSoft => "R-QUOTA-SOFT",
            ReasonCode::Custom(c) => c,
        }
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialOrd for ReasonCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ReasonCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl serde::Serialize for ReasonCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
