//! portalint: a static analyzer for Crossplane v2 / Open Service Portal platform repositories
//! (template-* repos, the catalog and catalog-orders). The binary is a thin wrapper over
//! [`app::main`]; tests use [`app::check`].

pub mod app;
pub mod cli;
pub mod config;
pub mod confine;
pub mod discover;
pub mod error;
pub mod external;
pub use rules::diagnostic as diagnostics;
pub mod docs;
pub mod engine;
pub mod fix;
pub mod fuzzing;
pub mod gate;
pub mod git;
pub mod gitignore;
pub mod model;
pub mod parse;
pub mod pr;
pub mod render;
pub use parse::{gotpl, names, paths, source, text, yaml};
pub use pr::{bot, github, verdict};
pub mod report;
pub mod rules;
pub mod schema;
pub mod server;
pub use engine::stream;
