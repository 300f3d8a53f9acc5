use crate::model::innominatus;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};
use regex::Regex;
use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// Flags literal credentials in workflow scripts and manifests: `password:`, `token:` or
    /// `secretKey:` lines with a literal value, `*PASSWORD*=`/`*TOKEN*=`/`*SECRET*=` assignments and
    /// `${…PASSWORD:-literal}` defaults, and `mc alias set` with literal keys. Template actions and
    /// environment references are not literals.
    ///
    /// ## Why is this bad?
    /// The workflow file is committed and its rendered steps are logged: the credential leaks.
    /// Secrets belong in Vault (the vault-team provider) or in Kubernetes secrets the step reads.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/workflows/delete-postgres.yaml
    /// - name: bucket
    ///   type: policy
    ///   config:
    ///     script: |
    ///       mc alias set local http://minio:9000 minioadmin minioadmin
    /// - name: secret
    ///   type: kubernetes
    ///   config:
    ///     operation: apply
    ///     manifest: |
    ///       stringData:
    ///         password: admin123
    /// ```
    ///
    /// Use instead: read the keys from a secret (`$MINIO_ACCESS_KEY`).
    pub InnWfInlineCredentials {
        id: "inn-wf-inline-credentials",
        category: Suspicious,
        severity: Warning,
        pack: Innominatus,
    }
}

fn patterns() -> &'static [Regex] {
    static R: OnceLock<Vec<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        [
            r#"(?im)^\s*(password|passwd|token|secretKey|secret_key|apiKey|api_key)\s*:\s*["']?([^\s"'{$][^\s"'$]*)(?:["'\s]|$)"#,
            r#"(?i)\b[A-Z_]*(PASSWORD|TOKEN|SECRET)[A-Z_]*=["']?([^\s"'{$][^\s"';$]*)(?:["'\s;]|$)"#,
            r#"(?i)\$\{[A-Z_]*(PASSWORD|TOKEN|SECRET)[A-Z_]*:-([^}{$][^}]*)\}"#,
            r#"\bmc\s+alias\s+set\s+\S+\s+\S+\s+([^\s$"'{]+)\s+([^\s$"'{]+)"#,
        ]
        .iter()
        .map(|p| Regex::new(p).expect("static regex"))
        .collect()
    })
}

/// The first literal credential in `text`, if any.
pub fn credential(text: &str) -> Option<String> {
    patterns().iter().find_map(|re| {
        let c = re.captures(text)?;
        let value = c.get(2)?.as_str();
        (!value.is_empty() && value != "null" && value != "\"\"")
            .then(|| c.get(0).map_or(String::new(), |m| m.as_str().trim().to_string()))
    })
}

impl Rule for InnWfInlineCredentials {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            let mut nodes = Vec::new();
            for step in innominatus::steps(doc).and_then(Node::as_seq).unwrap_or(&[]) {
                crate::rules::util::string_nodes(step, &mut nodes);
            }
            for node in nodes {
                let Some(found) = credential(node.as_str().unwrap_or("")) else {
                    continue;
                };
                let shown: String = found.chars().take(60).collect();
                out.report(
                    doc.span(node),
                    format!("a literal credential in the workflow: {code0}", code0 = code(&shown)),
                )
                .help("read it from a secret (Vault, a Kubernetes secret) instead of writing it in the file");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::credential;

    #[test]
    fn credentials() {
        assert!(credential("mc alias set local http://minio:9000 minioadmin minioadmin").is_some());
        assert!(credential("  password: admin123").is_some());
        assert!(credential("GITEA_PASSWORD=\"${GITEA_PASSWORD:-admin123}\"").is_some());
        assert!(credential("password: {{ .parameters.pw }}").is_none());
        assert!(credential("PASSWORD=$(kubectl get secret x)").is_none());
        assert!(credential("DB_PASSWORD=\"mock-$(date +%s)\"").is_none());
        assert!(credential("mc alias set local $URL $KEY $SECRET").is_none());
        assert!(credential("GITEA_PASSWORD=\"${GITEA_PASSWORD}\"").is_none());
    }
}
