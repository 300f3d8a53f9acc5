use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags composed resources (and wrapped manifests) with a constant `metadata.name`: names
    /// should derive from the XR's name (`{{ $xrName }}-…`).
    ///
    /// ## Why is this bad?
    /// Two XRs in one namespace compose objects with the same name and fight over them.
    ///
    /// ## Example
    /// ```yaml fixture=fail/template-webapp file=configuration/composition.yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: whoami-config
    ///   annotations:
    ///     gotemplating.fn.crossplane.io/composition-resource-name: config
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-webapp file=configuration/composition.yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: {{ $xr.metadata.name }}-config
    ///   annotations:
    ///     gotemplating.fn.crossplane.io/composition-resource-name: config
    /// ```
    pub OspCompUniqueComposedNames {
        id: "osp-comp-unique-composed-names",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCompUniqueComposedNames {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            for r in ws.composed(&c) {
                if r.group() == Some("meta.gotemplating.fn.crossplane.io") {
                    continue;
                }
                if c.type_gvk()
                    .is_some_and(|(g, _, k)| r.group() == Some(g) && r.kind() == Some(k))
                {
                    continue;
                }
                let mut nodes = vec![r.root.path(&["metadata", "name"])];
                if let Some(m) = r.wrapped_manifest() {
                    nodes.push(m.path(&["metadata", "name"]));
                }
                for n in nodes.into_iter().flatten() {
                    if r.is_dynamic(n) || r.patched("metadata.name") {
                        continue;
                    }
                    if let Some(name) = n.as_str() {
                        out.report(r.span(n), format!("composed name {code0} is constant and collides across XRs", code0 = code(&name)))
                            .help("derive it from the XR name, e.g. `{{ .observed.composite.resource.metadata.name }}-<suffix>`");
                    }
                }
            }
        }
    }
}
