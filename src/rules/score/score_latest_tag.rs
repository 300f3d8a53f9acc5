use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a container `image` tagged `:latest` or with no tag and no digest. Images built
    /// from the workload itself (`.`) and images given by a placeholder are skipped.
    ///
    /// ## Why is this bad?
    /// The same spec deploys different code from one day to the next, and a rollback
    /// redeploys whatever `latest` is now (innominatus's best-practice check).
    ///
    /// ## Example
    /// ```yaml fixture=fail/unpinned.yaml
    /// containers:
    ///   web:
    ///     image: nginx:latest
    ///   cache:
    ///     image: registry.example.com:5000/redis
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/pinned.yaml
    /// containers:
    ///   web:
    ///     image: registry.example.com:5000/shop/web:1.4.2
    ///   sidecar:
    ///     image: envoyproxy/envoy@sha256:3b3a2d1c0b9e8f7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e
    /// ```
    pub ScoreLatestTag {
        id: "score-latest-tag",
        category: Suspicious,
        severity: Warning,
        pack: Score,
    }
}

/// The tag of an image reference (`None`: no tag), ignoring a registry port.
fn tag(image: &str) -> Option<&str> {
    let name = image.rsplit('/').next().unwrap_or(image);
    name.split_once(':').map(|(_, t)| t)
}

impl Rule for ScoreLatestTag {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.score_specs() {
            let containers = doc.root.get("containers").and_then(|c| c.as_map()).unwrap_or(&[]);
            for c in containers {
                let Some(node) = c.value.get("image") else { continue };
                let Some(image) = node.as_str() else { continue };
                if image == "." || image.contains("${") || image.contains('@') {
                    continue;
                }
                match tag(image) {
                    Some("latest") => {
                        out.report(
                            doc.span(node),
                            format!(
                                "container {code0} uses the `latest` tag",
                                code0 = crate::parse::text::code(&c.key)
                            ),
                        )
                        .help("pin a version (or a digest) so that every deployment runs the same image");
                    }
                    None => {
                        out.report(
                            doc.span(node),
                            format!(
                                "container {code0} has no image tag, which means `latest`",
                                code0 = crate::parse::text::code(&c.key)
                            ),
                        )
                        .help("pin a version (or a digest) so that every deployment runs the same image");
                    }
                    Some(_) => {}
                }
            }
        }
    }
}
