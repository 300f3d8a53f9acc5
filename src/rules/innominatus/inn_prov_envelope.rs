use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks a provider manifest's envelope (`providers/<team>/provider.yaml`): a non-empty
    /// `apiVersion`, `kind: Provider` (`Platform`, the legacy spelling, is a warning),
    /// `metadata.name`, `metadata.version` and `compatibility.minCoreVersion`.
    ///
    /// ## Why is this bad?
    /// innominatus's `Provider.Validate` rejects the manifest and the team's provider is not
    /// loaded: every resource type it serves becomes unprovisionable.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    /// apiVersion: v1
    /// kind: Team
    /// metadata:
    ///   name: db-team
    /// compatibility:
    ///   maxCoreVersion: 2.0.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=providers/db-team/provider.yaml
    /// apiVersion: v1
    /// kind: Provider
    /// metadata:
    ///   name: db-team
    ///   version: 1.0.0
    /// compatibility:
    ///   minCoreVersion: 1.0.0
    ///   maxCoreVersion: 2.0.0
    /// ```
    pub InnProvEnvelope {
        id: "inn-prov-envelope",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnProvEnvelope {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            // The documented flat format (`workflows_dir`) is inn-prov-workflows-dir's.
            if doc.root.get("workflows_dir").is_some() {
                continue;
            }
            if doc.api_version.is_empty() {
                out.report(doc.head_span(), "the provider manifest has no `apiVersion`");
            }
            match doc.kind.as_str() {
                "Provider" => {}
                "Platform" => {
                    out.report_with(
                        Severity::Warning,
                        doc.kind_span(),
                        "`kind: Platform` is the legacy spelling",
                    )
                    .help("use `kind: Provider`");
                }
                other => {
                    out.report(
                        doc.kind_span(),
                        format!(
                            "a provider manifest has `kind: Provider`, not {code0}",
                            code0 = code(&other)
                        ),
                    );
                }
            }
            for (path, what) in [
                (&["metadata", "name"][..], "metadata.name"),
                (&["metadata", "version"][..], "metadata.version"),
                (&["compatibility", "minCoreVersion"][..], "compatibility.minCoreVersion"),
            ] {
                if doc.root.path(path).and_then(Node::as_str).is_none_or(str::is_empty) {
                    let parent = doc.root.get(path[0]);
                    let at = parent.map_or_else(|| doc.head_span(), |_| doc.span_of_key(&doc.root, path[0]));
                    out.report(at, format!("the provider manifest has no {code0}", code0 = code(&what)));
                }
            }
        }
    }
}
