use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks `resourceDefinitions` of `admin-config.yaml`: it should define `postgres`, `redis`,
    /// `volume` and `route`; values are kebab-case; an empty value is an error.
    ///
    /// ## Why is this bad?
    /// Score resources of those types are mapped through this table; a missing or empty entry
    /// leaves them without a definition.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// resourceDefinitions:
    ///   postgres: ""
    ///   cache: Redis_Cluster
    ///   route: ingress-route
    ///   volume: persistent-volume-claim
    /// ```
    ///
    /// Use instead: `postgres: managed-postgres-cluster`.
    pub InnAdmResourceDefinitions {
        id: "inn-adm-resource-definitions",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

const EXPECTED: &[&str] = &["postgres", "redis", "volume", "route"];

impl Rule for InnAdmResourceDefinitions {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        let Some(defs) = doc.root.get("resourceDefinitions") else {
            return;
        };
        let entries = defs.as_map().unwrap_or(&[]);
        for want in EXPECTED.iter().filter(|w| !entries.iter().any(|e| e.key == **w)) {
            out.report(
                doc.span_of_key(&doc.root, "resourceDefinitions"),
                format!("`resourceDefinitions` does not define {code0}", code0 = code(&want)),
            );
        }
        for e in entries {
            let v = e.value.scalar_text().unwrap_or_default();
            if v.trim().is_empty() {
                out.report_with(
                    Severity::Error,
                    doc.span(&e.value),
                    format!("resource definition {code0} is empty", code0 = code(&e.key)),
                );
            } else if !crate::rules::util::is_dns1123_label(&v) {
                out.report(
                    doc.span(&e.value),
                    format!("resource definition {code0} should be kebab-case", code0 = code(&v)),
                );
            }
        }
    }
}
