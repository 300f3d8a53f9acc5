use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use crate::schema;

crate::declare_rule! {
    /// ## What it does
    /// Validates each composed resource that the repository's example XRs render
    /// (docs/render.md) against the schema of its kind, as the API server does on apply:
    /// types, enums, patterns, bounds, required fields (after defaults), unknown fields. The
    /// schemas are those of the CRDs given with `--crds FILE|DIR|git+file://…@ref` (or config
    /// `crds:`: provider CRDs, an unpacked provider package) and Crossplane's own kinds
    /// (vendored). Built-in Kubernetes kinds (Deployment, ConfigMap, …) are not validated:
    /// portalint vendors no Kubernetes OpenAPI yet; a kind without a given CRD is not judged.
    ///
    /// ## Why is this bad?
    /// Crossplane applies what the pipeline renders: the API server refuses an invalid
    /// resource, and the XR is never ready.
    ///
    /// ## Example
    /// The Bucket's CRD (given with `--crds`) has no `spec.forProvider.regoin`:
    /// ```yaml fixture=fail/unknown-field file=apis/composition.yaml
    ///           apiVersion: s3.aws.m.upbound.io/v1beta1
    ///           kind: Bucket  # expect: xp-render-composed-schema
    ///           metadata:
    ///             annotations:
    ///               gotemplating.fn.crossplane.io/composition-resource-name: bucket
    ///               gotemplating.fn.crossplane.io/ready: "True"
    ///           spec:
    ///             forProvider:
    ///               regoin: {{ .observed.composite.resource.spec.region }}
    /// ```
    ///
    /// Use instead: the field the CRD declares.
    /// ```yaml fixture=pass/valid file=apis/composition.yaml
    ///           apiVersion: s3.aws.m.upbound.io/v1beta1
    ///           kind: Bucket
    ///           metadata:
    ///             annotations:
    ///               gotemplating.fn.crossplane.io/composition-resource-name: bucket
    ///               gotemplating.fn.crossplane.io/ready: "True"
    ///           spec:
    ///             forProvider:
    ///               region: {{ .observed.composite.resource.spec.region }}
    /// ```
    pub XpRenderComposedSchema {
        id: "xp-render-composed-schema",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpRenderComposedSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let mut seen = std::collections::HashSet::new();
        let opts = schema::Options {
            max_steps: ws.options.limits.schema_steps,
            ..schema::Options::default()
        };
        for (r, _, xr) in ws.each_render() {
            for res in &r.resources {
                let (Some((group, version, kind)), Some(span)) = (res.gvk(), res.origin) else {
                    continue;
                };
                let (schema_node, source) = match ws.crds.find(group, kind) {
                    Some(crd) => match crd.version(version).and_then(|v| v.schema.as_ref()) {
                        Some(s) => (s, crd.source.as_str()),
                        None => continue,
                    },
                    None => match schema::crds::find(group, kind)
                        .and_then(|c| c.versions.iter().find(|v| v.0 == version))
                    {
                        Some(v) => (&v.2, "Crossplane's CRDs"),
                        None => continue,
                    },
                };
                // The object as a YAML node (JSON is YAML), for the validator.
                let Ok(text) = serde_json::to_string(&res.resource) else {
                    continue;
                };
                let parsed = crate::parse::yaml::parse(&text);
                let Some(doc) = parsed.docs.first() else { continue };
                for e in schema::validate(schema_node, &doc.root, (0, 0), &opts) {
                    let path = if e.path.is_empty() { "<root>" } else { e.path.as_str() };
                    if !seen.insert((span, path.to_string(), e.message.clone())) {
                        continue;
                    }
                    let (at, label) = ws.rendered_for(xr);
                    // The message names the path itself when it is about a field.
                    let what = if e.message.contains(path) {
                        e.message.clone()
                    } else {
                        format!("{code0}: {msg}", code0 = code(&path), msg = e.message)
                    };
                    let d = out
                        .report(
                            span,
                            format!(
                                "the rendered {code0} {code1} does not match its CRD ({source}): {what}",
                                code0 = code(&kind),
                                code1 = code(&res.name),
                            ),
                        )
                        .label(at, label);
                    if let Some(h) = e.help {
                        d.help(h);
                    }
                }
            }
        }
    }
}
