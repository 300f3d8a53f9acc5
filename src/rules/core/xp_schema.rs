use crate::model::{Class, Workspace};
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use crate::schema::{self, crds};

crate::declare_rule! {
    /// ## What it does
    /// Validates every Crossplane object (XRD, Composition, EnvironmentConfig,
    /// `pkg.crossplane.io` Configuration/Function/Provider and the `crossplane.yaml` package
    /// metadata) against the real Crossplane CRD schema for its kind and version, the way the
    /// API server does: types, required fields, enums, bounds and unknown fields, reported at
    /// the offending node. An `apiVersion` whose version the CRD does not serve is reported too.
    ///
    /// ## Why is this bad?
    /// The API server (or `crossplane xpkg build`) rejects the object, and Flux stops syncing
    /// everything in the same Kustomization.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: example.org/v1
    ///     kind: Web
    ///   mode: Pipeline
    ///   pipelines: []
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: web
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: example.org/v1
    ///     kind: Web
    ///   mode: Pipeline
    ///   pipeline:
    ///   - step: render
    ///     functionRef:
    ///       name: function-go-templating
    /// ```
    pub XpSchema {
        id: "xp-schema",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for XpSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in &ws.docs {
            if !matches!(
                doc.class,
                Class::Xrd | Class::Composition | Class::EnvironmentConfig | Class::PkgMeta | Class::PkgObject
            ) {
                continue;
            }
            let Some(crd) = crds::find(doc.group(), &doc.kind) else {
                continue;
            };
            let Some((_, _, schema)) = crd.versions.iter().find(|(v, served, _)| v == doc.version() && *served) else {
                let served: Vec<&str> = crd.versions.iter().filter(|v| v.1).map(|v| v.0.as_str()).collect();
                let span = doc
                    .root
                    .get("apiVersion")
                    .map(|n| doc.span(n))
                    .unwrap_or_else(|| doc.head_span());
                out.report(
                    span,
                    format!(
                        "{code0} does not serve version {code1} of {code2}",
                        code0 = code(&doc.group()),
                        code1 = code(&doc.version()),
                        code2 = code(&doc.kind)
                    ),
                )
                .help(format!("served versions: {}", crate::parse::text::list(&served, 5)));
                continue;
            };
            // Legacy Resources-mode Compositions are reported by `xp-comp-mode`; their fields
            // do not exist in the v2 schema at all.
            if doc.class == Class::Composition && (crate::model::Composition { doc, id: 0 }).is_legacy() {
                continue;
            }
            let head = doc.head_span();
            let errors = schema::validate(
                schema,
                &doc.root,
                (head.start, head.end),
                &schema::Options {
                    max_steps: ws.options.limits.schema_steps,
                    ..schema::Options::default()
                },
            );
            for e in errors {
                let d = out.report(Span::new(doc.file, e.start, e.end), e.message);
                if let Some(h) = e.help {
                    d.help(h);
                }
            }
        }
    }
}
