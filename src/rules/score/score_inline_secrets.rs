use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::{Entry, Node, Value};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a literal secret in a container variable or a resource's params (or
    /// innominatus's `properties`): a key naming a password, secret, token, API key, private
    /// key or credentials whose value is a literal string, not a `${…}` placeholder or a Vault
    /// reference (`vault:…`).
    ///
    /// ## Why is this bad?
    /// The secret is committed to Git, copied into every rendered manifest and readable by
    /// everyone who can read the repository.
    ///
    /// ## Example
    /// ```yaml fixture=fail/literals.yaml
    /// containers:
    ///   web:
    ///     image: nginx:1.27
    ///     variables:
    ///       STRIPE_API_KEY: sk_live_123
    /// resources:
    ///   db:
    ///     type: postgres
    ///     params:
    ///       admin:
    ///         password: "secretpass"
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/references.yaml
    /// containers:
    ///   web:
    ///     image: nginx:1.27
    ///     variables:
    ///       DB_PASSWORD: ${resources.db.password}
    ///       API_TOKEN: vault:secret/data/shop#token
    ///       TOKEN_TTL_HINT: ""
    /// ```
    pub ScoreInlineSecrets {
        id: "score-inline-secrets",
        category: Correctness,
        severity: Warning,
        pack: Score,
    }
}

fn secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace(['-', '.'], "_");
    [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "private_key",
        "credentials",
    ]
    .iter()
    .any(|s| k.contains(s))
}

fn literal(value: &Node) -> bool {
    value
        .as_str()
        .is_some_and(|s| !s.is_empty() && !s.contains("${") && !s.starts_with("vault:"))
}

fn find<'a>(entries: &'a [Entry], out: &mut Vec<&'a Entry>) {
    for e in entries {
        match &e.value.value {
            Value::Map(inner) => find(inner, out),
            _ if secret_key(&e.key) && literal(&e.value) => out.push(e),
            _ => {}
        }
    }
}

impl Rule for ScoreInlineSecrets {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.score_specs() {
            let mut found = Vec::new();
            for c in doc.root.get("containers").and_then(Node::as_map).unwrap_or(&[]) {
                find(
                    c.value.get("variables").and_then(Node::as_map).unwrap_or(&[]),
                    &mut found,
                );
            }
            for r in doc.root.get("resources").and_then(Node::as_map).unwrap_or(&[]) {
                for k in ["params", "properties"] {
                    find(r.value.get(k).and_then(Node::as_map).unwrap_or(&[]), &mut found);
                }
            }
            for e in found {
                out.report(
                    doc.span(&e.value),
                    format!("{code0} holds a literal secret", code0 = code(&e.key)),
                )
                .help("use a placeholder (`${resources.<secret>.<key>}`) or a Vault reference");
            }
        }
    }
}
