use crate::model::Doc;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the shapes `Template.v1beta3.schema.json` requires: `spec.parameters` is an object or a
    /// list of objects (form pages) that are valid JSON Schemas (type names, `properties`,
    /// `required` lists, `enum`/`enumNames`, compiling `pattern`s, bounds, `items`, defaults of
    /// the declared type, through nested properties and conditional branches); `spec.steps` is
    /// a list of objects whose `input` is an object and whose `if` is a string or a boolean;
    /// `output.links[]` and `output.text[]` are lists of objects with string fields, and every
    /// other `output` value is a string.
    ///
    /// ## Why is this bad?
    /// The catalog rejects the template, so it never appears in the "Create" page.
    ///
    /// ## Example
    /// ```yaml fixture=fail/parameters.yaml
    /// - title: Basics
    ///   required: [name]
    ///   properties:
    ///     name:
    ///       type: strin
    ///       pattern: '^[a-z(+$'
    ///       maxLength: -1
    ///     size:
    ///       type: string
    ///       required: true
    ///       enum: [s, m]
    ///       enumNames: [Small, Medium, Large]
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/parameters.yaml
    /// - title: Basics
    ///   required: [name]
    ///   properties:
    ///     name:
    ///       type: string
    ///       pattern: '^[a-z0-9-]+$'
    ///       maxLength: 63
    ///       default: web
    ///     size:
    ///       type: string
    ///       enum: [s, m]
    ///       enumNames: [Small, Medium]
    /// ```
    pub BsTplSchema {
        id: "bs-tpl-schema",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

fn list_of_objects(doc: &Doc, node: &Node, what: &str, out: &mut Sink) -> bool {
    let Some(items) = node.as_seq() else {
        out.report(
            doc.span(node),
            format!(
                "{code0} must be a list of objects, not {}",
                node.type_name(),
                code0 = code(&what)
            ),
        );
        return false;
    };
    let mut ok = true;
    for item in items.iter().filter(|i| i.as_map().is_none()) {
        out.report(
            doc.span(item),
            format!(
                "an item of {code0} must be an object, not {}",
                item.type_name(),
                code0 = code(&what)
            ),
        );
        ok = false;
    }
    ok
}

fn strings(doc: &Doc, node: &Node, what: &str, out: &mut Sink) {
    for e in node.as_map().unwrap_or(&[]) {
        if e.value.as_str().is_none() && !e.value.is_null() {
            out.report(
                doc.span(&e.value),
                format!(
                    "{code0} must be a string, not {}",
                    e.value.type_name(),
                    code0 = code(&format!("{what}.{}", e.key))
                ),
            );
        }
    }
}

impl Rule for BsTplSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let doc = t.0;
            let Some(spec) = doc.spec() else { continue };
            if let Some(p) = spec.get("parameters") {
                if p.as_map().is_some() || list_of_objects(doc, p, "spec.parameters", out) {
                    let mut problems = Vec::new();
                    for page in t.pages() {
                        crate::model::backstage::form_schema_problems(page, &mut problems, 0);
                    }
                    for (node, message) in problems {
                        out.report(doc.span(node), format!("invalid parameter schema: {message}"));
                    }
                }
            }
            if let Some(steps) = spec.get("steps") {
                if list_of_objects(doc, steps, "spec.steps", out) {
                    for step in t.steps() {
                        if let Some(i) = step.node.get("input").filter(|i| i.as_map().is_none() && !i.is_null()) {
                            out.report(
                                doc.span(i),
                                format!("the `input` of {} must be an object", step.label()),
                            );
                        }
                        if let Some(c) = step
                            .node
                            .get("if")
                            .filter(|c| c.as_str().is_none() && c.as_bool().is_none())
                        {
                            out.report(
                                doc.span(c),
                                format!("the `if` of {} must be a string or a boolean", step.label()),
                            );
                        }
                    }
                }
            }
            let Some(output) = spec.get("output") else { continue };
            let Some(entries) = output.as_map() else {
                out.report(doc.span(output), "`spec.output` must be an object");
                continue;
            };
            for e in entries {
                match e.key.as_str() {
                    "links" | "text" => {
                        let what = format!("spec.output.{}", e.key);
                        if list_of_objects(doc, &e.value, &what, out) {
                            for item in e.value.as_seq().unwrap_or(&[]) {
                                strings(doc, item, &format!("{what}[]"), out);
                            }
                        }
                    }
                    _ if e.value.as_str().is_none() && !e.value.is_null() => {
                        out.report(
                            doc.span(&e.value),
                            format!(
                                "{code0} must be a string",
                                code0 = code(&format!("spec.output.{}", e.key))
                            ),
                        )
                        .help("only `links` and `text` hold lists; render other values into a string");
                    }
                    _ => {}
                }
            }
        }
    }
}
