use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a container's `files` or `volumes` written as a list. The Score schema marks the
    /// list form deprecated; the map form is keyed by the target path.
    ///
    /// ## Why is this bad?
    /// Deprecated forms are dropped in a later Score version, and a list allows two entries
    /// for the same target, which the map form rules out.
    ///
    /// ## Example
    /// ```yaml fixture=fail/lists.yaml
    /// containers:
    ///   web:
    ///     image: nginx:1.27
    ///     files:
    ///       - target: /etc/app/config.ini
    ///         source: config.ini
    ///     volumes:
    ///       - source: data
    ///         target: /data
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/maps.yaml
    /// files:
    ///   /my/file:
    ///     mode: "0600"
    ///     source: file.txt
    /// ```
    pub ScoreDeprecatedArrays {
        id: "score-deprecated-arrays",
        category: Style,
        severity: Warning,
        pack: Score,
    }
}

impl Rule for ScoreDeprecatedArrays {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.score_specs() {
            for c in doc.root.get("containers").and_then(Node::as_map).unwrap_or(&[]) {
                for field in ["files", "volumes"] {
                    if c.value.get(field).and_then(Node::as_seq).is_some() {
                        out.report(
                            doc.span_of_key(&c.value, field),
                            format!(
                                "container {code0}: {code1} as a list is deprecated",
                                code0 = code(&c.key),
                                code1 = code(&field)
                            ),
                        )
                        .help(format!(
                            "write {code0} as a map keyed by the target path",
                            code0 = code(&field)
                        ));
                    }
                }
            }
        }
    }
}
