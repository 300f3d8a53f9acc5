use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every kind a Composition composes directly (not wrapped in a provider-kubernetes
    /// `Object`, not a provider-managed resource of a `*.crossplane.io`/`*.upbound.io` group, not
    /// an XR) is granted to Crossplane by a ClusterRole labelled `rbac.crossplane.io/aggregate-to-
    /// crossplane: "true"` in `rbac.yaml`, with the verbs create, delete, get, list, patch, update
    /// and watch on `<group>/<plural>`.
    ///
    /// ## Why is this bad?
    /// Crossplane's service account cannot create the resource ("forbidden"), which surfaces only
    /// in the XR's events after the merge.
    ///
    /// ## Example
    /// The Composition renders a `DNSEndpoint`:
    /// ```yaml fixture=fail/template-webapp file=configuration/composition.yaml
    /// apiVersion: externaldns.openportal.dev/v1alpha1
    /// kind: DNSEndpoint
    /// ```
    ///
    /// and `rbac.yaml` grants only ConfigMaps:
    /// ```yaml fixture=fail/template-webapp file=rbac.yaml
    /// rules:
    /// - apiGroups: [""]
    ///   resources: [configmaps]
    ///   verbs: [create, delete, get, list, patch, update, watch]
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/dns-granted file=rbac.yaml
    /// rules:
    /// - apiGroups: [""]
    ///   resources: [configmaps]
    ///   verbs: [create, delete, get, list, patch, update, watch]
    /// - apiGroups: [externaldns.openportal.dev]
    ///   resources: [dnsendpoints]
    ///   verbs: [create, delete, get, list, patch, update, watch]
    /// ```
    pub OspRbacCoversComposed {
        id: "osp-rbac-covers-composed",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
    }
}

impl Rule for OspRbacCoversComposed {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.repo.is_template {
            return;
        }
        let grants: Vec<(&crate::model::Doc, &crate::parse::yaml::Node)> = ws
            .docs
            .iter()
            .filter(|d| ws.rel(d).rsplit('/').next() == Some("rbac.yaml") && d.kind == "ClusterRole")
            .filter(|d| {
                d.label("rbac.crossplane.io/aggregate-to-crossplane")
                    .and_then(|n| n.as_str())
                    == Some("true")
            })
            .flat_map(|d| {
                d.root
                    .get("rules")
                    .and_then(crate::parse::yaml::Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .map(move |r| (d, r))
            })
            .collect();
        let xr_groups: Vec<&str> = ws.xrds().filter_map(|x| x.group()).chain(["openportal.dev"]).collect();
        let mut seen = std::collections::HashSet::new();
        for c in ws.compositions() {
            for r in ws.composed(&c) {
                let (Some(group), Some(kind)) = (r.group(), r.kind()) else {
                    continue;
                };
                let managed = group.ends_with(".crossplane.io")
                    || group.ends_with(".upbound.io")
                    || group.contains(".crossplane.io/");
                if managed || xr_groups.contains(&group) || group.starts_with("meta.") {
                    continue;
                }
                let plural = crate::rules::util::plural(kind);
                let granted = grants.iter().any(|(_, rule)| {
                    let has = |key: &str, want: &str| {
                        rule.get(key)
                            .and_then(crate::parse::yaml::Node::as_seq)
                            .is_some_and(|v| v.iter().any(|n| n.as_str() == Some(want) || n.as_str() == Some("*")))
                    };
                    has("apiGroups", group)
                        && has("resources", &plural)
                        && ["create", "delete", "get", "list", "patch", "update", "watch"]
                            .iter()
                            .all(|v| has("verbs", v))
                });
                if !granted && seen.insert((group.to_string(), kind.to_string())) {
                    let shown = if group.is_empty() {
                        "core".to_string()
                    } else {
                        group.to_string()
                    };
                    out.report(r.head_span(), format!("no aggregated ClusterRole in `rbac.yaml` lets Crossplane manage {code0} ({shown}/{plural})", code0 = code(&kind)))
                        .help(format!("add a rule {code0} to a ClusterRole labelled `rbac.crossplane.io/aggregate-to-crossplane: \"true\"`", code0 = code(&format!("{{apiGroups: [\"{group}\"], resources: [{plural}], verbs: [create, delete, get, list, patch, update, watch]}}"))));
                }
            }
        }
    }
}
