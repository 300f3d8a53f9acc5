use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks a catalog Configuration's policies: `packagePullPolicy` is `IfNotPresent`, `Always`
    /// or `Never`; `revisionActivationPolicy` is `Automatic` or `Manual`; `revisionHistoryLimit` is
    /// an integer of 0 or more.
    ///
    /// ## Why is this bad?
    /// The API server rejects unknown values, or the catalog entry does not behave as its comments
    /// promise.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: template-whoami
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-whoami:v1.2.0
    ///   revisionActivationPolicy: auto
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: template-whoami
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-whoami:v1.2.0
    ///   revisionActivationPolicy: Manual
    /// ```
    pub OspCatPolicies {
        id: "osp-cat-policies",
        category: Style,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspCatPolicies {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.docs.iter().filter(|d| d.class == crate::model::Class::PkgObject) {
            let Some(spec) = d.spec() else { continue };
            let checks: [(&str, &[&str]); 2] = [
                ("packagePullPolicy", &["IfNotPresent", "Always", "Never"]),
                ("revisionActivationPolicy", &["Automatic", "Manual"]),
            ];
            for (key, allowed) in checks {
                let Some(n) = spec.get(key) else { continue };
                let v = n.scalar_text().unwrap_or_default();
                if !allowed.contains(&v.as_str()) {
                    let dm = out.report(
                        d.span(n),
                        format!(
                            "{code0} must be {}, found {code1}",
                            crate::parse::text::list(allowed, 3),
                            code0 = code(&key),
                            code1 = code(&v)
                        ),
                    );
                    if let Some(s) = crate::parse::text::suggest(&v, allowed.iter().copied()) {
                        dm.help(format!("did you mean {code0}?", code0 = code(&s)));
                    }
                }
            }
            if let Some(n) = spec.get("revisionHistoryLimit") {
                if n.as_i64().is_none_or(|v| v < 0) {
                    out.report(d.span(n), "`revisionHistoryLimit` must be an integer of 0 or more");
                }
            }
        }
    }
}
