//! Pull requests: the order verdict ([`verdict`]: the post-merge tree judged by the base's
//! policy), the PR bot ([`bot`]: comments, labels, reviews, merges) and the GitHub REST client
//! it talks through ([`github`]). Built on the engine's results; nothing below imports this.

pub mod bot;
pub mod github;
pub mod verdict;
