use crate::model::backstage::{type_problem, yaml12_type, KIND_FIELDS, META_FIELDS};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags keys at the root of a Backstage entity other than `apiVersion`, `kind`, `metadata` and
    /// `spec`; a `metadata` or `spec` that is not an object; and `metadata.uid`, `etag`, `title`
    /// (non-empty strings) and `description` (a string) of another type
    /// (`EntityEnvelope.schema.json`, `EntityMeta.schema.json`).
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity ("Unknown field", NoForeignRootFieldsEntityPolicy), so it never
    /// shows up.
    ///
    /// ## Example
    /// ```yaml fixture=fail/status.yaml
    /// apiVersion: backstage.io/v1alpha1
    /// kind: Component
    /// metadata:
    ///   name: payments
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: team-a
    /// status: {health: ok}
    /// ```
    ///
    /// Use instead: drop `status` (the catalog computes it) or move the data under `metadata`.
    pub BsEntRootFields {
        id: "bs-ent-root-fields",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

const ALLOWED: &[&str] = &["apiVersion", "kind", "metadata", "spec"];

impl Rule for BsEntRootFields {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            for e in doc.root.as_map().unwrap_or(&[]) {
                if !ALLOWED.contains(&e.key.as_str()) {
                    out.report(
                        doc.key_span(e),
                        format!("{code0} is not allowed at the root of an entity", code0 = code(&e.key)),
                    )
                    .help("only apiVersion, kind, metadata and spec are; the catalog rejects the entity");
                }
            }
            let text = &*ws.sources.get(doc.file).text;
            if let Some(meta) = doc.metadata() {
                if meta.as_map().is_none() {
                    out.report(
                        doc.span(meta),
                        format!("`metadata` must be an object, not {}", yaml12_type(meta, text)),
                    );
                }
                for (field, want) in META_FIELDS {
                    if let Some(v) = meta.get(field) {
                        if let Some((at, message)) = type_problem(v, *want, &format!("metadata.{field}"), text) {
                            out.report(at.of(doc), message);
                        }
                    }
                }
            }
            // The kinds of `KIND_FIELDS` have `spec` checked by their `bs-kind-*` rule.
            let kind_checked = KIND_FIELDS.iter().any(|(k, _, _)| *k == doc.kind);
            if let Some(spec) = doc.spec().filter(|_| !kind_checked) {
                if spec.as_map().is_none() && !spec.is_null() {
                    out.report(
                        doc.span(spec),
                        format!("`spec` must be an object, not {}", yaml12_type(spec, text)),
                    );
                }
            }
        }
    }
}
