use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a `kind: Secret` with `data` or `stringData` (or any object with `stringData`) that is
    /// not SOPS-encrypted (no `sops:` block); SealedSecret and ExternalSecret are fine.
    ///
    /// ## Why is this bad?
    /// Secrets in Git are readable by everyone with repository access, forever (secret-
    /// management.md: "No plaintext secrets in Git").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: db
    /// stringData:
    ///   password: hunter2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: bitnami.com/v1alpha1
    /// kind: SealedSecret
    /// metadata:
    ///   name: db
    /// ```
    pub OspOrdNoPlaintextSecret {
        id: "osp-ord-no-plaintext-secret",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdNoPlaintextSecret {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.docs.iter().filter(|d| d.is_object()) {
            if d.root.get("sops").is_some() {
                continue;
            }
            let secret = d.kind == "Secret" && d.group().is_empty();
            for key in ["stringData", "data"] {
                let Some(e) = d.root.entry(key) else { continue };
                if (secret || key == "stringData") && e.value.as_map().is_some_and(|m| !m.is_empty()) {
                    out.report(
                        d.key_span(e),
                        format!("plaintext secret values in {code0}", code0 = code(&key)),
                    )
                    .help("encrypt the file with SOPS, or use a SealedSecret / ExternalSecret");
                }
            }
        }
    }
}
