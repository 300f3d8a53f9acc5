use crate::model::backstage::{references, EntityRef};
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the entity references of `spec` (`owner`, `system`, `domain`, `subcomponentOf`,
    /// `dependsOn`, `dependencyOf`, `providesApis`, `consumesApis`, `parent`, `children`,
    /// `memberOf`, `members`): `[<kind>:][<namespace>/]<name>`, each part valid.
    ///
    /// ## Why is this bad?
    /// The catalog cannot parse the reference (`parseEntityRef`) and rejects the entity or drops the
    /// relation.
    ///
    /// ## Example
    /// ```yaml fixture=fail/refs.yaml
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: group:team a
    ///   dependsOn:
    ///     - resource:Default_NS/db
    ///     - component-x!:web
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/refs.yaml
    /// spec:
    ///   type: service
    ///   lifecycle: production
    ///   owner: group:default/team-a
    ///   system: billing
    ///   dependsOn: [resource:default/db, component:web]
    ///   providesApis: [payments-api]
    /// ```
    pub BsRefSyntax {
        id: "bs-ref-syntax",
        category: Correctness,
        severity: Error,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsRefSyntax {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.entities() {
            for r in references(doc) {
                if let Some(problem) = EntityRef::parse(r.text).problem() {
                    out.report(
                        doc.span(r.node),
                        format!(
                            "{code0} is not a valid entity reference: {problem}",
                            code0 = code(&r.text)
                        ),
                    )
                    .help("write `[<kind>:][<namespace>/]<name>`");
                }
            }
        }
    }
}
