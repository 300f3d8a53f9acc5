use crate::model::Workspace;
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use crate::schema;

/// Fields Crossplane injects into v2 XRs (validated by `xp-xr-crossplane-block`).
pub const INJECTED: &[&str] = &["spec.crossplane", "status"];
/// Fields Crossplane injects into LegacyCluster XRs.
pub const INJECTED_LEGACY: &[&str] = &[
    "spec.compositionRef",
    "spec.compositionSelector",
    "spec.compositionRevisionRef",
    "spec.compositionRevisionSelector",
    "spec.compositionUpdatePolicy",
    "spec.resourceRefs",
    "spec.claimRef",
    "spec.writeConnectionSecretToRef",
    "spec.publishConnectionDetailsTo",
    "status",
];

/// Fields Crossplane injects into claims.
const INJECTED_CLAIM: &[&str] = &[
    "spec.compositionRef",
    "spec.compositionSelector",
    "spec.compositionRevisionRef",
    "spec.compositionRevisionSelector",
    "spec.compositionUpdatePolicy",
    "spec.compositeDeletePolicy",
    "spec.resourceRef",
    "spec.writeConnectionSecretToRef",
    "spec.publishConnectionDetailsTo",
    "status",
];

crate::declare_rule! {
    /// ## What it does
    /// Validates each composite resource (examples, and later orders) and each claim against
    /// the schema of the XRD version it names, with API server semantics: defaults applied first, then type,
    /// required, enum, pattern, bounds, lengths, items, nullable, int-or-string,
    /// preserve-unknown-fields, unknown fields reported at the key, and the XRD's
    /// `x-kubernetes-validations` CEL rules (evaluated with the Kubernetes CEL library; a rule
    /// that cannot be evaluated is a warning saying so, never a silent pass). Fields Crossplane
    /// injects (`spec.crossplane`, and the legacy composition fields for LegacyCluster XRDs)
    /// are accepted.
    ///
    /// ## Why is this bad?
    /// The API server rejects the XR, or prunes unknown fields silently so the order does not
    /// do what its author asked (Flux server-side apply rejects them: "field not declared in
    /// schema").
    ///
    /// ## Example
    /// The XRD's spec schema
    /// ```yaml fixture=fail/order-defects file=configuration/xrd.yaml
    /// spec:
    ///   type: object
    ///   required: [image]
    ///   properties:
    ///     image: {type: string}
    ///     replicas: {type: integer, minimum: 1, default: 1}
    ///     size: {type: string, enum: [small, large], default: small}
    ///     port: {x-kubernetes-int-or-string: true}
    ///     labels:
    ///       type: object
    ///       additionalProperties: {type: string}
    /// ```
    /// and an example that breaks most of it:
    /// ```yaml fixture=fail/order-defects file=examples/basic-webapp.yaml
    /// spec:
    ///   replicas: "2"
    ///   size: medium
    ///   port: 1.5
    ///   proxied: true
    ///   labels:
    ///     app: 3
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-repo file=examples/basic-webapp.yaml
    /// spec:
    ///   image: traefik/whoami
    ///   port: http
    ///   labels: {app: demo}
    /// ```
    pub XXrSchema {
        id: "x-xr-schema",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for XXrSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        // Per XRD version's schema (by its node, which lives as long as the workspace) and
        // whether the object is a claim: its CEL program, compiled once against the CRD
        // Crossplane renders (with the fields it adds, which the rules may read), or `None`
        // when it has no CEL rules (looked for once).
        let mut cel_cache: std::collections::HashMap<
            (*const crate::parse::yaml::Node, bool),
            Option<schema::cel::Compiled>,
        > = Default::default();
        let mut rendered_cache: std::collections::HashMap<
            *const crate::parse::yaml::Node,
            std::rc::Rc<crate::parse::yaml::Node>,
        > = Default::default();
        for doc in ws.xr_candidates() {
            // The XRDs defining its kind, or when none does those offering it as a claim.
            let (mut candidates, claim) = ws.instance_xrds(doc);
            let Some((x, v)) = candidates.find_map(|x| Some((x, x.version(doc.version())?))) else {
                continue;
            };
            let Some(xrd_schema) = v.schema else { continue };
            // The XR is checked against the CRD Crossplane builds from the XRD's schema.
            let rendered = rendered_cache
                .entry(xrd_schema as *const _)
                .or_insert_with(|| std::rc::Rc::new(schema::xcrd::crd_schema(xrd_schema)))
                .clone();
            let schema_node: &crate::parse::yaml::Node = &rendered;
            let allow = match (claim, x.scope()) {
                (true, _) => INJECTED_CLAIM,
                (false, "LegacyCluster") => INJECTED_LEGACY,
                _ => INJECTED,
            };
            // Crossplane adds `spec` to every XR's CRD, even when the XRD declares none.
            let mut allow: Vec<&str> = allow.to_vec();
            if xrd_schema.path(&["properties", "spec"]).is_none() {
                allow.push("spec");
            }
            let opts = schema::Options {
                allow_unknown_under: &allow,
                max_steps: ws.options.limits.schema_steps,
                ..schema::Options::default()
            };
            let head = doc.head_span();
            let version = Some(doc.version());
            let cel = cel_cache.entry((xrd_schema as *const _, claim)).or_insert_with(|| {
                schema::cel::has_rules(schema_node).then(|| {
                    let crd = if claim {
                        schema::xcrd::Rendered::Claim
                    } else {
                        schema::xcrd::Rendered::Composite(x.scope())
                    };
                    schema::cel::compile(&schema::xcrd::crd_schema_with_crossplane_fields(xrd_schema, crd))
                })
            });
            if let Some(compiled) = cel {
                for f in schema::cel::evaluate(compiled, &doc.root) {
                    // A rule on a mapping points at the mapping's key (`spec:`).
                    let target = doc.root.deepest(&f.field_path);
                    let at = match (target.as_map(), f.field_path.rsplit_once('.')) {
                        (Some(_), Some((parent, key))) if !key.contains('[') => {
                            doc.span_of_key(doc.root.deepest(parent), key)
                        }
                        (Some(_), None) if !f.field_path.is_empty() && !f.field_path.contains('[') => {
                            doc.span_of_key(&doc.root, &f.field_path)
                        }
                        _ => doc.span(target),
                    };
                    if f.failed {
                        out.report(
                            at,
                            format!(
                                "{code0}: {}",
                                f.message,
                                code0 = code(
                                    &(if f.field_path.is_empty() {
                                        "<root>"
                                    } else {
                                        &f.field_path
                                    })
                                )
                            ),
                        )
                        .label(x.schema_label(version, &f.field_path).0, x.schema_label(version, &f.field_path).1)
                        .help(format!(
                            "the XRD's validation rule {code0} is false",
                            code0 = code(&f.rule)
                        ));
                    } else if !f.compile {
                        // The API server fails the request when a rule errors, so this is an
                        // error too. A rule that does not compile is reported at the XRD
                        // (`xp-xrd-structural-schema`): the API server refuses the CRD.
                        out.report(
                            at,
                            format!(
                                "CEL rule {code0} could not be evaluated: {}",
                                f.message,
                                code0 = code(&f.rule)
                            ),
                        )
                        .label(x.schema_label(version, &f.field_path).0, x.schema_label(version, &f.field_path).1)
                        .help("the API server refuses the object when a validation rule errors");
                    }
                }
            }
            for e in schema::validate(schema_node, &doc.root, (head.start, head.end), &opts) {
                let (at, says) = x.schema_label(version, &e.path);
                let d = out
                    .report(Span::new(doc.file, e.start, e.end), e.message)
                    .note("in this XR")
                    .label(at, says);
                if let Some(h) = e.help {
                    d.help(h);
                }
            }
        }
    }
}
