use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the namespace a ManagedNamespace order requests (`spec.name`): `team-<name>`,
    /// `<app>-<env>` (env: dev, test, staging, prod, …) or `svc-<name>`, and not a generic name
    /// (`test`, `temp`, `tmp`, `demo`, `default`).
    ///
    /// ## Why is this bad?
    /// Namespace names are shared, long-lived and hard to change; the naming convention
    /// (namespaces.md) keeps ownership readable.
    ///
    /// ## Example
    /// ```yaml fixture=fail/catalog-orders file=openportal/system/ManagedNamespace/test.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: test
    ///   annotations:
    ///     terasky.backstage.io/owner: group:default/platform-team
    /// spec:
    ///   name: test
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/catalog-orders file=openportal/system/ManagedNamespace/team-a.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: ManagedNamespace
    /// metadata:
    ///   name: team-a
    ///   annotations:
    ///     terasky.backstage.io/owner: group:default/platform-team
    /// spec:
    ///   name: team-a
    /// ```
    pub OspOrdNamespaceNaming {
        id: "osp-ord-namespace-naming",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdNamespaceNaming {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        const ENVS: &[&str] = &[
            "dev",
            "development",
            "test",
            "testing",
            "qa",
            "staging",
            "stage",
            "prod",
            "production",
            "preview",
        ];
        for d in ws.orders().filter(|d| d.kind == "ManagedNamespace") {
            let Some(n) = d.root.path(&["spec", "name"]) else {
                continue;
            };
            let Some(name) = n.as_str() else { continue };
            let generic = matches!(name, "test" | "temp" | "tmp" | "demo" | "default" | "foo" | "bar");
            let conventional = name
                .strip_prefix("team-")
                .or_else(|| name.strip_prefix("svc-"))
                .is_some_and(|r| !r.is_empty())
                || name
                    .rsplit_once('-')
                    .is_some_and(|(app, env)| !app.is_empty() && ENVS.contains(&env));
            if generic || !conventional {
                out.report(
                    d.span(n),
                    format!(
                        "namespace name {code0} does not follow `team-<name>`, `<app>-<env>` or `svc-<name>`",
                        code0 = code(&name)
                    ),
                );
            }
        }
    }
}
