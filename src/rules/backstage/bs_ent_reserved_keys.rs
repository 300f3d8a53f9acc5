use crate::model::Doc;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags the reserved keys `apiVersion`, `kind`, `uid`, `etag`, `generation`, `name`,
    /// `namespace`, `labels`, `annotations` and `spec` inside `spec`, `metadata.labels` or
    /// `metadata.annotations`.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the entity (ReservedFieldsEntityPolicy): these names belong to the
    /// envelope.
    ///
    /// ## Example
    /// ```yaml fixture=fail/spec-name.yaml
    /// spec:
    ///   type: service
    ///   name: payments
    /// ```
    ///
    /// Use instead: put the name in `metadata.name`, and use another key for custom data.
    pub BsEntReservedKeys {
        id: "bs-ent-reserved-keys",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

const RESERVED: &[&str] = &[
    "apiVersion",
    "kind",
    "uid",
    "etag",
    "generation",
    "name",
    "namespace",
    "labels",
    "annotations",
    "spec",
];

fn check_map(doc: &Doc, node: Option<&Node>, place: &str, out: &mut Sink) {
    for e in node.and_then(Node::as_map).unwrap_or(&[]) {
        if RESERVED.contains(&e.key.as_str()) {
            out.report(
                doc.key_span(e),
                format!(
                    "{code0} is a reserved key and must not appear in {place}",
                    code0 = code(&e.key)
                ),
            )
            .help("the catalog rejects the entity; rename the key");
        }
    }
}

impl Rule for BsEntReservedKeys {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            check_map(doc, doc.spec(), "`spec`", out);
            let meta = doc.metadata();
            check_map(doc, meta.and_then(|m| m.get("labels")), "`metadata.labels`", out);
            check_map(
                doc,
                meta.and_then(|m| m.get("annotations")),
                "`metadata.annotations`",
                out,
            );
        }
    }
}
