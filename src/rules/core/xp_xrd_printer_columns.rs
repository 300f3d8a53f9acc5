use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

const TYPES: &[&str] = &["integer", "number", "string", "boolean", "date"];
const FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "date",
    "date-time",
    "password",
];

crate::declare_rule! {
    /// ## What it does
    /// Checks `additionalPrinterColumns`: `type` is one of `integer`, `number`, `string`,
    /// `boolean`, `date`; `format` (if set) is one of `int32`, `int64`, `float`, `double`,
    /// `byte`, `date`, `date-time`, `password`; `name` and `jsonPath` are required.
    ///
    /// ## Why is this bad?
    /// The generated CRD is rejected by the API server.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   versions:
    ///   - name: v1
    ///     served: true
    ///     referenceable: true
    ///     additionalPrinterColumns:
    ///     - name: Endpoint
    ///       type: object
    ///       jsonPath: .status.endpoint
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   versions:
    ///   - name: v1
    ///     served: true
    ///     referenceable: true
    ///     additionalPrinterColumns:
    ///     - name: Endpoint
    ///       type: string
    ///       jsonPath: .status.endpoint
    /// ```
    pub XpXrdPrinterColumns {
        id: "xp-xrd-printer-columns",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpXrdPrinterColumns {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            for v in x.versions() {
                for col in v
                    .node
                    .get("additionalPrinterColumns")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                {
                    for req in ["name", "type", "jsonPath"] {
                        if col.get(req).is_none() {
                            out.report(
                                doc.span(col),
                                format!("printer column is missing {code0}", code0 = code(&req)),
                            );
                        }
                    }
                    for (key, allowed) in [("type", TYPES), ("format", FORMATS)] {
                        let Some(n) = col.get(key) else { continue };
                        let val = n.scalar_text().unwrap_or_default();
                        if !allowed.contains(&val.as_str()) {
                            out.report(
                                doc.span(n),
                                format!("printer column {key} {code0} is not supported", code0 = code(&val)),
                            )
                            .help(format!("use one of {}", crate::parse::text::list(allowed, 8)));
                        }
                    }
                }
            }
        }
    }
}
