use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every EnvironmentConfig a function-environment-configs step references by name
    /// exists: defined in the repository, or listed in config `openportal.environment-configs`
    /// (default: `dns-config`, `cloudflare-config`, the ones the platform defines), unless the
    /// reference sets `policy.resolution: Optional`.
    ///
    /// ## Why is this bad?
    /// The function fails with "Required environment config not found" and the XR never composes.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: webapp
    ///   labels:
    ///     crossplane.io/xrd: webapps.openportal.dev
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: openportal.dev/v1alpha1
    ///     kind: WebApp
    ///   mode: Pipeline
    ///   pipeline:
    ///   - step: render
    ///     functionRef:
    ///       name: function-go-templating
    ///   - step: load-environment
    ///     functionRef:
    ///       name: function-environment-configs
    ///     input:
    ///       apiVersion: environmentconfigs.fn.crossplane.io/v1beta1
    ///       kind: Input
    ///       spec:
    ///         environmentConfigs:
    ///         - type: Reference
    ///           ref:
    ///             name: gateway-config
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v1
    /// kind: Composition
    /// metadata:
    ///   name: webapp
    ///   labels:
    ///     crossplane.io/xrd: webapps.openportal.dev
    /// spec:
    ///   compositeTypeRef:
    ///     apiVersion: openportal.dev/v1alpha1
    ///     kind: WebApp
    ///   mode: Pipeline
    ///   pipeline:
    ///   - step: render
    ///     functionRef:
    ///       name: function-go-templating
    ///   - step: load-environment
    ///     functionRef:
    ///       name: function-environment-configs
    ///     input:
    ///       apiVersion: environmentconfigs.fn.crossplane.io/v1beta1
    ///       kind: Input
    ///       spec:
    ///         environmentConfigs:
    ///         - type: Reference
    ///           ref:
    ///             name: dns-config
    /// ```
    pub OspCompEnvconfigExists {
        id: "osp-comp-envconfig-exists",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompEnvconfigExists {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let defined: Vec<&str> = ws
            .docs_of(crate::model::Class::EnvironmentConfig)
            .filter_map(|d| d.name())
            .collect();
        for c in ws.compositions() {
            for s in c.steps().iter().filter(|s| s.is_environment_configs()) {
                let items = s
                    .input
                    .and_then(|i| i.path(&["spec", "environmentConfigs"]))
                    .and_then(crate::parse::yaml::Node::as_seq)
                    .unwrap_or(&[]);
                for e in items {
                    if e.str_at(&["type"]).unwrap_or("Reference") != "Reference"
                        || e.str_at(&["policy", "resolution"]) == Some("Optional")
                    {
                        continue;
                    }
                    let Some(n) = e.path(&["ref", "name"]) else { continue };
                    let Some(name) = n.as_str() else { continue };
                    if defined.contains(&name) || ws.options.openportal.environment_configs.iter().any(|k| k == name) {
                        continue;
                    }
                    out.report(
                        c.doc.span(n),
                        format!(
                            "EnvironmentConfig {code0} is not defined by the platform or this repository",
                            code0 = code(&name)
                        ),
                    )
                    .help(
                        "define it, add it to `openportal.environment-configs`, or set `policy.resolution: Optional`",
                    );
                }
            }
        }
    }
}
