use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use crate::schema;

crate::declare_rule! {
    /// ## What it does
    /// Validates the child XRs a Composition renders (composition of compositions) against
    /// their XRD when it is in the same repository: the version must be served, and the child
    /// must pass the same schema check as any XR (required fields, types, enums, unknown
    /// fields). Values produced by template actions are not judged; fields a control action on
    /// its own line may emit, or a patch writes into a patch-and-transform base, are not
    /// required.
    ///
    /// ## Why is this bad?
    /// The parent composes a child that the API server rejects, so the parent XR never becomes
    /// ready and the error surfaces only in the child's events.
    ///
    /// ## Example
    /// The Service composition renders a DNSRecord, whose XRD requires `name` and `value`, types
    /// `ttl` as an integer and has no `proxied`:
    /// ```yaml fixture=fail/repo file=composition.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: DNSRecord
    /// metadata:
    ///   name: {{ .observed.composite.resource.metadata.name }}
    ///   annotations:
    ///     gotemplating.fn.crossplane.io/composition-resource-name: dns
    /// spec:
    ///   name: {{ .observed.composite.resource.spec.name }}
    ///   ttl: "300"
    ///   proxied: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/repo file=composition.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: DNSRecord
    /// metadata:
    ///   name: {{ $xr.metadata.name }}
    ///   annotations:
    ///     gotemplating.fn.crossplane.io/composition-resource-name: dns
    /// spec:
    ///   name: {{ $xr.spec.name }}
    ///   value: {{ $xr.status.ip | default "127.0.0.1" | quote }}
    ///   ttl: {{ $xr.spec.ttl | default 300 }}
    /// ```
    pub XChildXrValid {
        id: "x-child-xr-valid",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for XChildXrValid {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let own = c.type_gvk();
            for r in ws.composed(&c) {
                let (Some(api), Some(group), Some(kind)) = (r.api_version(), r.group(), r.kind()) else {
                    continue;
                };
                if own.is_some_and(|(g, _, k)| g == group && k == kind) {
                    continue;
                }
                let candidates = ws.xrds_for(group, kind, c.doc.file);
                let Some(x) = candidates.first() else { continue };
                let version = crate::model::split_api_version(api).1;
                let Some(v) = candidates.iter().find_map(|x| x.version(version).filter(|v| v.served)) else {
                    let served: Vec<&str> = x
                        .versions()
                        .iter()
                        .filter(|v| v.served)
                        .filter_map(|v| v.name)
                        .collect();
                    out.report(
                        r.span(r.root.get("apiVersion").unwrap_or(r.root)),
                        format!(
                            "child {code0} has no served version {code1}",
                            code0 = code(&kind),
                            code1 = code(&version)
                        ),
                    )
                    .label(x.name_span(), "XRD defined here")
                    .help(format!("served versions: {}", crate::parse::text::list(&served, 5)));
                    continue;
                };
                let Some(schema_node) = v.schema else { continue };
                let is_dynamic = |n: &crate::parse::yaml::Node| r.is_dynamic(n);
                let allow: &[&str] = &["spec.crossplane", "status"];
                let opts = schema::Options {
                    allow_unknown_under: allow,
                    is_dynamic: Some(&is_dynamic),
                    max_steps: ws.options.limits.schema_steps,
                    ..schema::Options::default()
                };
                let head = r.head_span();
                let errors = schema::validate(schema_node, r.root, (r.root.start, r.root.start), &opts);
                for e in errors.into_iter().filter(|e| !r.patched(&e.path)) {
                    let at = if (e.start, e.end) == (r.root.start, r.root.start) {
                        head
                    } else {
                        r.range_span(e.start, e.end)
                    };
                    let d = out
                        .report(at, format!("child {code0}: {}", e.message, code0 = code(&kind)))
                        .label(x.name_span(), "XRD defined here");
                    if let Some(h) = e.help {
                        d.help(h);
                    }
                }
            }
        }
    }
}
