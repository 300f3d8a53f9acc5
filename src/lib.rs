//! portalint: a static analyzer for Crossplane v2 / Open Service Portal platform repositories
//! (template-* repos, the catalog and catalog-orders). The binary is a thin wrapper over
//! [`app::main`]; tests use [`app::check`].

pub mod app;
pub mod bot;
pub mod cli;
pub mod config;
pub mod confine;
mod de;
pub mod discover;
pub mod error;
pub use rules::diagnostic as diagnostics;
pub mod docs;
pub mod engine;
pub mod fix;
pub mod fuzzing;
pub mod gate;
pub mod git;
pub mod github;
pub mod gotpl;
pub mod model;
pub mod names;
pub mod paths;
pub mod policy;
pub mod pr;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;
pub mod sources;
pub use engine::stream;
pub mod text;
pub mod verdict;
pub mod yaml;
