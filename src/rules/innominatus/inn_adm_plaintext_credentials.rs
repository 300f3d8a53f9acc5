use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags literal secrets in `admin-config.yaml`: `gitea.password`, `argocd.password`,
    /// `vault.token`, `keycloak.adminPassword`, `minio.secretKey`, `grafana.password`. Values that
    /// reference the environment (`${VAR}`) are fine. Known weak values (`admin`, `admin123`,
    /// `password`, `123456`, `root`, or fewer than 8 characters) are called out.
    ///
    /// ## Why is this bad?
    /// The file is committed: anyone with read access has the platform's admin credentials.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// vault:
    ///   url: http://vault.localtest.me
    ///   token: hvs.CAESIJk2x9f8a7b6c5d4e3f2a1
    /// ```
    ///
    /// Use instead: `token: ${VAULT_TOKEN}`, set by the deployment.
    pub InnAdmPlaintextCredentials {
        id: "inn-adm-plaintext-credentials",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

const FIELDS: &[(&str, &str)] = &[
    ("gitea", "password"),
    ("argocd", "password"),
    ("vault", "token"),
    ("keycloak", "adminPassword"),
    ("minio", "secretKey"),
    ("grafana", "password"),
];
const WEAK: &[&str] = &[
    "admin",
    "admin123",
    "password",
    "123456",
    "root",
    "changeme",
    "minioadmin",
];

impl Rule for InnAdmPlaintextCredentials {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        for (section, key) in FIELDS {
            let Some(node) = doc.root.path(&[section, key]) else {
                continue;
            };
            let value = node.scalar_text().unwrap_or_default();
            if value.is_empty() || value.contains("${") || value.starts_with('$') {
                continue;
            }
            let weak = WEAK.contains(&value.as_str()) || value.chars().count() < 8;
            let what = if weak {
                "a weak literal secret"
            } else {
                "a literal secret"
            };
            out.report(
                doc.span(node),
                format!("{code0} holds {what}", code0 = code(&format!("{section}.{key}"))),
            )
            .help("reference the environment (`${VAR}`) or a secret store; never commit credentials");
        }
    }
}
