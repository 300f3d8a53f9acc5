//! What a Composition renders, computed in process: the function pipeline of a Composition
//! run for one composite resource (XR), without Docker, network or cluster, as
//! `crossplane render` runs it. Each function portalint can run is a module here:
//! function-go-templating ([`gotemplating`]), function-patch-and-transform,
//! function-auto-ready and function-environment-configs; a step whose function portalint
//! cannot run is reported once (`render-unsupported`) and skipped.
//!
//! The contract between the pipeline and the functions is Crossplane's `RunFunctionRequest`
//! / `RunFunctionResponse` (apiextensions/fn/proto/v1), read as data: a function gets the
//! observed and desired state, its step's input and the pipeline context, and returns the
//! new desired state, the context and its results. [`State`] carries them between steps.
//!
//! Every composed resource keeps where it came from ([`Resource::origin`]): the template
//! text, base or patch that made it, so that a finding about a rendered resource points at
//! the Composition's line.
//!
//! Layer: above `parse` and `model`, below `rules` and `engine`.

pub mod command;
pub mod gotemplating;
pub mod pipeline;
pub mod pt;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::parse::source::Span;

/// The annotation that names a composed resource in function-go-templating output (Crossplane
/// itself sets `crossplane.io/composition-resource-name` on what it applies).
pub const RESOURCE_NAME_ANNOTATION: &str = "gotemplating.fn.crossplane.io/composition-resource-name";

/// The context key under which function-environment-configs leaves the environment.
pub const ENVIRONMENT_KEY: &str = "apiextensions.crossplane.io/environment";

/// Whether a desired composed resource is ready (`Ready` of the function protocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ready {
    /// No function said (`READY_UNSPECIFIED`): Crossplane reads the resource's conditions.
    #[default]
    Unspecified,
    /// `READY_TRUE`.
    True,
    /// `READY_FALSE`.
    False,
}

/// One desired composed resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The resource as the function left it (a Kubernetes object).
    pub resource: Value,
    /// Its readiness.
    pub ready: Ready,
    /// What in the Composition made it (the template text, the base), when known.
    pub origin: Option<Span>,
    /// Index of the pipeline step that first produced it.
    pub step: usize,
}

/// One observed resource (`--observed`; empty on a first render).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observed {
    /// The resource, with its status.
    pub resource: Value,
    /// Its connection details (secret keys to base64-decoded values).
    pub connection_details: BTreeMap<String, Vec<u8>>,
}

/// The state a pipeline carries between steps: the request's observed and desired state,
/// the context, and the extra (required) resources a function asked for.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The observed composite resource (the XR as given).
    pub composite: Value,
    /// The XR's observed connection details.
    pub composite_connection: BTreeMap<String, Vec<u8>>,
    /// The observed composed resources by composition resource name.
    pub observed: BTreeMap<String, Observed>,
    /// The desired composite resource (what functions set on the XR: status, conditions).
    pub desired_composite: Value,
    /// The desired connection details of the XR.
    pub desired_connection: BTreeMap<String, Vec<u8>>,
    /// The desired composed resources by composition resource name, in the order the
    /// functions produced them.
    pub desired: Vec<(String, Resource)>,
    /// The pipeline context (`context`), e.g. [`ENVIRONMENT_KEY`].
    pub context: Map<String, Value>,
    /// Extra / required resources available to functions, by the name they are requested
    /// under (`--extra-resources`, the environment configs).
    pub extra: BTreeMap<String, Vec<Value>>,
    /// portalint's own record, not part of the protocol: each desired resource a
    /// function-go-templating document replaced under the same composition-resource-name.
    pub replaced: Vec<Replacement>,
}

/// A desired composed resource replaced by a later go-templating document of the same name
/// (the function keeps the last one it reads).
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    /// The composition-resource-name.
    pub name: String,
    /// (apiVersion, kind), origin and step of the resource replaced.
    pub old: (String, String, Option<Span>, usize),
    /// (apiVersion, kind), origin and step of the resource that replaced it.
    pub new: (String, String, Option<Span>, usize),
}

/// Severity of a function result (`Severity` of the protocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The function failed: the pipeline stops, nothing is applied.
    Fatal,
    /// A warning event.
    Warning,
    /// An informational event.
    Normal,
}

/// A result a function returned, with the place in the Composition it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct FnResult {
    /// How bad.
    pub severity: Severity,
    /// What the function said.
    pub message: String,
    /// Where in the Composition (the template action, the patch), when known.
    pub span: Option<Span>,
}
