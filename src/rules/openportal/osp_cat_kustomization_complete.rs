use crate::model::Workspace;
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::parse::yaml::Value;
use crate::rules::diagnostic::{Edit, Fix};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the catalog's root `kustomization.yaml` lists exactly the `templates/*.yaml`
    /// entries: none missing, none dangling.
    ///
    /// ## Why is this bad?
    /// Flux applies only what the kustomization lists: a released template missing from it is never
    /// installed, and a dangling entry breaks the whole catalog sync.
    ///
    /// ## Example
    /// The catalog has `templates/template-whoami.yaml` and
    /// `templates/template-whoami-service.yaml`:
    /// ```yaml fixture=fail/catalog file=kustomization.yaml
    /// apiVersion: kustomize.config.k8s.io/v1beta1
    /// kind: Kustomization
    /// resources:
    ///   - templates/template-whoami.yaml
    ///   - templates/template-gone.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog file=kustomization.yaml
    /// apiVersion: kustomize.config.k8s.io/v1beta1
    /// kind: Kustomization
    /// resources:
    ///   - templates/template-whoami-service.yaml
    ///   - templates/template-whoami.yaml
    /// ```
    pub OspCatKustomizationComplete {
        id: "osp-cat-kustomization-complete",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
        fix: true,
    }
}

impl Rule for OspCatKustomizationComplete {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.catalog {
            return;
        }
        let Some(k) = ws.docs_in("kustomization.yaml").next() else {
            return;
        };
        let text = &*ws.sources.get(k.file).text;
        let items = k.root.get("resources").and_then(|r| r.as_seq()).unwrap_or(&[]);
        let listed: Vec<&str> = items
            .iter()
            .filter_map(|n| n.as_str())
            .map(|s| s.trim_start_matches("./"))
            .collect();
        let entries: Vec<&str> = ws.catalog_entries().collect();
        for e in &entries {
            if !listed.contains(e) {
                out.report(
                    k.span_of_key(&k.root, "resources"),
                    format!("`kustomization.yaml` does not list {code0}", code0 = code(&e)),
                )
                .help(format!("add {code0}", code0 = code(&format!("- {e}"))))
                .fix(add_entry(k, text, e, &entries));
            }
        }
        for n in items {
            let Some(l) = n.as_str() else { continue };
            let l = l.trim_start_matches("./");
            if l.starts_with("templates/") && !entries.contains(&l) {
                out.report(
                    k.span(n),
                    format!("{code0} is listed but does not exist", code0 = code(&l)),
                )
                .help(format!("remove {code0}", code0 = code(&format!("- {l}"))))
                .fix(remove_item(text, k.span(n)));
            }
        }
    }
}

/// The `- ` prefix of a block sequence item at `at` that is alone on its line (a trailing
/// comment aside): its line's start and the text before the item (`  - `).
fn item_line(text: &str, span: Span) -> Option<(usize, &str)> {
    let (s, e) = crate::rules::edit::scalar_extent(text, span)?;
    let from = crate::rules::edit::line_start(text, s);
    let prefix = &text[from..s];
    let dash = prefix.trim_start_matches(' ');
    if !(dash.starts_with('-') && dash[1..].bytes().all(|b| b == b' ') && dash.len() > 1) {
        return None;
    }
    let rest = text[e..crate::rules::edit::next_line(text, e)].trim();
    (rest.is_empty() || rest.starts_with('#')).then_some((from, prefix))
}

/// Removes the line of a listed entry.
fn remove_item(text: &str, span: Span) -> Option<Fix> {
    let (from, _) = item_line(text, span)?;
    let to = crate::rules::edit::next_line(text, from);
    Some(Fix::replace(Span::new(span.file, from as u32, to as u32), ""))
}

/// Adds `- entry` to `resources`: before the first existing `templates/` item (one of
/// `entries`) that sorts after it, else after the last of them (or the last item); `resources: []`, an empty
/// `resources:` and no `resources` at all become a block list. `None` for a flow list or items
/// not alone on their lines.
fn add_entry(k: &crate::model::Doc, text: &str, entry: &str, entries: &[&str]) -> Option<Fix> {
    use crate::rules::edit;
    let file = k.file;
    let Some(res) = k.root.entry("resources") else {
        // No `resources`: one appended at the end (made once for every missing entry).
        let lead = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let end = text.len() as u32;
        return Some(Fix {
            edits: vec![
                Edit {
                    span: Span::new(file, end, end),
                    replacement: format!("{lead}resources:\n"),
                },
                Edit {
                    span: Span::new(file, end, end),
                    replacement: format!("  - {entry}\n"),
                },
            ],
        });
    };
    let key_at = res.key_start as usize;
    edit::own_line_indent(text, key_at)?;
    let line = format!("- {entry}");
    let items = match &res.value.value {
        Value::Seq(items) if !items.is_empty() => items,
        Value::Seq(_) | Value::Null => {
            let mut edits = Vec::new();
            if res.value.as_seq().is_some() {
                // `resources: []` on one line: the `[]` goes (the same edit for every entry).
                let (from, to) = (res.key_end as usize, res.value.end as usize);
                if text.get(from..to)?.trim_start_matches([':', ' ']) != "[]" {
                    return None;
                }
                edits.push(Edit {
                    span: Span::new(file, from as u32, to as u32),
                    replacement: ":".into(),
                });
            }
            let indent = format!("{}  ", edit::own_line_indent(text, key_at)?);
            edits.push(edit::insert_lines_after(file, text, key_at, &indent, &[line]));
            return Some(Fix { edits });
        }
        _ => return None,
    };
    let mut lines = Vec::with_capacity(items.len());
    for n in items {
        let (from, prefix) = item_line(text, k.span(n))?;
        lines.push((from, prefix, n.as_str()?.trim_start_matches("./")));
    }
    let templates = || lines.iter().filter(|(.., v)| entries.contains(v));
    let edit = match templates().find(|(.., v)| *v > entry) {
        Some(&(from, prefix, _)) => edit::insert_lines_before(file, text, from, prefix, &[entry.to_string()]),
        None => {
            let &(from, prefix, _) = templates().next_back().or(lines.last())?;
            edit::insert_lines_after(file, text, from, prefix, &[entry.to_string()])
        }
    };
    Some(Fix { edits: vec![edit] })
}
