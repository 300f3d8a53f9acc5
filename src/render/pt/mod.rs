//! function-patch-and-transform run in process: field paths, transforms and Go's `fmt`
//! (issue 15, work in progress: patches, readiness checks and connection details are not
//! wired yet; the pipeline does not call this module yet).

pub mod fieldpath;
pub mod gofmt;
pub mod transforms;
