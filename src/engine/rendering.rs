//! The render stage of `portalint check`: every example XR of the workspace (and with
//! `--render` every order) whose Composition is found is rendered once, in process
//! ([`crate::render::pipeline::run`]), in parallel over XRs, and what the renders produced is
//! handed to the rules as model data ([`crate::model::rendered::Renders`]).
//!
//! The Composition is found as `portalint render` finds it: by the XR's type
//! (`compositeTypeRef`, the exact apiVersion first), then by its composition reference or
//! selector, then by the XRD's `defaultCompositionRef`; an XR whose Composition is not one
//! of the workspace (or of the `--xrds` sources) is not rendered.

use rayon::prelude::*;
use serde_json::Value;

use crate::model::composed::{ComposedView, Field, RESOURCE_NAME_ANNOTATION};
use crate::model::rendered::{Failure, Render, RenderedResource, Renders, Replaced, Unsupported};
use crate::model::{Class, Composition, Doc, Origin, Workspace};
use crate::parse::source::Span;
use crate::render::pipeline::{self, Function};
use crate::render::{Ready, Severity, State};

/// Every function a function-go-templating template can call: Sprig's (`genericMap` of
/// Masterminds/sprig `functions.go` at 989da45d7c082c6ec85cf95f59e23b461cdafe03, without `env`
/// and `expandenv`, which the function deletes) and the function's own (`function_maps.go` of
/// crossplane-contrib/function-go-templating at 9222efc18ca5ed8f47782025fc3024551ded13b9). A
/// render that stops at one of these that portalint does not run (the non-reproducible ones:
/// `now`, `uuidv4`, `rand*`, …) is portalint's limit, not the template's error.
const FUNCTION_GO_TEMPLATING_FUNCS: &[&str] = &[
    "abbrev",
    "abbrevboth",
    "add",
    "add1",
    "add1f",
    "addf",
    "adler32sum",
    "ago",
    "all",
    "any",
    "append",
    "atoi",
    "b32dec",
    "b32enc",
    "b64dec",
    "b64enc",
    "base",
    "bcrypt",
    "biggest",
    "buildCustomCert",
    "camelcase",
    "cat",
    "ceil",
    "chunk",
    "clean",
    "coalesce",
    "compact",
    "concat",
    "contains",
    "date",
    "dateInZone",
    "dateModify",
    "date_in_zone",
    "date_modify",
    "decryptAES",
    "deepCopy",
    "deepEqual",
    "default",
    "derivePassword",
    "dict",
    "dig",
    "dir",
    "div",
    "divf",
    "duration",
    "durationRound",
    "empty",
    "encryptAES",
    "ext",
    "fail",
    "first",
    "float64",
    "floor",
    "fromJson",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "get",
    "getHostByName",
    "has",
    "hasKey",
    "hasPrefix",
    "hasSuffix",
    "hello",
    "htmlDate",
    "htmlDateInZone",
    "htpasswd",
    "indent",
    "initial",
    "initials",
    "int",
    "int64",
    "isAbs",
    "join",
    "kebabcase",
    "keys",
    "kindIs",
    "kindOf",
    "last",
    "list",
    "lower",
    "max",
    "maxf",
    "merge",
    "mergeOverwrite",
    "min",
    "minf",
    "mod",
    "mul",
    "mulf",
    "mustAppend",
    "mustChunk",
    "mustCompact",
    "mustDateModify",
    "mustDeepCopy",
    "mustFirst",
    "mustFromJson",
    "mustHas",
    "mustInitial",
    "mustLast",
    "mustMerge",
    "mustMergeOverwrite",
    "mustPrepend",
    "mustRegexFind",
    "mustRegexFindAll",
    "mustRegexMatch",
    "mustRegexReplaceAll",
    "mustRegexReplaceAllLiteral",
    "mustRegexSplit",
    "mustRest",
    "mustReverse",
    "mustSlice",
    "mustToDate",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "mustUniq",
    "mustWithout",
    "must_date_modify",
    "nindent",
    "nospace",
    "now",
    "omit",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "pick",
    "pluck",
    "plural",
    "prepend",
    "quote",
    "randAlpha",
    "randAlphaNum",
    "randAscii",
    "randBytes",
    "randInt",
    "randNumeric",
    "regexFind",
    "regexFindAll",
    "regexMatch",
    "regexQuoteMeta",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
    "regexSplit",
    "repeat",
    "replace",
    "rest",
    "reverse",
    "round",
    "semver",
    "semverCompare",
    "seq",
    "set",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "shuffle",
    "slice",
    "snakecase",
    "sortAlpha",
    "split",
    "splitList",
    "splitn",
    "squote",
    "sub",
    "subf",
    "substr",
    "swapcase",
    "ternary",
    "title",
    "toDate",
    "toDecimal",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "toString",
    "toStrings",
    "trim",
    "trimAll",
    "trimPrefix",
    "trimSuffix",
    "trimall",
    "trunc",
    "tuple",
    "typeIs",
    "typeIsLike",
    "typeOf",
    "uniq",
    "unixEpoch",
    "unset",
    "until",
    "untilStep",
    "untitle",
    "upper",
    "urlJoin",
    "urlParse",
    "uuidv4",
    "values",
    "without",
    "wrap",
    "wrapWith",
    "randomChoice",
    "toYaml",
    "fromYaml",
    "getResourceCondition",
    "setResourceNameAnnotation",
    "getComposedResource",
    "getCompositeResource",
    "getComposedConnectionDetails",
    "getExtraResources",
    "getExtraResourcesFromContext",
    "getCredentialData",
    "include",
];

/// The Composition an XR is rendered with, when exactly one is found.
pub fn composition_for<'w>(ws: &'w Workspace, xr: &Doc) -> Option<Composition<'w>> {
    let mut all: Vec<Composition<'w>> = ws
        .compositions_for(xr.group(), &xr.kind)
        .filter(|c| !c.is_legacy())
        .collect();
    let exact: Vec<Composition<'w>> = all
        .iter()
        .copied()
        .filter(|c| c.type_ref().and_then(|r| r.str_at(&["apiVersion"])) == Some(xr.api_version.as_str()))
        .collect();
    if !exact.is_empty() {
        all = exact;
    }
    let spec = xr.root.get("spec");
    let at = |paths: &[&[&str]]| paths.iter().find_map(|p| spec.and_then(|s| s.path(p)));
    let reference =
        at(&[&["crossplane", "compositionRef", "name"], &["compositionRef", "name"]]).and_then(|n| n.as_str());
    let selector = at(&[
        &["crossplane", "compositionSelector", "matchLabels"],
        &["compositionSelector", "matchLabels"],
    ]);
    if let Some(want) = reference {
        all.retain(|c| c.name() == Some(want));
    } else if let Some(labels) = selector.and_then(|n| n.as_map()) {
        all.retain(|c| {
            labels.iter().all(|e| {
                let want = e.value.as_str();
                want.is_some() && c.doc.root.str_at(&["metadata", "labels", e.key.as_str()]) == want
            })
        });
    } else if all.len() > 1 {
        let (xrd, _) = ws.instance_xrds(xr);
        let default = xrd
            .into_iter()
            .next()
            .and_then(|x| x.spec()?.path(&["defaultCompositionRef", "name"])?.as_str());
        if let Some(d) = default {
            all.retain(|c| c.name() == Some(d));
        }
    }
    if all.len() > 1 {
        // Folders of examples, each with its XR and its Composition (as `crossplane render
        // xr.yaml composition.yaml` is run in each): the one sharing the most folders with
        // the XR, when it is the only one to.
        let here = ws.rel(xr);
        let shared = |c: &Composition<'_>| {
            let there = ws.rel(c.doc);
            let (a, b) = (
                here.rsplit_once('/').map_or("", |(d, _)| d),
                there.rsplit_once('/').map_or("", |(d, _)| d),
            );
            a.split('/').zip(b.split('/')).take_while(|(x, y)| x == y).count()
        };
        let best = all.iter().map(shared).max().unwrap_or(0);
        all.retain(|c| shared(c) == best);
    }
    match all.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The XRs to render: with `examples` the examples (every XR candidate that is not an
/// order), with `orders` the orders.
fn targets(ws: &Workspace, examples: bool, orders: bool) -> Vec<(usize, usize, bool)> {
    let ids: std::collections::HashMap<*const Doc, usize> =
        ws.docs.iter().enumerate().map(|(i, d)| (d as *const Doc, i)).collect();
    ws.xr_candidates()
        .filter(|d| if ws.is_order(d) { orders } else { examples })
        .filter_map(|d| {
            let c = composition_for(ws, d)?;
            Some((ids[&(d as *const Doc)], c.id, ws.is_order(d)))
        })
        .collect()
}

/// The EnvironmentConfigs of the workspace, for function-environment-configs.
fn environment(ws: &Workspace) -> Vec<Value> {
    ws.docs
        .iter()
        .chain(&ws.external)
        .filter(|d| d.class == Class::EnvironmentConfig)
        .map(|d| d.root.to_json())
        .collect()
}

/// Renders the workspace's examples and, with `orders`, its orders (see the module doc).
pub fn render(ws: &Workspace, orders: bool) -> Renders {
    render_with(ws, true, orders)
}

/// Renders the workspace's examples (with `examples`) and orders (with `orders`): a batch of
/// a streamed check renders its own orders, the first one the examples too.
pub fn render_with(ws: &Workspace, examples: bool, orders: bool) -> Renders {
    let jobs = targets(ws, examples, orders);
    // The static view of each Composition rendered, once (where rendered resources point).
    let statics: std::collections::HashMap<usize, Vec<crate::model::Composed<'_>>> = jobs
        .iter()
        .map(|&(_, comp, _)| comp)
        .collect::<std::collections::BTreeSet<usize>>()
        .into_iter()
        .map(|id| (id, ws.composed(&Composition { doc: ws.doc(id), id })))
        .collect();
    let env = environment(ws);
    let renders: Vec<Render> = jobs
        .par_iter()
        .map(|&(xr, comp, order)| render_one(ws, xr, comp, order, &env, &statics[&comp]))
        .collect();
    let mut comps: Vec<usize> = renders.iter().map(|r| r.composition).collect();
    comps.sort_unstable();
    comps.dedup();
    let mut unsupported = Vec::new();
    for id in comps {
        let c = Composition { doc: ws.doc(id), id };
        for (i, step) in c.steps().iter().enumerate() {
            if Function::of(step).is_none() {
                unsupported.push(Unsupported {
                    composition: id,
                    step: step.name.map_or_else(|| format!("#{i}"), str::to_string),
                    function: step.function.unwrap_or("(no functionRef)").to_string(),
                    span: c.doc.span(step.node),
                });
            }
        }
    }
    Renders {
        ran: true,
        renders,
        unsupported,
    }
}

/// The span a rendered resource points at: the `kind` of the static document or base it
/// came from when one matches (same step, same composition-resource-name, or the base the
/// origin is), else the origin as the renderer gave it.
fn precise_origin(
    statics: &[crate::model::Composed<'_>],
    name: &str,
    kind: &str,
    step: usize,
    origin: Option<Span>,
) -> Option<Span> {
    let origin = origin?;
    let within = |s: Span| s.file == origin.file && s.start >= origin.start && s.end <= origin.end;
    let mut best = None;
    for c in statics.iter().filter(|c| c.step == step) {
        let Some(span) = c.span_at(&["kind"]) else { continue };
        if !within(span) {
            continue;
        }
        let same_kind = c.kind() == Some(kind);
        match c.origin {
            Origin::Base(d) => {
                if d.span(c.root) == origin {
                    return Some(span);
                }
            }
            Origin::Template(_) => {
                if c.str_at(&["metadata", "annotations", RESOURCE_NAME_ANNOTATION]) == Field::Static(name) {
                    if same_kind {
                        return Some(span);
                    }
                    best.get_or_insert(span);
                }
            }
        }
    }
    // A template of one document (in a `range`, with a templated name): that document.
    let only: Vec<Span> = statics
        .iter()
        .filter(|c| c.step == step && matches!(c.origin, Origin::Template(_)))
        .filter_map(|c| c.span_at(&["kind"]))
        .filter(|s| within(*s))
        .collect();
    Some(
        best.or(match only.as_slice() {
            [one] => Some(*one),
            _ => None,
        })
        .unwrap_or(origin),
    )
}

fn render_one(
    ws: &Workspace,
    xr: usize,
    comp: usize,
    order: bool,
    env: &[Value],
    statics: &[crate::model::Composed<'_>],
) -> Render {
    let xr_doc = &ws.docs[xr];
    let c = Composition {
        doc: ws.doc(comp),
        id: comp,
    };
    let text = &ws.sources.get(c.doc.file).text;
    let mut state = State {
        composite: xr_doc.root.to_json(),
        ..State::default()
    };
    if !env.is_empty()
        && c.steps()
            .iter()
            .any(|s| Function::of(s) == Some(Function::EnvironmentConfigs))
    {
        state.extra.insert("environment".into(), env.to_vec());
    }
    let rendered = pipeline::run(c.doc, text, state);
    let steps = c.steps();
    let step_name = |i: usize| {
        steps
            .get(i)
            .and_then(|s| s.name)
            .map_or_else(|| format!("#{i}"), str::to_string)
    };
    let failure = rendered
        .results
        .iter()
        .find(|r| r.result.severity == Severity::Fatal && !r.unsupported)
        .map(|r| {
            let at = (0..steps.len())
                .find(|&i| step_name(i) == r.step)
                .unwrap_or(steps.len());
            let skipped = steps[..at].iter().find(|s| Function::of(s).is_none());
            let failing = steps.get(at);
            // What the render left out before the failure: outputs not applied in process
            // (`ExtraResources` requests, whose answer Crossplane would give).
            let left_out = rendered
                .results
                .iter()
                .take_while(|x| !std::ptr::eq(*x, r))
                .find(|x| x.result.message.ends_with("is not applied in process"));
            let delims = failing.and_then(|s| s.input).and_then(|i| i.get("delims")).is_some();
            let incomplete = match (skipped, failing.and_then(Function::of)) {
                _ if r.result.message.starts_with("cannot run in process") => {
                    Some("portalint runs only `Inline` templates".to_string())
                }
                _ if delims => {
                    Some("the step sets custom `delims`, which portalint's renderer does not read".to_string())
                }
                _ if left_out.is_some() => Some(format!(
                    "an earlier output was not applied ({})",
                    left_out.map_or("", |x| x.result.message.as_str())
                )),
                (Some(s), _) => Some(format!(
                    "step {} before it runs `{}`, which portalint cannot run, so its output is missing",
                    crate::parse::text::code(&s.name.unwrap_or("?")),
                    s.function.unwrap_or("?")
                )),
                (None, Some(Function::EnvironmentConfigs)) => Some(
                    "the EnvironmentConfigs it selects are not among the checked files (they may live in the cluster)"
                        .to_string(),
                ),
                _ => not_run(&r.result.message).map(|f| {
                    format!(
                        "the template calls {}, which function-go-templating has but portalint does not run \
                         (its result is not reproducible)",
                        crate::parse::text::code(&f)
                    )
                }),
            };
            Failure {
                step: r.step.clone(),
                message: r.result.message.clone(),
                span: r.result.span,
                incomplete,
            }
        });
    let entry_of = |step: usize, name: &str| {
        steps.get(step).filter(|s| s.is_patch_and_transform()).map(|s| {
            s.input
                .and_then(|i| i.get("resources"))
                .and_then(|r| r.as_seq())
                .unwrap_or(&[])
                .iter()
                .find(|e| e.str_at(&["name"]) == Some(name))
                .is_some_and(|e| e.get("readinessChecks").is_some())
        })
    };
    let kind_of = |v: &Value| v.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
    let resources = rendered
        .state
        .desired
        .iter()
        .map(|(name, r)| {
            let checks = entry_of(r.step, name);
            RenderedResource {
                name: name.clone(),
                origin: precise_origin(statics, name, &kind_of(&r.resource), r.step, r.origin),
                resource: r.resource.clone(),
                step: r.step,
                ready: r.ready == Ready::True,
                decided: r.ready == Ready::False,
                readiness_checks: checks == Some(true),
                pt_default: checks == Some(false),
            }
        })
        .collect();
    let replaced = rendered
        .state
        .replaced
        .iter()
        .map(|x| Replaced {
            name: x.name.clone(),
            first: (x.old.0.clone(), x.old.1.clone()),
            first_origin: precise_origin(statics, &x.name, &x.old.1, x.old.3, x.old.2),
            first_step: x.old.3,
            then: (x.new.0.clone(), x.new.1.clone()),
            then_origin: precise_origin(statics, &x.name, &x.new.1, x.new.3, x.new.2),
            then_step: x.new.3,
        })
        .collect();
    Render {
        xr,
        composition: comp,
        order,
        resources,
        replaced,
        failure,
    }
}

/// The function a go-templating failure names as not defined, when function-go-templating
/// has it (portalint leaves it out).
fn not_run(message: &str) -> Option<&str> {
    let rest = &message[message.find("function \"")? + "function \"".len()..];
    let name = &rest[..rest.find("\" not defined")?];
    FUNCTION_GO_TEMPLATING_FUNCS.contains(&name).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::not_run;

    #[test]
    fn functions_the_function_has_are_portalints_limit() {
        assert_eq!(
            not_run("cannot execute template: function \"randAlphaNum\" not defined"),
            Some("randAlphaNum")
        );
        assert_eq!(
            not_run("cannot execute template: function \"nosuch\" not defined"),
            None
        );
        assert_eq!(not_run("function \"env\" not defined"), None);
        assert_eq!(not_run("error calling ne: incompatible types for comparison"), None);
    }
}
