//! The checks of composed resources, over a view both sources of composed resources provide:
//! what a Composition states statically ([`Composed`]: patch-and-transform bases and the
//! static parts of go-templating skeletons) and what a render produces (a Kubernetes object
//! as JSON with the span of what made it, [`RenderedView`]).
//!
//! A check here takes `&[impl ComposedView]` plus the facts of the pipeline it ran in
//! ([`PipelineFacts`]) and returns [`Finding`]s; the rule files turn them into diagnostics.
//! This module knows nothing of `crate::render`: the renderer's `render::Resource`
//! (`resource`, `ready`, `origin`, `step`) maps onto [`RenderedView::new`] field by field.

use super::composition::{Composed, Composition, Origin};
use super::split_api_version;
use crate::parse::source::Span;
use crate::parse::text::code;
use serde_json::Value;

/// The annotation by which a go-templating document marks itself ready.
pub const READY_ANNOTATION: &str = "gotemplating.fn.crossplane.io/ready";

/// The annotation that names a go-templating composed resource.
pub const RESOURCE_NAME_ANNOTATION: &str = "gotemplating.fn.crossplane.io/composition-resource-name";

/// A string field of a composed resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field<'a> {
    /// Known: a literal in the Composition, or the rendered value.
    Static(&'a str),
    /// Produced at render time (a template action); unknown statically.
    Dynamic,
    /// Not there.
    Absent,
}

impl<'a> Field<'a> {
    /// The known value.
    pub fn known(self) -> Option<&'a str> {
        match self {
            Field::Static(s) => Some(s),
            _ => None,
        }
    }
}

/// What marks a composed resource ready, as far as the resource itself tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadySignal {
    /// Marked ready by the function that produced it (`gotemplating.fn.crossplane.io/ready:
    /// "True"`, a render's `READY_TRUE`).
    Marked,
    /// Patch-and-transform `readinessChecks` of its own (the function evaluates them).
    Checks,
    /// Patch-and-transform without `readinessChecks`: the function's default check, a
    /// `Ready: True` condition.
    PtDefault,
    /// Nothing of its own: only a later function (function-auto-ready) can mark it ready.
    Nothing,
    /// Cannot be told statically (a templated annotation or metadata).
    Unknown,
}

/// A composed resource: its identity and fields as values, and a span for each finding.
pub trait ComposedView {
    /// A string at a path (`["metadata", "namespace"]`).
    fn str_at(&self, path: &[&str]) -> Field<'_>;
    /// The span a finding about `path` points at; the resource's head when the path is not
    /// there. `None` when the resource's origin is unknown (a render without spans).
    fn span_at(&self, path: &[&str]) -> Option<Span>;
    /// Index of the pipeline step that first produced it.
    fn step(&self) -> usize;
    /// What marks it ready.
    fn ready_signal(&self) -> ReadySignal;

    /// `apiVersion`.
    fn api_version(&self) -> Field<'_> {
        self.str_at(&["apiVersion"])
    }
    /// `kind`.
    fn kind(&self) -> Field<'_> {
        self.str_at(&["kind"])
    }
    /// The API group (empty for the core group), when the apiVersion is known.
    fn group(&self) -> Option<&str> {
        self.api_version().known().map(|a| split_api_version(a).0)
    }
    /// The composition-resource-name: the go-templating annotation, or the P&T entry name.
    fn resource_name(&self) -> Field<'_> {
        self.str_at(&["metadata", "annotations", RESOURCE_NAME_ANNOTATION])
    }
}

impl ComposedView for Composed<'_> {
    fn str_at(&self, path: &[&str]) -> Field<'_> {
        match self.root.path(path) {
            None => Field::Absent,
            Some(n) if self.is_dynamic(n) => Field::Dynamic,
            Some(n) => n.as_str().map_or(Field::Dynamic, Field::Static),
        }
    }
    fn span_at(&self, path: &[&str]) -> Option<Span> {
        Some(self.root.path(path).map_or_else(|| self.head_span(), |n| self.span(n)))
    }
    fn step(&self) -> usize {
        self.step
    }
    fn ready_signal(&self) -> ReadySignal {
        match self.origin {
            Origin::Base(_) => {
                if self.entry.is_some_and(|e| e.get("readinessChecks").is_some()) {
                    ReadySignal::Checks
                } else {
                    ReadySignal::PtDefault
                }
            }
            Origin::Template(t) => {
                let Some(meta) = self.root.get("metadata") else {
                    return ReadySignal::Nothing;
                };
                // Metadata or annotations an action writes (`{{ toYaml … }}` on a line of its
                // own) may carry it.
                if meta.as_map().is_none() || t.is_dynamic(meta) {
                    return ReadySignal::Unknown;
                }
                let Some(ann) = meta.get("annotations") else {
                    return ReadySignal::Nothing;
                };
                if ann.as_map().is_none() || t.is_dynamic(ann) {
                    return ReadySignal::Unknown;
                }
                match self.str_at(&["metadata", "annotations", READY_ANNOTATION]) {
                    Field::Static("True") => ReadySignal::Marked,
                    Field::Dynamic => ReadySignal::Unknown,
                    // "False"/"Unspecified" leave it to later functions; other values are
                    // fn-gotpl-ready-annotation's.
                    _ => ReadySignal::Nothing,
                }
            }
        }
    }
}

/// A rendered composed resource seen through [`ComposedView`]: the object as JSON, the span
/// of what made it, the step that first produced it and whether the function marked it
/// ready. Built from a `render::Resource` `r` as
/// `RenderedView::new(&r.resource, r.origin, r.step, r.ready == render::Ready::True)`.
#[derive(Clone, Copy, Debug)]
pub struct RenderedView<'a> {
    /// The object.
    pub resource: &'a Value,
    /// What in the Composition made it.
    pub origin: Option<Span>,
    /// The step that first produced it.
    pub step: usize,
    /// The function said `READY_TRUE`.
    pub ready: bool,
    /// The producing patch-and-transform entry has `readinessChecks` (P&T evaluates them
    /// against observed state; on a first render the resource is not ready yet).
    pub readiness_checks: bool,
    /// The producing patch-and-transform entry has no `readinessChecks`: the function's
    /// default check (a `Ready: True` condition) marks it.
    pub pt_default: bool,
    /// The function said `READY_FALSE` on this render: the template decides readiness itself
    /// and may say `True` on a later one (when its resources are observed ready).
    pub decided: bool,
}

impl<'a> RenderedView<'a> {
    /// A view of one rendered resource.
    pub fn new(resource: &'a Value, origin: Option<Span>, step: usize, ready: bool) -> Self {
        RenderedView {
            resource,
            origin,
            step,
            ready,
            readiness_checks: false,
            pt_default: false,
            decided: false,
        }
    }
}

impl ComposedView for RenderedView<'_> {
    fn str_at(&self, path: &[&str]) -> Field<'_> {
        let mut v = self.resource;
        for k in path {
            match v.get(k) {
                Some(x) => v = x,
                None => return Field::Absent,
            }
        }
        v.as_str().map_or(Field::Dynamic, Field::Static)
    }
    fn span_at(&self, _path: &[&str]) -> Option<Span> {
        self.origin
    }
    fn step(&self) -> usize {
        self.step
    }
    fn ready_signal(&self) -> ReadySignal {
        if self.ready {
            ReadySignal::Marked
        } else if self.decided {
            ReadySignal::Unknown
        } else if self.readiness_checks {
            ReadySignal::Checks
        } else if self.pt_default {
            ReadySignal::PtDefault
        } else {
            ReadySignal::Nothing
        }
    }
}

/// What the checks need to know of the pipeline a resource was produced in.
#[derive(Clone, Debug, Default)]
pub struct PipelineFacts {
    /// (index, step name) of each function-auto-ready step.
    pub auto_ready: Vec<(usize, String)>,
    /// Step names by index.
    pub step_names: Vec<String>,
    /// Per step: true when its function's readiness behaviour is known (function-go-templating,
    /// function-patch-and-transform). Resources of other steps are not judged.
    pub known: Vec<bool>,
    /// The Composition's own composite type (group, kind): a document of that type is the
    /// XR's desired status, not a composed resource.
    pub composite: Option<(String, String)>,
}

impl PipelineFacts {
    /// The facts of a Composition's pipeline.
    pub fn of(c: &Composition<'_>) -> Self {
        let steps = c.steps();
        PipelineFacts {
            auto_ready: steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.function.is_some_and(|f| f.contains("auto-ready")))
                .map(|(i, s)| (i, s.name.unwrap_or_default().to_string()))
                .collect(),
            step_names: steps.iter().map(|s| s.name.unwrap_or_default().to_string()).collect(),
            known: steps
                .iter()
                .map(|s| s.is_go_templating() || s.is_patch_and_transform())
                .collect(),
            composite: c.type_gvk().map(|(g, _, k)| (g.to_string(), k.to_string())),
        }
    }
    fn step_name(&self, i: usize) -> &str {
        self.step_names.get(i).map_or("", String::as_str)
    }
}

/// One finding of a check: where, what, and what to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Where (`None`: the origin of a rendered resource is unknown).
    pub span: Option<Span>,
    /// What.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// The API groups of the built-in Kubernetes kinds (the groups of `kubectl api-resources`
/// on a v1.33 cluster, without the aggregated metrics APIs).
pub const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "node.k8s.io",
    "certificates.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "resource.k8s.io",
];

/// Built-in kinds whose status carries a `Ready` condition (`PodConditionType` `Ready`,
/// `NodeConditionType` `Ready`; no other built-in kind of the groups above defines one).
const BUILTIN_WITH_READY: &[(&str, &str)] = &[("", "Pod"), ("", "Node")];

/// The built-in kinds function-auto-ready judges by a health check of its own instead of a
/// `Ready` condition (its README, "Health Checks", crossplane-contrib/function-auto-ready
/// main; older releases read the `Ready` condition only).
const AUTO_READY_HEALTH_CHECKED: &[(&str, &str)] = &[
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("", "Service"),
    ("networking.k8s.io", "Ingress"),
    ("", "Secret"),
    ("", "ConfigMap"),
    ("", "ServiceAccount"),
];

fn builtin(group: &str) -> bool {
    BUILTIN_GROUPS.contains(&group)
}

/// Composed resources that nothing can mark ready, so that the XR never becomes ready:
/// Crossplane counts a composed resource ready only when a function returned it `READY_TRUE`
/// (it derives nothing from conditions itself). A resource is marked by its producer (the
/// go-templating ready annotation, patch-and-transform readiness checks or its default
/// `Ready` condition check) or by a function-auto-ready step that runs after it, which reads
/// a `Ready: True` condition (plus health checks of its own for a few built-in kinds).
pub fn never_ready<V: ComposedView>(resources: &[V], facts: &PipelineFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in resources {
        let (Some(group), Some(kind)) = (r.group(), r.kind().known()) else {
            continue;
        };
        if group == "meta.gotemplating.fn.crossplane.io"
            || facts.composite.as_ref().is_some_and(|(g, k)| g == group && k == kind)
        {
            continue;
        }
        if !facts.known.get(r.step()).copied().unwrap_or(false) {
            continue;
        }
        let signal = r.ready_signal();
        if matches!(signal, ReadySignal::Marked | ReadySignal::Checks | ReadySignal::Unknown) {
            continue;
        }
        let has_ready = !builtin(group) || BUILTIN_WITH_READY.contains(&(group, kind));
        if signal == ReadySignal::PtDefault && has_ready {
            continue;
        }
        let later = facts.auto_ready.iter().filter(|(i, _)| *i > r.step()).last();
        let fix = if signal == ReadySignal::PtDefault {
            "give its `resources[]` entry a `readinessChecks` entry (`- type: None` when it is ready \
             once it exists)"
        } else {
            "add the annotation `gotemplating.fn.crossplane.io/ready: \"True\"` when it is ready once \
             it exists"
        };
        let here = r.span_at(&["kind"]);
        let step = facts.step_name(r.step());
        match later {
            Some(_) if has_ready || AUTO_READY_HEALTH_CHECKED.contains(&(group, kind)) => {}
            Some((_, name)) => out.push(Finding {
                span: here,
                message: format!(
                    "nothing marks the composed {code0} ready: it has no `Ready` condition and \
                     function-auto-ready (step {code1}) has no health check for it",
                    code0 = code(&kind),
                    code1 = code(&name)
                ),
                help: format!("{fix}; the XR is not ready until every composed resource is"),
            }),
            None => {
                let why = match facts.auto_ready.last() {
                    Some((_, name)) => format!(
                        "it is first produced by step {code0}, after the last function-auto-ready \
                         step {code1}",
                        code0 = code(&step),
                        code1 = code(&name)
                    ),
                    None if signal == ReadySignal::PtDefault => {
                        "it has no `Ready` condition for the default readiness check of \
                         patch-and-transform"
                            .to_string()
                    }
                    None => "no function-auto-ready step runs in the pipeline".to_string(),
                };
                let also = if has_ready {
                    "; or add a function-auto-ready step at the end of the pipeline"
                } else {
                    ""
                };
                out.push(Finding {
                    span: here,
                    message: format!("nothing marks the composed {code0} ready: {why}", code0 = code(&kind)),
                    help: format!("{fix}{also}; the XR is not ready until every composed resource is"),
                });
            }
        }
    }
    out
}

/// True for the API group of a namespaced (Crossplane v2) managed resource: a `m` label
/// (`s3.aws.m.upbound.io`, `kubernetes.m.crossplane.io`).
pub fn is_namespaced_mr_group(group: &str) -> bool {
    !builtin(group) && group.split('.').any(|l| l == "m")
}

/// The provider config kinds a Crossplane v2 namespaced managed resource may reference
/// (crossplane-runtime v2: a namespaced `ProviderConfig` in the MR's namespace, or a
/// `ClusterProviderConfig`; omitted, `providerConfigRef` defaults to
/// `{kind: ClusterProviderConfig, name: default}`).
pub const PROVIDER_CONFIG_KINDS: &[&str] = &["ProviderConfig", "ClusterProviderConfig"];

/// Namespaced managed resources whose `spec.providerConfigRef.kind` is neither
/// `ProviderConfig` nor `ClusterProviderConfig`: the provider cannot resolve it and the
/// resource is never reconciled.
pub fn provider_config_kind<V: ComposedView>(resources: &[V]) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in resources {
        if !r.group().is_some_and(is_namespaced_mr_group) {
            continue;
        }
        let path = ["spec", "providerConfigRef", "kind"];
        let Field::Static(kind) = r.str_at(&path) else {
            continue;
        };
        if PROVIDER_CONFIG_KINDS.contains(&kind) {
            continue;
        }
        let close = PROVIDER_CONFIG_KINDS
            .iter()
            .find(|k| k.eq_ignore_ascii_case(kind) || k.eq_ignore_ascii_case(kind.trim_end_matches('s')));
        out.push(Finding {
            span: r.span_at(&path),
            message: format!(
                "`providerConfigRef.kind` of the namespaced {code0} is {code1}; a v2 provider accepts \
                 `ProviderConfig` or `ClusterProviderConfig`",
                code0 = code(&(r.kind().known().unwrap_or("resource"))),
                code1 = code(&kind)
            ),
            help: match close {
                Some(k) => format!("write {code0}", code0 = code(&k)),
                None => "use `ClusterProviderConfig` (cluster-wide) or `ProviderConfig` (in the XR's \
                         namespace)"
                    .to_string(),
            },
        });
    }
    out
}

/// Every check of this module over one Composition's composed resources: what the rule
/// files run on the static view, for a render's output. The renderer plugs in as
/// `check_all(&resources.iter().map(|r| RenderedView::new(&r.resource, r.origin, r.step,
/// r.ready == render::Ready::True)).collect::<Vec<_>>(), &PipelineFacts::of(&composition))`.
pub fn check_all<V: ComposedView>(resources: &[V], facts: &PipelineFacts) -> Vec<(&'static str, Finding)> {
    let mut out: Vec<(&'static str, Finding)> = Vec::new();
    out.extend(
        never_ready(resources, facts)
            .into_iter()
            .map(|f| ("xp-comp-composed-never-ready", f)),
    );
    out.extend(
        provider_config_kind(resources)
            .into_iter()
            .map(|f| ("xp-comp-provider-config-kind", f)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(auto_ready: &[usize]) -> PipelineFacts {
        PipelineFacts {
            auto_ready: auto_ready.iter().map(|i| (*i, format!("s{i}"))).collect(),
            step_names: (0..4).map(|i| format!("s{i}")).collect(),
            known: vec![true; 4],
            composite: Some(("example.org".into(), "XApp".into())),
        }
    }

    #[test]
    fn rendered_resources_plug_in() {
        let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role"});
        let bucket = json!({"apiVersion": "s3.aws.m.upbound.io/v1beta1", "kind": "Bucket"});
        let xr = json!({"apiVersion": "example.org/v1", "kind": "XApp"});
        let views = [
            RenderedView::new(&role, None, 0, false),
            RenderedView::new(&bucket, None, 0, false),
            RenderedView::new(&xr, None, 0, false),
        ];
        // No auto-ready: both composed resources are never ready; the XR document is skipped.
        let f = never_ready(&views, &facts(&[]));
        assert_eq!(f.len(), 2, "{f:?}");
        // Auto-ready after them: only the Role (no Ready condition, no health check) remains.
        let f = never_ready(&views, &facts(&[1]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("`Role`"), "{f:?}");
        // Auto-ready before them: produced after the last auto-ready step.
        let later = [RenderedView::new(&bucket, None, 2, false)];
        let f = never_ready(&later, &facts(&[1]));
        assert!(f[0].message.contains("after the last function-auto-ready"), "{f:?}");
        // Marked ready by the function: nothing to say.
        let marked = [RenderedView::new(&role, None, 0, true)];
        assert!(never_ready(&marked, &facts(&[])).is_empty());
    }

    #[test]
    fn provider_config_kind_of_rendered() {
        let ok = json!({"apiVersion": "s3.aws.m.upbound.io/v1beta1", "kind": "Bucket",
            "spec": {"providerConfigRef": {"kind": "ClusterProviderConfig", "name": "default"}}});
        let bad = json!({"apiVersion": "s3.aws.m.upbound.io/v1beta1", "kind": "Bucket",
            "spec": {"providerConfigRef": {"kind": "providerconfig", "name": "default"}}});
        let v1 = json!({"apiVersion": "s3.aws.upbound.io/v1beta1", "kind": "Bucket",
            "spec": {"providerConfigRef": {"kind": "Whatever", "name": "default"}}});
        let views = [
            RenderedView::new(&ok, None, 0, false),
            RenderedView::new(&bad, None, 0, false),
            RenderedView::new(&v1, None, 0, false),
        ];
        let f = provider_config_kind(&views);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].help, "write `ProviderConfig`");
        // Through the one entry point: the bad kind, and both Buckets never ready.
        let all = check_all(&views, &facts(&[]));
        let ids: Vec<_> = all.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids,
            [
                "xp-comp-composed-never-ready",
                "xp-comp-composed-never-ready",
                "xp-comp-composed-never-ready",
                "xp-comp-provider-config-kind"
            ]
        );
    }

    #[test]
    fn health_checked_kinds_are_ready_with_auto_ready() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap"});
        let v = [RenderedView::new(&cm, None, 0, false)];
        assert!(never_ready(&v, &facts(&[1])).is_empty());
        assert_eq!(never_ready(&v, &facts(&[])).len(), 1);
    }
}
