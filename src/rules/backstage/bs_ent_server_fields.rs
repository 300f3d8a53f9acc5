use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `metadata.uid`, `metadata.etag` and `metadata.generation` written in a file.
    ///
    /// ## Why is this bad?
    /// The catalog server sets them and rejects an attempt to do so (EntityMeta schema).
    ///
    /// ## Example
    /// ```yaml fixture=fail/uid.yaml
    /// metadata:
    ///   name: payments
    ///   uid: 8a2c
    ///   etag: abc
    /// ```
    ///
    /// Use instead: remove them.
    pub BsEntServerFields {
        id: "bs-ent-server-fields",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsEntServerFields {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            for e in doc.metadata().and_then(|m| m.as_map()).unwrap_or(&[]) {
                if matches!(e.key.as_str(), "uid" | "etag" | "generation") {
                    out.report(
                        doc.key_span(e),
                        format!(
                            "{code0} is set by the catalog server",
                            code0 = code(&format!("metadata.{}", e.key))
                        ),
                    )
                    .help("remove it: the server rejects entities that set it");
                }
            }
        }
    }
}
