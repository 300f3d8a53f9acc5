use crate::diagnostics::Severity;
use crate::model::Workspace;
use crate::rules::{Rule, Sink};
use crate::schema::{lookup, Lookup};
use crate::yaml::Node;

crate::declare_rule! {
    /// ## What it does
    /// Checks that the XR field paths a Composition reads exist in the XRD schema:
    /// go-templating (`.observed.composite.resource.spec.x`, `$xr.spec.x` after
    /// `$xr := .observed.composite.resource`, `index … "x"`, `dig "spec" "x" … $xr`) and
    /// patch-and-transform `fromFieldPath` (From/Combine-From patches) and `toFieldPath`
    /// (To/Combine-To patches). An unknown first segment under `spec`/`status` is an error;
    /// a deeper mismatch is a warning.
    ///
    /// ## Why is this bad?
    /// The template silently renders `<no value>` or the patch never applies: a typo such as
    /// `replica` for `replicas` ships a broken template that no schema check sees.
    ///
    /// ## Example
    /// ```yaml,ignore
    /// replicas: {{ .observed.composite.resource.spec.replica }}   # the XRD has `replicas`
    /// ```
    ///
    /// Use instead:
    /// ```yaml,ignore
    /// replicas: {{ .observed.composite.resource.spec.replicas }}
    /// ```
    pub XFieldpathInSchema {
        id: "x-fieldpath-in-schema",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

fn field_path(p: &str) -> Vec<String> {
    // `spec.a[0].b` and `spec.labels[app]` → segments.
    p.replace(['[', ']'], ".").split('.').filter(|s| !s.is_empty()).map(|s| s.trim_matches(['"', '\'']).to_string()).collect()
}

impl Rule for XFieldpathInSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let Some((g, _, k)) = c.type_gvk() else { continue };
            let Some(x) = ws.xrds_for(g, k, c.doc.file).into_iter().next() else { continue };
            let Some(schema) = x.main_schema() else { continue };
            let mut uses: Vec<(Vec<String>, crate::source::Span)> = Vec::new();
            for t in ws.templates.iter().filter(|t| t.doc == c.id) {
                for f in &t.scan.fields {
                    uses.push((f.path.clone(), t.span(f.start, f.end)));
                }
            }
            for step in c.steps().iter().filter(|s| s.is_patch_and_transform()) {
                let Some(resources) = step.input.and_then(|i| i.get("resources")).and_then(Node::as_seq) else { continue };
                for r in resources {
                    for p in r.get("patches").and_then(Node::as_seq).unwrap_or(&[]) {
                        let ty = p.str_at(&["type"]).unwrap_or("FromCompositeFieldPath");
                        let key = match ty {
                            "FromCompositeFieldPath" => "fromFieldPath",
                            "ToCompositeFieldPath" => "toFieldPath",
                            _ => continue,
                        };
                        if let Some(n) = p.get(key) {
                            if let Some(s) = n.as_str() {
                                uses.push((field_path(s), c.doc.span(n)));
                            }
                        }
                    }
                }
            }
            for (path, at) in uses {
                if !matches!(path.first().map(String::as_str), Some("spec" | "status")) || path.len() < 2 {
                    continue;
                }
                if let Lookup::Missing(i) = lookup(schema, &path) {
                    let shown = path.join(".");
                    let parent: Vec<String> = path[..i].to_vec();
                    let known: Vec<String> = match lookup(schema, &parent) {
                        Lookup::Found(s) => s.get("properties").and_then(Node::as_map).unwrap_or(&[]).iter().map(|e| e.key.clone()).collect(),
                        _ => Vec::new(),
                    };
                    let sev = if i <= 1 { Severity::Error } else { Severity::Warning };
                    let d = out
                        .report_with(sev, at, format!("`{shown}` is not in the schema of `{k}`"))
                        .label(x.name_span(), "XRD defined here");
                    match crate::text::suggest(&path[i], known.iter().map(String::as_str)) {
                        Some(s) => d.help(format!("did you mean `{}`?", [&path[..i], &[s.to_string()]].concat().join("."))),
                        None => d.help(format!("`{}` declares {}", parent.join("."), crate::text::list(&known.iter().map(String::as_str).collect::<Vec<_>>(), 8))),
                    };
                }
            }
        }
    }
}
