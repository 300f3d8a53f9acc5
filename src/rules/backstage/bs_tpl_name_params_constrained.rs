use crate::model::backstage::sole_parameter;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a free-text string parameter that is passed unchanged (`${{ parameters.p }}`) into a
    /// name or a path — a `fetch:template` value called `name`, `component_id`, `componentName`,
    /// `repoName`, `appName` or `namespace`, or a `targetPath`, `branchName` or `path` input — when
    /// it has no `pattern` or no `maxLength` (parameters with an `enum` or a picker `ui:field` are
    /// constrained already).
    ///
    /// ## Why is this bad?
    /// Whatever the user types becomes an entity name, a Kubernetes name or a path: the run fails
    /// late, or writes outside the intended folder.
    ///
    /// ## Example
    /// ```yaml fixture=fail/free-text.yaml
    /// properties:
    ///   name:
    ///     type: string
    ///   target:
    ///     type: string
    ///     pattern: '^[a-z]+$'
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/constrained.yaml
    /// properties:
    ///   name:
    ///     type: string
    ///     pattern: '^[a-z0-9-]+$'
    ///     maxLength: 63
    /// ```
    pub BsTplNameParamsConstrained {
        id: "bs-tpl-name-params-constrained",
        category: Suspicious,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

const NAME_VALUES: &[&str] = &[
    "name",
    "component_id",
    "componentName",
    "repoName",
    "repo_name",
    "appName",
    "app_name",
    "namespace",
];
const PATH_INPUTS: &[&str] = &["targetPath", "branchName", "path"];

impl Rule for BsTplNameParamsConstrained {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            let declared = t.parameters();
            let mut flagged: Vec<String> = Vec::new();
            for step in t.steps() {
                let Some(input) = step.input() else { continue };
                let values = input.get("values").and_then(|v| v.as_map()).unwrap_or(&[]);
                let sinks = values
                    .iter()
                    .filter(|e| NAME_VALUES.contains(&e.key.as_str()))
                    .map(|e| (format!("values.{}", e.key), &e.value))
                    .chain(
                        input
                            .as_map()
                            .unwrap_or(&[])
                            .iter()
                            .filter(|e| PATH_INPUTS.contains(&e.key.as_str()))
                            .map(|e| (e.key.clone(), &e.value)),
                    );
                for (sink, node) in sinks {
                    let Some((param, false)) = node.as_str().and_then(sole_parameter) else {
                        continue;
                    };
                    let param = param.as_str();
                    let Some((_, schema)) = declared.iter().find(|(n, _)| *n == param) else {
                        continue;
                    };
                    let constrained = |k: &str| schema.get(k).is_some();
                    if constrained("enum")
                        || constrained("const")
                        || constrained("ui:field")
                        || schema.str_at(&["type"]).is_some_and(|ty| ty != "string")
                    {
                        continue;
                    }
                    let missing: Vec<&str> = ["pattern", "maxLength"]
                        .into_iter()
                        .filter(|k| !constrained(k))
                        .collect();
                    if missing.is_empty() || flagged.iter().any(|f| f == param) {
                        continue;
                    }
                    flagged.push(param.to_string());
                    out.report(
                        t.0.span(schema),
                        format!(
                            "parameter {code0} becomes {code1} but has no {}",
                            missing.join(" and "),
                            code0 = code(&param),
                            code1 = code(&sink)
                        ),
                    )
                    .label(t.0.span(node), "used here")
                    .help("constrain it, e.g. `pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'` and `maxLength: 63`");
                }
            }
        }
    }
}
