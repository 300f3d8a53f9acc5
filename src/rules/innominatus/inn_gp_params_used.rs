use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Compares a golden path's `parameters` with its workflow file: a declared parameter the
    /// workflow never references (`.parameters.x`, `${parameters.x}`), and a parameter the workflow
    /// references that the golden path does not declare (and the workflow's own `parameters[]` does
    /// not default), are reported.
    ///
    /// ## Why is this bad?
    /// An unused parameter asks the user for a value that changes nothing; an undeclared one
    /// reaches the workflow empty.
    ///
    /// ## Example
    /// `workflows/platform/security-scan.yaml` references `.parameters.org_name` but not
    /// `org_visibility`:
    /// ```yaml fixture=fail/platform file=goldenpaths.yaml
    /// goldenpaths:
    ///   db-setup:
    ///     workflow: ./workflows/platform/security-scan.yaml
    ///     description: x
    ///     parameters:
    ///       org_visibility:
    ///         type: string
    /// ```
    ///
    /// Use instead: use it in the workflow, or remove it.
    pub InnGpParamsUsed {
        id: "inn-gp-params-used",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

/// Parameter names a workflow text references.
fn referenced(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for marker in [".parameters.", "${parameters."] {
        for name in crate::rules::util::names_after(text, marker, &['-']) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

impl Rule for InnGpParamsUsed {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (doc, path) in ws.golden_paths() {
            let Some(wf_node) = path.value.get("workflow") else {
                continue;
            };
            let Some(file) = wf_node.as_str() else { continue };
            let Some(target) = ws.from_root(file) else { continue };
            let Some(text) = ws.text_of(&target) else { continue };
            let used = referenced(text);
            let declared = path.value.get("parameters").and_then(Node::as_map).unwrap_or(&[]);
            for p in declared.iter().filter(|p| !used.contains(&p.key.as_str())) {
                out.report(
                    doc.key_span(p),
                    format!(
                        "golden path {code0} declares {code1}, which {code2} never uses",
                        code0 = code(&path.key),
                        code1 = code(&p.key),
                        code2 = code(&file)
                    ),
                )
                .help("use it in the workflow, or remove it");
            }
            let defaulted: Vec<&str> = ws
                .docs_in(&target)
                .flat_map(|d| d.root.get("parameters").and_then(Node::as_seq).unwrap_or(&[]))
                .filter(|p| p.get("default").is_some())
                .filter_map(|p| p.str_at(&["name"]))
                .collect();
            const INJECTED: &[&str] = &["app_name", "resource_name", "resource_type"];
            for name in used {
                if declared.iter().any(|p| p.key == name) || defaulted.contains(&name) || INJECTED.contains(&name) {
                    continue;
                }
                out.report(
                    doc.span(wf_node),
                    format!(
                        "{code0} uses parameter {code1}, which golden path {code2} does not declare",
                        code0 = code(&file),
                        code1 = code(&name),
                        code2 = code(&path.key)
                    ),
                )
                .help(format!(
                    "declare {code0} under the golden path's `parameters`",
                    code0 = code(&name)
                ));
            }
        }
    }
}
