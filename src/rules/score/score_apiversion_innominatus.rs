use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a Score spec with `apiVersion: score.dev/v1`. innominatus accepts it; the Score
    /// schema accepts only `score.dev/v1b1`.
    ///
    /// ## Why is this bad?
    /// The spec works with innominatus only: `score-compose` and `score-k8s` reject it.
    ///
    /// ## Example
    /// ```yaml fixture=fail/v1.yaml
    /// apiVersion: score.dev/v1
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/v1b1.yaml
    /// apiVersion: score.dev/v1b1
    /// metadata:
    ///   name: shop
    /// ```
    pub ScoreApiversionInnominatus {
        id: "score-apiversion-innominatus",
        category: Suspicious,
        severity: Warning,
        pack: Score,
    }
}

impl Rule for ScoreApiversionInnominatus {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.score_specs().filter(|d| d.api_version == "score.dev/v1") {
            let at = doc.root.get("apiVersion").map(|n| doc.span(n)).unwrap_or_else(|| doc.head_span());
            out.report(at, "`score.dev/v1` is accepted by innominatus only")
                .help("use `score.dev/v1b1`, the version of the Score schema");
        }
    }
}
