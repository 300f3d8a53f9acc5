use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `<metadata.name>-<version>` of every served XRD version is a valid Backstage
    /// entity name of at most 63 characters (the TeraSky ingestor names the generated Template so;
    /// the OSP ingestor truncates to 63, so long names collide).
    ///
    /// ## Why is this bad?
    /// The Backstage catalog rejects the generated Template, and the template never appears in the
    /// portal.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: verylongmanagedpostgresqlclusterinstances.platform.openportal.dev
    /// spec:
    ///   group: platform.openportal.dev
    ///   names: {kind: VeryLongManagedPostgresqlClusterInstance, plural: verylongmanagedpostgresqlclusterinstances}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: WebApp, plural: webapps}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    /// ```
    pub OspXrdTemplateEntityName {
        id: "osp-xrd-template-entity-name",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdTemplateEntityName {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let Some(name) = x.name() else { continue };
            for v in x.versions().iter().filter(|v| v.served) {
                let Some(vn) = v.name else { continue };
                let entity = format!("{name}-{vn}");
                if !crate::rules::util::is_backstage_name(&entity) {
                    out.report(
                        x.name_span(),
                        format!(
                            "the generated Template name {code0} is {} characters; Backstage allows 63",
                            entity.len(),
                            code0 = code(&entity)
                        ),
                    )
                    .help("use a shorter plural or group");
                }
            }
        }
    }
}
