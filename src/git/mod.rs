//! What changed between two revisions, read with gix from the object database (no `git`
//! process, no checkout): file listings with blob ids, blob contents, tags ([`Repository`]),
//! and the differences between listings and between texts ([`diff`]). Knows nothing of
//! rules or GitHub; the engine turns this into the set of files and lines to check.

pub mod diff;
mod repository;

pub use diff::{changed_lines, changes, merged};
pub use repository::Repository;

use std::collections::BTreeMap;

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// New in head.
    Added,
    /// Content differs.
    Modified,
    /// Gone in head.
    Deleted,
}

/// A path (relative to the checked root) → blob id listing.
pub type Listing = BTreeMap<String, gix::ObjectId>;
