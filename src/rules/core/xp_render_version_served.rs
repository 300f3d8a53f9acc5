use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a composed resource, rendered for the repository's example XRs (docs/render.md),
    /// whose API group is one of the CRDs given with `--crds` (or config `crds:`, e.g. the
    /// provider's package) but whose kind that group does not define, or whose version the
    /// kind's CRD does not serve. A group no given CRD has is not judged: portalint cannot
    /// know what serves it.
    ///
    /// ## Why is this bad?
    /// The API server has no such resource: Crossplane cannot apply it ("no matches for
    /// kind"), and the XR is never ready.
    ///
    /// ## Example
    /// The provider's Bucket CRD serves `v1beta1` only:
    /// ```yaml fixture=fail/version file=apis/composition.yaml
    ///           apiVersion: s3.aws.m.upbound.io/v1beta2
    ///           kind: Bucket  # expect: xp-render-version-served
    /// ```
    ///
    /// Use instead: a served version.
    /// ```yaml fixture=pass/version file=apis/composition.yaml
    ///           apiVersion: s3.aws.m.upbound.io/v1beta1
    ///           kind: Bucket
    /// ```
    pub XpRenderVersionServed {
        id: "xp-render-version-served",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpRenderVersionServed {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if ws.crds.is_empty() {
            return;
        }
        let mut seen = std::collections::HashSet::new();
        for (r, _, xr) in ws.each_render() {
            for res in &r.resources {
                let (Some((group, version, kind)), Some(span)) = (res.gvk(), res.origin) else {
                    continue;
                };
                if !ws.crds.has_group(group) || !seen.insert(span) {
                    continue;
                }
                let (at, label) = ws.rendered_for(xr);
                match ws.crds.find(group, kind) {
                    None => {
                        let kinds: Vec<&str> = ws
                            .crds
                            .all
                            .iter()
                            .filter(|c| c.group == group)
                            .map(|c| c.kind.as_str())
                            .collect();
                        let hint = crate::parse::text::suggest(kind, kinds.iter().copied())
                            .map(|k| format!("did you mean {code0}?", code0 = code(&k)))
                            .unwrap_or_else(|| "check the kind against the provider's documentation".to_string());
                        out.report(
                            span,
                            format!(
                                "no CRD of the group {code0} given defines the kind {code1}",
                                code0 = code(&group),
                                code1 = code(&kind)
                            ),
                        )
                        .label(at, label)
                        .help(hint);
                    }
                    Some(crd) if !crd.version(version).is_some_and(|v| v.served) => {
                        let what = if crd.version(version).is_some() {
                            "defines but does not serve"
                        } else {
                            "does not define"
                        };
                        out.report(
                            span,
                            format!(
                                "the CRD of {code0} ({source}) {what} the version {code1}",
                                code0 = code(&format!("{kind}.{group}")),
                                code1 = code(&version),
                                source = crd.source
                            ),
                        )
                        .label(at, label)
                        .help(format!("use a served version: {}", crd.served()));
                    }
                    Some(_) => {}
                }
            }
        }
    }
}
