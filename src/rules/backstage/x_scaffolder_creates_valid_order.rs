use crate::model::backstage::{has_expression, sole_parameter, Template};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use regex::Regex;
use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// For a software template that opens a pull request (`publish:github:pull-request`,
    /// `publish:gitlab:merge-request`) with the objects its `fetch:template` skeleton renders,
    /// checks the order file it writes against the catalog-orders layout: the path (the publish
    /// step's `targetPath`, a parameter's `default` when it is one, then the skeleton's file) must be
    /// `<cluster>/<namespace>/<Kind>/<name>.yaml`; the `<Kind>` folder must be the object's kind; and
    /// the file must be named after the object (not a constant name while `metadata.name` is
    /// templated).
    ///
    /// ## Why is this bad?
    /// The order lands where Flux does not apply it, or two orders overwrite one file; the PR bot
    /// then rejects every order the template creates.
    ///
    /// ## Example
    /// A template writing `system/ManagedNamespace/managednamespace.yaml` (no cluster folder, a
    /// constant file name, `content/managednamespace.yaml`) for a ManagedNamespace named
    /// `${{ values.name }}`:
    /// ```yaml fixture=fail/layout file=template.yaml
    /// targetPath:
    ///   type: string
    ///   default: system/ManagedNamespace
    /// ```
    ///
    /// Use instead: a cluster folder in the target path, and a skeleton file named
    /// `${{ values.name }}.yaml`.
    /// ```yaml fixture=pass/layout file=template.yaml
    /// targetPath:
    ///   type: string
    ///   default: cluster-a/system/ManagedNamespace
    /// ```
    pub XScaffolderCreatesValidOrder {
        id: "x-scaffolder-creates-valid-order",
        category: Correctness,
        severity: Error,
        pack: Backstage,
    }
}

fn field(text: &str, pattern: &'static OnceLock<Regex>, re: &str) -> Option<String> {
    let r = pattern.get_or_init(|| Regex::new(re).expect("static regex"));
    r.captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().trim_matches(['"', '\'']).to_string())
}

/// A literal value, or the default of the parameter an expression is exactly.
fn resolve(t: Template<'_>, value: &str) -> String {
    let default = sole_parameter(value).and_then(|(name, _)| {
        let (_, schema) = t.parameters().into_iter().find(|(n, _)| *n == name)?;
        schema.str_at(&["default"]).map(str::to_string)
    });
    default.unwrap_or_else(|| value.to_string())
}

impl Rule for XScaffolderCreatesValidOrder {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        static API: OnceLock<Regex> = OnceLock::new();
        static KIND: OnceLock<Regex> = OnceLock::new();
        static NAME: OnceLock<Regex> = OnceLock::new();
        for t in ws.templates() {
            let steps = t.steps();
            let Some(publish) = steps.iter().find(|s| {
                matches!(
                    s.action,
                    Some("publish:github:pull-request" | "publish:gitlab:merge-request")
                )
            }) else {
                continue;
            };
            let pr_target = publish.input().and_then(|i| i.get("targetPath"));
            let base = pr_target
                .and_then(|n| n.as_str())
                .map(|v| resolve(t, v))
                .unwrap_or_default();
            for fetch in steps
                .iter()
                .filter(|s| s.action == Some("fetch:template") && s.index < publish.index)
            {
                let Some(skeleton) = ws.skeleton(t, fetch) else {
                    continue;
                };
                let inner = fetch.input_str("targetPath").map(|v| resolve(t, v)).unwrap_or_default();
                for (path, _, text) in &skeleton.files {
                    let Some(api) = field(text, &API, r"(?m)^apiVersion:\s*(\S+)") else {
                        continue;
                    };
                    let Some(kind) = field(text, &KIND, r"(?m)^kind:\s*(\S+)") else {
                        continue;
                    };
                    if api.starts_with("backstage.io")
                        || api.contains("scaffolder")
                        || crate::model::is_builtin_group(crate::model::split_api_version(&api).0)
                    {
                        continue;
                    }
                    let file = &path[skeleton.dir.len() + 1..];
                    let full: Vec<&str> = [base.as_str(), inner.as_str(), file]
                        .iter()
                        .flat_map(|p| p.split('/'))
                        .filter(|s| !s.is_empty() && *s != ".")
                        .collect();
                    let at = pr_target.map_or_else(
                        || t.0.span(publish.node.get("action").unwrap_or(publish.node)),
                        |n| t.0.span(n),
                    );
                    let shown = full.join("/");
                    if full.len() < 4 {
                        out.report(
                            at,
                            format!(
                                "the order is written to {code0}, not `<cluster>/<namespace>/<Kind>/<name>.yaml`",
                                code0 = code(&shown)
                            ),
                        )
                        .help("start the target path with the cluster folder the order belongs to");
                    } else if let Some(folder) = full.get(full.len() - 2).filter(|f| !has_expression(f) && **f != kind)
                    {
                        out.report(
                            at,
                            format!(
                                "the order of kind {code0} is written under the folder {code1}",
                                code0 = code(&kind),
                                code1 = code(&folder)
                            ),
                        )
                        .help(format!(
                            "orders live in a folder named after their kind: {code0}",
                            code0 = code(&format!("{kind}/"))
                        ));
                    }
                    let name = field(text, &NAME, r"(?m)^metadata:\s*\n(?:\s+.*\n)*?\s+name:\s*(.+)");
                    let file_name = full.last().copied().unwrap_or("");
                    if name.as_deref().is_some_and(has_expression) && !has_expression(file_name) {
                        let url = fetch.input().and_then(|i| i.get("url")).unwrap_or(fetch.node);
                        out.report(
                            t.0.span(url),
                            format!(
                                "every order is written to the same file {code0}, while its name is {code1}",
                                code0 = code(&file_name),
                                code1 = code(&name.unwrap_or_default())
                            ),
                        )
                        .help("name the skeleton file after the object, e.g. `${{ values.name }}.yaml`");
                    }
                }
            }
        }
    }
}
