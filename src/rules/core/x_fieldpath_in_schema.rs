use crate::model::{Composition, Workspace};
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};
use crate::schema::{lookup, Lookup};

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
    /// The XRD's spec has `image`, `replicas`, `size`, `port` and `labels`; its status has `url`:
    /// ```yaml fixture=fail/typos file=configuration/composition.yaml
    /// template: |
    ///   {{- $xr := .observed.composite.resource }}
    ///   replicas: {{ $xr.spec.replica }}
    ///   image: {{ .observed.composite.resource.spec.imag }}
    ///   size: {{ dig "spec" "sizes" "small" $xr }}
    ///   url: {{ $xr.status.uri }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-repo file=configuration/composition.yaml
    /// manifest:
    ///   replicas: {{ $xr.spec.replicas }}
    ///   image: {{ $spec.image }}
    ///   port: {{ index .observed.composite.resource.spec "port" }}
    ///   size: {{ dig "spec" "size" "small" $xr }}
    /// ```
    pub XFieldpathInSchema {
        id: "x-fieldpath-in-schema",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

fn field_path(p: &str) -> Vec<String> {
    // `spec.a[0].b` and `spec.labels[app]` → segments.
    p.replace(['[', ']'], ".")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_matches(['"', '\'']).to_string())
        .collect()
}

/// XR paths read by the go-templating steps of a Composition.
pub fn template_uses(ws: &Workspace, c: &Composition<'_>) -> Vec<(Vec<String>, Span)> {
    let mut uses = Vec::new();
    for t in ws.templates.iter().filter(|t| t.doc == c.id) {
        for f in &t.scan.fields {
            uses.push((f.path.clone(), t.span(f.start, f.end)));
        }
    }
    uses
}

/// XR paths read (`fromFieldPath`) or written (`toFieldPath`) by patch-and-transform steps.
fn patch_uses(c: &Composition<'_>) -> Vec<(Vec<String>, Span)> {
    let mut uses = Vec::new();
    for step in c.steps().iter().filter(|s| s.is_patch_and_transform()) {
        let Some(input) = step.input else { continue };
        let resources = input.get("resources").and_then(Node::as_seq).unwrap_or(&[]);
        let sets = input.get("patchSets").and_then(Node::as_seq).unwrap_or(&[]);
        for holder in resources.iter().chain(sets) {
            for p in holder.get("patches").and_then(Node::as_seq).unwrap_or(&[]) {
                let key = match p.str_at(&["type"]).unwrap_or("FromCompositeFieldPath") {
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
    uses
}

/// Reports every path of `uses` that the schema of the Composition's XRD does not declare.
pub fn report_missing(ws: &Workspace, c: &Composition<'_>, uses: Vec<(Vec<String>, Span)>, out: &mut Sink) {
    let Some(x) = ws.xrd_of(c) else { return };
    let k = x.kind().unwrap_or_default();
    let Some(schema) = x.main_schema() else { return };
    // Fields Crossplane injects into the XR exist although the XRD does not declare them.
    let injected = if x.scope() == "LegacyCluster" {
        crate::rules::core::x_xr_schema::INJECTED_LEGACY
    } else {
        crate::rules::core::x_xr_schema::INJECTED
    };
    for (path, at) in uses {
        if !matches!(path.first().map(String::as_str), Some("spec" | "status")) || path.len() < 2 {
            continue;
        }
        let dotted = path.join(".");
        if dotted.starts_with("status.conditions")
            || injected
                .iter()
                .any(|i| *i != "status" && (dotted == *i || dotted.starts_with(&format!("{i}."))))
        {
            continue;
        }
        let Lookup::Missing(i) = lookup(schema, &path) else {
            continue;
        };
        let shown = path.join(".");
        let parent: Vec<String> = path[..i].to_vec();
        let known: Vec<String> = match lookup(schema, &parent) {
            Lookup::Found(s) => s
                .get("properties")
                .and_then(Node::as_map)
                .unwrap_or(&[])
                .iter()
                .map(|e| e.key.clone())
                .collect(),
            _ => Vec::new(),
        };
        let sev = if i <= 1 { Severity::Error } else { Severity::Warning };
        let d = out
            .report_with(
                sev,
                at,
                format!(
                    "{code0} is not in the schema of {code1}",
                    code0 = code(&shown),
                    code1 = code(&k)
                ),
            )
            .label(x.schema_label(None, &path[..i].join(".")).0, x.schema_label(None, &path[..i].join(".")).1);
        match crate::parse::text::suggest(&path[i], known.iter().map(String::as_str)) {
            Some(s) => d.help(format!(
                "did you mean {code0}?",
                code0 = code(&([&path[..i], &[s.to_string()]].concat().join(".")))
            )),
            None => {
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                d.help(format!(
                    "{code0} declares {}",
                    crate::parse::text::nearest(&path[i], &known, crate::parse::text::NEAREST),
                    code0 = code(&parent.join("."))
                ))
            }
        };
    }
}

impl Rule for XFieldpathInSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let mut uses = template_uses(ws, &c);
            uses.extend(patch_uses(&c));
            report_missing(ws, &c, uses, out);
        }
    }
}
