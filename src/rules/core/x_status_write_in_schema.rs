use crate::model::{Composed, Workspace};
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};
use crate::schema::{lookup, Lookup};

crate::declare_rule! {
    /// ## What it does
    /// When a Composition renders a document of its own XR kind with a `status:` block (how
    /// function-go-templating updates the XR's status), checks that every key written there is
    /// declared in the XRD's `status` schema.
    ///
    /// ## Why is this bad?
    /// The API server prunes undeclared status fields, so the status the template computes
    /// never reaches the XR (nor Backstage, which shows it).
    ///
    /// ## Example
    /// The Service XRD's status has `domain`, `ready` and `endpoints.public`:
    /// ```yaml fixture=fail/repo file=composition.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: Service
    /// status:
    ///   domian: {{ .observed.composite.resource.spec.name }}
    ///   endpoints:
    ///     private: https://y
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/repo file=composition.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: Service
    /// status:
    ///   domain: {{ printf "%s.example.org" $xr.spec.name }}
    ///   ready: true
    ///   endpoints:
    ///     public: https://x
    /// ```
    pub XStatusWriteInSchema {
        id: "x-status-write-in-schema",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

fn walk(r: &Composed<'_>, schema: &Node, node: &Node, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Span)>) {
    for e in node.as_map().unwrap_or(&[]) {
        if r.key_is_dynamic(e) {
            continue;
        }
        path.push(e.key.clone());
        match lookup(schema, path) {
            Lookup::Missing(_) => out.push((path.clone(), r.key_span(e))),
            Lookup::Found(_) => walk(r, schema, &e.value, path, out),
            Lookup::Open => {}
        }
        path.pop();
    }
}

impl Rule for XStatusWriteInSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let Some(x) = ws.xrd_of(&c) else { continue };
            let k = x.kind().unwrap_or_default();
            let Some(schema) = x.main_schema() else { continue };
            for r in ws.composed(&c) {
                if r.group() != x.group() || r.kind() != Some(k) {
                    continue;
                }
                let Some(status) = r.root.get("status") else { continue };
                let mut missing = Vec::new();
                walk(&r, schema, status, &mut vec!["status".to_string()], &mut missing);
                for (path, at) in missing {
                    let shown = path.join(".");
                    let parent = &path[..path.len() - 1];
                    let known: Vec<String> = match lookup(schema, parent) {
                        Lookup::Found(s) => s
                            .get("properties")
                            .and_then(Node::as_map)
                            .unwrap_or(&[])
                            .iter()
                            .map(|e| e.key.clone())
                            .collect(),
                        _ => Vec::new(),
                    };
                    let d = out
                        .report(
                            at,
                            format!(
                                "{code0} is written but not declared in the status schema of {code1}",
                                code0 = code(&shown),
                                code1 = code(&k)
                            ),
                        )
                        .label(x.schema_label(None, &parent.join(".")).0, x.schema_label(None, &parent.join(".")).1);
                    match crate::parse::text::suggest(
                        path.last().map_or("", String::as_str),
                        known.iter().map(String::as_str),
                    ) {
                        Some(s) => d.help(format!(
                            "did you mean {code0}? (or declare {code1} in the XRD)",
                            code0 = code(&s),
                            code1 = code(&shown)
                        )),
                        None => d.help(format!(
                            "declare {code0} in the XRD's status schema; the API server prunes it otherwise",
                            code0 = code(&shown)
                        )),
                    };
                }
            }
        }
    }
}
