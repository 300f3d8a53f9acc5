use crate::model::{Origin, Workspace};
use crate::parse::text::code;
use crate::rules::diagnostic::Fix;
use crate::rules::edit;
use crate::rules::{Rule, Sink};
use std::collections::HashSet;

/// The annotation function-go-templating names composed resources by.
pub const NAME_ANNOTATION: &str = "gotemplating.fn.crossplane.io/composition-resource-name";

crate::declare_rule! {
    /// ## What it does
    /// Checks that every document a go-templating template renders carries the annotation
    /// `gotemplating.fn.crossplane.io/composition-resource-name` (directly or through
    /// `setResourceNameAnnotation`), except a document of the XR's own kind (it only updates
    /// the XR's status) and `meta.gotemplating.fn.crossplane.io` documents.
    ///
    /// ## Why is this bad?
    /// The function fails with "template is missing required composition-resource-name
    /// annotation" and nothing is composed.
    ///
    /// ## Example
    /// ```yaml fixture=fail/missing file=composition.yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: {{ .observed.composite.resource.metadata.name }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/repo file=composition.yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: {{ $xr.metadata.name }}
    ///   annotations:
    ///     gotemplating.fn.crossplane.io/composition-resource-name: config
    /// ```
    pub FnGotplResourceNameAnnotation {
        id: "fn-gotpl-resource-name-annotation",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
        fix: true,
    }
}

impl Rule for FnGotplResourceNameAnnotation {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            let own = c.type_gvk();
            let composed = ws.composed(&c);
            // The names the Composition already uses: a derived one must not repeat them.
            let mut taken: HashSet<String> = composed
                .iter()
                .filter_map(|r| r.static_str(&["metadata", "annotations", NAME_ANNOTATION]))
                .map(str::to_string)
                .collect();
            for r in &composed {
                if let Origin::Template(t) = r.origin {
                    taken.extend(
                        t.scan
                            .actions
                            .iter()
                            .flat_map(|a| a.body.split("setResourceNameAnnotation").skip(1))
                            .filter_map(|rest| rest.trim_start().strip_prefix('"')?.split('"').next())
                            .map(str::to_string),
                    );
                }
            }
            for r in &composed {
                let Origin::Template(t) = r.origin else { continue };
                let (Some(group), Some(kind)) = (r.group(), r.kind()) else {
                    continue;
                };
                if group == "meta.gotemplating.fn.crossplane.io" || own.is_some_and(|(g, _, k)| g == group && k == kind)
                {
                    continue;
                }
                // Metadata or annotations produced by an action (`{{ toYaml … }}`) may carry it.
                let produced = |n: &crate::parse::yaml::Node| n.as_map().is_none() || t.contains_action(n);
                let annotations = r.root.path(&["metadata", "annotations"]);
                if annotations.is_some_and(|a| a.get(NAME_ANNOTATION).is_some() || produced(a)) {
                    continue;
                }
                if r.root.get("metadata").is_some_and(|m| m.as_map().is_none()) {
                    continue;
                }
                // `{{ setResourceNameAnnotation "x" }}` inside the document sets it.
                let (s, e) = (r.root.start as usize, r.root.end as usize);
                if t.scan
                    .actions
                    .iter()
                    .any(|a| a.start >= s && a.start <= e && a.body.contains("setResourceNameAnnotation"))
                {
                    continue;
                }
                let name = derived_name(kind, &taken);
                let looped = inside_range(&t.scan, s);
                let fix = if looped { None } else { annotate(ws, r, &name) };
                if fix.is_some() {
                    taken.insert(name.clone());
                }
                let help = if looped {
                    format!(
                        "add `metadata.annotations` with a {code0} unique to each item of the \
                         `range`, e.g. {code1}",
                        code0 = code(&NAME_ANNOTATION),
                        code1 = code(&format!("{name}-{{{{ $i }}}}"))
                    )
                } else {
                    format!(
                        "add `metadata.annotations` with a unique {code0}: the kind in lowercase, \
                         with `-2`, `-3`… when the Composition already uses it (here {code1})",
                        code0 = code(&NAME_ANNOTATION),
                        code1 = code(&name)
                    )
                };
                out.report(
                    r.head_span(),
                    format!(
                        "rendered {code0} has no {code1} annotation",
                        code0 = code(&kind),
                        code1 = code(&NAME_ANNOTATION)
                    ),
                )
                .help(help)
                .fix(fix);
            }
        }
    }
}

/// The kind in lowercase, or with the first free `-2`, `-3`… suffix.
fn derived_name(kind: &str, taken: &HashSet<String>) -> String {
    let base = kind.to_ascii_lowercase();
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|i| format!("{base}-{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or(base)
}

/// True when the template offset `at` lies inside a `{{ range }}` block: the document is
/// rendered once per item, and one literal name would be given to each (no mechanical fix).
fn inside_range(scan: &crate::parse::gotpl::Scan, at: usize) -> bool {
    let mut open: Vec<bool> = Vec::new();
    for a in scan.actions.iter().take_while(|a| a.start < at) {
        let word = a.body.trim_start().split([' ', '\t', '\n']).next().unwrap_or("");
        match word {
            "range" => open.push(true),
            "if" | "with" | "define" | "block" => open.push(false),
            "end" => {
                open.pop();
            }
            _ => {}
        }
    }
    open.contains(&true)
}

/// The annotation added to the rendered document `r` (block style only): first among its
/// `metadata.annotations`, or `annotations:` after `metadata.name` (else first in
/// `metadata`), or `metadata:` after `kind`.
fn annotate(ws: &Workspace, r: &crate::model::Composed<'_>, name: &str) -> Option<Fix> {
    let Origin::Template(t) = r.origin else { return None };
    let file = t.file;
    let text = &*ws.sources.get(file).text;
    let line = format!("{NAME_ANNOTATION}: {name}");
    let root = r.root.as_map()?;
    let Some(meta) = root.iter().find(|e| e.key == "metadata") else {
        let kind = root.iter().find(|e| e.key == "kind")?;
        let (at, indent) = edit::one_line_entry(text, "kind", r.key_span(kind), r.span(&kind.value))?;
        let lines = [
            "metadata:".to_string(),
            "  annotations:".to_string(),
            format!("    {line}"),
        ];
        return Some(Fix {
            edits: vec![edit::insert_lines_after(file, text, at, indent, &lines)],
        });
    };
    let entries = meta.value.as_map()?;
    if let Some(a) = meta.value.get("annotations") {
        let (at, indent) = edit::before_first_key(text, a.as_map()?, |e| r.key_span(e))?;
        return Some(Fix {
            edits: vec![edit::insert_lines_before(file, text, at, indent, &[line])],
        });
    }
    let (first, indent) = edit::before_first_key(text, entries, |e| r.key_span(e))?;
    let outer = edit::own_line_indent(text, r.key_span(meta).start as usize)?;
    let step = indent.get(outer.len()..).filter(|s| !s.is_empty()).unwrap_or("  ");
    let lines = ["annotations:".to_string(), format!("{step}{line}")];
    let after_name = entries
        .iter()
        .find(|e| e.key == "name")
        .and_then(|e| edit::one_line_entry(text, "name", r.key_span(e), r.span(&e.value)));
    let insert = match after_name {
        Some((at, indent)) => edit::insert_lines_after(file, text, at, indent, &lines),
        None => edit::insert_lines_before(file, text, first, indent, &lines),
    };
    Some(Fix { edits: vec![insert] })
}
