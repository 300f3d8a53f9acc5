use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the strings the ingestor pastes into the generated Backstage Template through
    /// Handlebars: a `pattern` must not start with a YAML indicator (`[ { * & ! | > % @ # ? -`,
    /// emitted unquoted) and must not contain characters Handlebars HTML-escapes (`' " = & < >
    /// \``); a `description` or string `default` must not contain `" & < >`.
    ///
    /// ## Why is this bad?
    /// The generated Template YAML breaks, or the regex or text is corrupted by `&quot;`-style
    /// escapes.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: WebApp, plural: webapps}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    ///         properties:
    ///           spec:
    ///             type: object
    ///             properties:
    ///               name:
    ///                 type: string
    ///                 pattern: "[a-z]+"
    ///                 description: Name shown as "host" in <b>URLs</b>
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webapps.openportal.dev
    /// spec:
    ///   group: openportal.dev
    ///   names: {kind: WebApp, plural: webapps}
    ///   versions:
    ///   - name: v1alpha1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    ///         properties:
    ///           spec:
    ///             type: object
    ///             properties:
    ///               name:
    ///                 type: string
    ///                 pattern: "^[a-z]+$"
    ///                 description: Name shown as the host in URLs
    /// ```
    pub OspXrdFormYamlSafeStrings {
        id: "osp-xrd-form-yaml-safe-strings",
        category: Suspicious,
        severity: Warning,
        pack: OpenPortal,
        reach: Shared,
    }
}

impl Rule for OspXrdFormYamlSafeStrings {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            let Some(props) = x
                .main_schema()
                .and_then(|s| s.path(&["properties", "spec", "properties"]))
                .and_then(crate::parse::yaml::Node::as_map)
            else {
                continue;
            };
            for e in props {
                if let Some(p) = e.value.get("pattern") {
                    let pat = p.as_str().unwrap_or("");
                    if pat.starts_with(['[', '{', '*', '&', '!', '|', '>', '%', '@', '#', '?', '-']) {
                        out.report(
                            doc.span(p),
                            format!(
                                "the pattern of {code0} starts with a YAML indicator and breaks the generated Template",
                                code0 = code(&format!("spec.{}", e.key))
                            ),
                        )
                        .help("anchor it (`^[a-z]+$`) so it starts with `^`");
                    } else if pat.contains(['\'', '"', '=', '&', '<', '>', '`']) {
                        out.report(
                            doc.span(p),
                            format!(
                                "the pattern of {code0} contains a character Handlebars escapes",
                                code0 = code(&format!("spec.{}", e.key))
                            ),
                        )
                        .help("avoid `' \" = & < >` and backticks in patterns the ingestor renders");
                    }
                }
                for key in ["description", "default"] {
                    let Some(n) = e.value.get(key) else { continue };
                    if n.as_str().is_some_and(|t| t.contains(['"', '&', '<', '>'])) {
                        out.report(doc.span(n), format!("the {key} of {code0} contains a character Handlebars escapes (`\" & < >`)", code0 = code(&format!("spec.{}", e.key))))
                            .help("rephrase without those characters; they appear as `&quot;`, `&amp;`, `&lt;`, `&gt;` in Backstage");
                    }
                }
            }
        }
    }
}
