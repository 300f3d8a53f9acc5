use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every golden path of a `goldenpaths.yaml` names its `workflow` (the string
    /// form `name: ./workflows/x.yaml` counts) and that the file exists, resolved from the
    /// repository root as innominatus does.
    ///
    /// ## Why is this bad?
    /// innominatus refuses the golden path ("workflow file is required") or fails when a
    /// developer runs it; innominatus's own `examples/goldenpaths.yaml` points at workflows
    /// that were moved to `workflows/archive/`.
    ///
    /// ## Example
    /// The platform has `workflows/team-setup.yaml`, and no `workflows/archive/` or
    /// `workflows/deploy-app.yaml`:
    /// ```yaml fixture=fail/platform file=goldenpaths.yaml
    /// goldenpaths:
    ///   team-setup:
    ///     workflow: ./workflows/archive/team-setup.yaml
    ///   deploy-app: ./workflows/deploy-app.yaml
    ///   keycloak-setup:
    ///     description: no workflow
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=goldenpaths.yaml
    /// goldenpaths:
    ///   team-setup:
    ///     workflow: ./workflows/team-setup.yaml
    /// ```
    pub InnGpWorkflow {
        id: "inn-gp-workflow",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnGpWorkflow {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (doc, path) in ws.golden_paths() {
            let node = match &path.value.value {
                crate::parse::yaml::Value::Str(_) => Some(&path.value),
                _ => path.value.get("workflow"),
            };
            let Some(file) = node.and_then(Node::as_str).filter(|f| !f.is_empty()) else {
                out.report(
                    doc.key_span(path),
                    format!("golden path {code0} names no `workflow`", code0 = code(&path.key)),
                );
                continue;
            };
            let node = node.expect("present");
            let Some(target) = ws.from_root(file) else { continue };
            if !ws.has_file(&target) {
                let name = target.rsplit('/').next().unwrap_or(&target);
                let elsewhere = ws.paths.iter().find(|p| p.ends_with(&format!("/{name}")));
                let d = out.report(
                    doc.span(node),
                    format!(
                        "golden path {code0}: {code1} does not exist",
                        code0 = code(&path.key),
                        code1 = code(&file)
                    ),
                );
                match elsewhere {
                    Some(p) => d.help(format!("a file of that name is at {code0}", code0 = code(&p))),
                    None => d.help("workflow files are resolved from the repository root"),
                };
            }
        }
    }
}
