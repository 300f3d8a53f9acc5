//! function-go-templating run in process: Go `text/template` with the Sprig functions and
//! the function's own helpers, over the pipeline [`State`](super::State).
//!
//! Not implemented yet: [`run`] reports that it cannot run the step.

use super::{FnResult, Severity, State};
use crate::model::composition::Step;
use crate::model::Doc;

/// Runs the go-templating `step` (of the Composition `doc`, whose file text is `text`) on
/// `state`: its output resources are added to the desired state, its results returned.
pub fn run(doc: &Doc, text: &str, step_index: usize, step: &Step<'_>, state: &mut State) -> Vec<FnResult> {
    let _ = (doc, text, step_index, state);
    vec![FnResult {
        severity: Severity::Fatal,
        message: format!(
            "function-go-templating is not run in process yet (step {})",
            step.name.unwrap_or("?")
        ),
        span: None,
    }]
}
