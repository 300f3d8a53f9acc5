//! Pull requests: the order verdict ([`verdict`]: the post-merge tree judged by the base's
//! policy), the PR bot ([`bot`]: comments, labels, reviews, merges) and the GitHub REST client
//! it talks through ([`github`]), its texts ([`summary`]) and its record ([`audit`]).
//! Built on the engine's results; nothing below imports this.

pub mod audit;
pub mod bot;
pub mod github;
pub mod summary;
pub mod verdict;
