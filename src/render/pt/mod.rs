//! function-patch-and-transform run in process: field paths, transforms and Go's `fmt`
//! (issue 15, work in progress: patches, readiness checks and connection details are not
//! wired yet, so [`run`] reports the step as not runnable).

pub mod fieldpath;
pub mod gofmt;
pub mod transforms;

use crate::model::composition::Step;
use crate::model::Doc;
use crate::parse::source::Span;

use super::{FnResult, Severity, State};

/// Runs the patch-and-transform `step` (of the Composition `doc`, whose file text is `text`)
/// on `state`: its resources are added to the desired state, its results returned. Same
/// contract as [`super::gotemplating::run`].
pub fn run(doc: &Doc, _text: &str, _step_index: usize, step: &Step<'_>, _state: &mut State) -> Vec<FnResult> {
    vec![FnResult {
        severity: Severity::Warning,
        message: "function-patch-and-transform cannot run in process yet: step skipped".into(),
        span: Some(Span::new(doc.file, step.node.start, step.node.end)),
    }]
}
