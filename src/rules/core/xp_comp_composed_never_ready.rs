use crate::model::composed::{never_ready, PipelineFacts};
use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a composed resource that nothing can mark ready: Crossplane counts a composed
    /// resource ready only when a function says so, and it is marked by
    /// - the function that produced it: the `gotemplating.fn.crossplane.io/ready: "True"`
    ///   annotation, patch-and-transform `readinessChecks` or its default check (a `Ready`
    ///   condition);
    /// - or a function-auto-ready step that runs after it, which reads a `Ready: True`
    ///   condition, and for Deployment, StatefulSet, DaemonSet, Service, Ingress, Secret,
    ///   ConfigMap and ServiceAccount a health check of its own (recent releases).
    ///
    /// A resource without any of these, a built-in kind without a `Ready` condition (Role,
    /// RoleBinding, NetworkPolicy, PersistentVolumeClaim, Job, …) that auto-ready has no
    /// health check for, or a resource first produced after the last auto-ready step is
    /// reported. Checked on what the Composition states statically (the static parts of
    /// go-templating documents, patch-and-transform bases) and on what it renders for the
    /// repository's example XRs (docs/render.md), once per place in the Composition.
    ///
    /// ## Why is this bad?
    /// The XR is ready only when every composed resource is: it stays `Ready: False`
    /// forever, and whatever waits on it (a Backstage order, a dependent XR) waits too.
    ///
    /// ## Example
    /// The only step renders a Role and no function-auto-ready step follows:
    /// ```yaml fixture=fail/role file=composition.yaml
    /// template: |
    ///   apiVersion: rbac.authorization.k8s.io/v1
    ///   kind: Role  # expect: xp-comp-composed-never-ready
    ///   metadata:
    ///     name: reader
    ///     annotations:
    ///       gotemplating.fn.crossplane.io/composition-resource-name: role
    /// ```
    ///
    /// Use instead: mark it ready once it exists.
    /// ```yaml fixture=pass/annotated file=composition.yaml
    /// template: |
    ///   apiVersion: rbac.authorization.k8s.io/v1
    ///   kind: Role
    ///   metadata:
    ///     name: reader
    ///     annotations:
    ///       gotemplating.fn.crossplane.io/composition-resource-name: role
    ///       gotemplating.fn.crossplane.io/ready: "True"
    /// ```
    pub XpCompComposedNeverReady {
        id: "xp-comp-composed-never-ready",
        category: Correctness,
        severity: Warning,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpCompComposedNeverReady {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let mut seen = std::collections::HashSet::new();
        for c in ws.compositions() {
            if c.is_legacy() {
                continue;
            }
            let facts = PipelineFacts::of(&c);
            for f in never_ready(&ws.composed(&c), &facts) {
                let Some(span) = f.span else { continue };
                seen.insert(span);
                out.report(span, f.message).help(f.help);
            }
        }
        // What the renders produced: resources the static view cannot see (made by actions,
        // loops, patches), reported once per place in the Composition.
        for (r, c, xr) in ws.each_render() {
            let views: Vec<_> = r.resources.iter().map(|x| x.view()).collect();
            for f in never_ready(&views, &PipelineFacts::of(&c)) {
                let Some(span) = f.span else { continue };
                if !seen.insert(span) {
                    continue;
                }
                let (at, label) = ws.rendered_for(xr);
                out.report(span, f.message).label(at, label).help(f.help);
            }
        }
    }
}
