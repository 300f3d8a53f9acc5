use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Compares `crossplane.yaml` `dependsOn` with what the package uses: every function of its
    /// Compositions should be a dependency; every provider dependency should be used by a composed
    /// resource (matched by the provider's name, e.g. `provider-helm` ↔ `helm.crossplane.io`);
    /// composing XRs of other templates needs a Configuration dependency; and package paths must
    /// not repeat a segment (`crossplane-contrib/crossplane-contrib/`).
    ///
    /// ## Why is this bad?
    /// Installing the package alone does not install what it needs, or installs providers nothing
    /// uses.
    ///
    /// ## Example
    /// The Composition uses `function-environment-configs` and `function-go-templating`, and
    /// composes a `provider-kubernetes` Object and a ConfigMap but no Helm release:
    /// ```yaml fixture=fail/template-webapp file=configuration/crossplane.yaml
    /// dependsOn:
    /// - apiVersion: pkg.crossplane.io/v1
    ///   kind: Function
    ///   package: xpkg.crossplane.io/crossplane-contrib/function-go-templating
    ///   version: ">=v0.9.0"
    /// - apiVersion: pkg.crossplane.io/v1
    ///   kind: Provider
    ///   package: xpkg.upbound.io/crossplane-contrib/provider-helm
    ///   version: ">=v0.19.0"
    /// - apiVersion: pkg.crossplane.io/v1
    ///   kind: Function
    ///   package: xpkg.crossplane.io/crossplane-contrib/crossplane-contrib/function-auto-ready
    ///   version: ">=v0.2.0"
    /// - apiVersion: pkg.crossplane.io/v1
    ///   kind: Provider
    ///   package: xpkg.crossplane.io/crossplane-contrib/provider-kubernetes
    ///   version: ">=v0.15.0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=configuration/crossplane.yaml
    /// dependsOn:
    /// - apiVersion: pkg.crossplane.io/v1
    ///   kind: Function
    ///   package: xpkg.crossplane.io/crossplane-contrib/function-go-templating
    ///   version: ">=v0.9.0"
    /// - apiVersion: pkg.crossplane.io/v1
    ///   kind: Function
    ///   package: xpkg.crossplane.io/crossplane-contrib/function-environment-configs
    ///   version: ">=v0.2.0"
    /// - apiVersion: pkg.crossplane.io/v1
    ///   kind: Provider
    ///   package: xpkg.crossplane.io/crossplane-contrib/provider-kubernetes
    ///   version: ">=v0.15.0"
    /// ```
    pub OspPkgDependsConsistency {
        id: "osp-pkg-depends-consistency",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspPkgDependsConsistency {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for meta in ws.docs_of(crate::model::Class::PkgMeta) {
            let deps = meta
                .root
                .path(&["spec", "dependsOn"])
                .and_then(crate::parse::yaml::Node::as_seq)
                .unwrap_or(&[]);
            let refs: Vec<(&crate::parse::yaml::Node, &str, &str)> = deps
                .iter()
                .filter_map(|d| {
                    let (kind, r) = if let Some(p) = d.get("package").and_then(crate::parse::yaml::Node::as_str) {
                        (d.str_at(&["kind"]).unwrap_or(""), p)
                    } else {
                        let k = ["provider", "function", "configuration"]
                            .into_iter()
                            .find(|k| d.get(k).is_some())?;
                        (
                            match k {
                                "provider" => "Provider",
                                "function" => "Function",
                                _ => "Configuration",
                            },
                            d.get(k)?.as_str()?,
                        )
                    };
                    Some((d, kind, r))
                })
                .collect();
            for (d, _, r) in &refs {
                let segs: Vec<&str> = r.split('/').collect();
                if segs.windows(2).any(|w| w[0] == w[1]) {
                    out.report(
                        meta.span(d),
                        format!("package path {code0} repeats a segment", code0 = code(&r)),
                    )
                    .help("check the registry path; a doubled organisation does not resolve");
                }
            }
            let names: Vec<String> = refs
                .iter()
                .map(|(_, _, r)| crate::rules::util::package_name(r))
                .collect();
            let comps: Vec<_> = ws.compositions().collect();
            let used_groups: Vec<&str> = comps
                .iter()
                .flat_map(|c| ws.composed(c))
                .filter_map(|r| r.group())
                .collect();
            let mut reported = std::collections::HashSet::new();
            for c in &comps {
                for s in c.steps() {
                    let Some(f) = s.function else { continue };
                    if !names.iter().any(|n| n == f) && reported.insert(f) {
                        let n = s.node.path(&["functionRef", "name"]).expect("has name");
                        out.report(
                            c.doc.span(n),
                            format!(
                                "function {code0} is used but not declared in `dependsOn`",
                                code0 = code(&f)
                            ),
                        )
                        .label(meta.head_span(), "package dependencies declared here");
                    }
                }
            }
            for ((d, kind, r), name) in refs.iter().zip(&names) {
                if *kind != "Provider" {
                    continue;
                }
                let tokens: Vec<&str> = name
                    .trim_start_matches("provider-")
                    .split('-')
                    .filter(|t| !t.is_empty())
                    .collect();
                let used = used_groups
                    .iter()
                    .any(|g| tokens.iter().all(|t| g.split('.').any(|seg| seg == *t)));
                if !used && !comps.is_empty() {
                    out.report(
                        meta.span(d),
                        format!(
                            "provider {code0} is declared but no composed resource uses it",
                            code0 = code(&r)
                        ),
                    )
                    .help("remove the dependency, or compose its resources");
                }
            }
            let local: Vec<(&str, &str)> = ws.xrds().filter_map(|x| Some((x.group()?, x.kind()?))).collect();
            let has_configuration = refs.iter().any(|(_, k, _)| *k == "Configuration");
            for c in &comps {
                for r in ws.composed(c) {
                    let (Some(g), Some(k)) = (r.group(), r.kind()) else {
                        continue;
                    };
                    let child_xr = g == "openportal.dev" && !local.contains(&(g, k));
                    if child_xr && !has_configuration {
                        out.report(
                            r.head_span(),
                            format!(
                                "composes the {code0} XR of another template but `dependsOn` lists no Configuration",
                                code0 = code(&k)
                            ),
                        )
                        .label(meta.head_span(), "package dependencies declared here");
                    }
                }
            }
        }
    }
}
