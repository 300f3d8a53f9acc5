use crate::model::backstage::action;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the inputs known actions require: `fetch:template` and `fetch:plain` need `url`,
    /// `publish:github`/`publish:gitea` need `repoUrl`, `publish:github:pull-request` needs
    /// `repoUrl`, `branchName`, `title` and `description`, `catalog:register` needs exactly one of
    /// `catalogInfoUrl` and `repoContentsUrl`, `http:backstage:request` needs a valid `method` and a
    /// `path`, `fs:rename` needs `files[].from` and `files[].to`.
    ///
    /// ## Why is this bad?
    /// The action's input schema rejects the step when it runs, after the user submitted the form.
    ///
    /// ## Example
    /// ```yaml fixture=fail/missing.yaml
    /// - id: register
    ///   action: catalog:register
    ///   input:
    ///     catalogInfoPath: /catalog-info.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// - id: register
    ///   action: catalog:register
    ///   input:
    ///     repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
    ///     catalogInfoPath: /catalog-info.yaml
    /// ```
    pub BsTplActionRequiredInputs {
        id: "bs-tpl-action-required-inputs",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

const METHODS: &[&str] = &["GET", "HEAD", "OPTIONS", "POST", "UPDATE", "DELETE", "PUT", "PATCH"];

impl Rule for BsTplActionRequiredInputs {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for step in t.steps() {
                let Some(known) = step.action.and_then(action) else {
                    continue;
                };
                let input = step.input();
                let has = |k: &str| input.and_then(|i| i.get(k)).is_some_and(|v| !v.is_null());
                let at = match input {
                    Some(_) => t.0.span_of_key(step.node, "input"),
                    None => t.0.span(step.node.get("action").unwrap_or(step.node)),
                };
                for req in known.required.iter().filter(|r| !has(r)) {
                    out.report(
                        at,
                        format!(
                            "{code0} needs the input {code1} ({})",
                            step.label(),
                            code0 = code(&known.id),
                            code1 = code(&req)
                        ),
                    );
                }
                match known.id {
                    "catalog:register" => {
                        let n = ["catalogInfoUrl", "repoContentsUrl"].iter().filter(|k| has(k)).count();
                        if n != 1 {
                            out.report(at, format!("`catalog:register` needs exactly one of `catalogInfoUrl` and `repoContentsUrl` ({})", step.label()))
                                .help("`catalogInfoPath` alone says where, not in which repository");
                        }
                    }
                    "http:backstage:request" => {
                        let m = input.and_then(|i| i.get("method"));
                        if let Some((node, method)) = m.and_then(|n| Some((n, n.as_str()?))) {
                            if !crate::rules::util::is_templated(method) && !METHODS.contains(&method) {
                                out.report(
                                    t.0.span(node),
                                    format!(
                                        "{code0} is not a method `http:backstage:request` accepts",
                                        code0 = code(&method)
                                    ),
                                )
                                .help(format!("use one of {}", METHODS.join(", ")));
                            }
                        }
                    }
                    "fs:rename" => {
                        for f in input
                            .and_then(|i| i.get("files"))
                            .and_then(|f| f.as_seq())
                            .unwrap_or(&[])
                        {
                            for k in ["from", "to"].iter().filter(|k| f.get(k).is_none()) {
                                out.report(
                                    t.0.span(f),
                                    format!("a `fs:rename` file needs {code0}", code0 = code(&k)),
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}
