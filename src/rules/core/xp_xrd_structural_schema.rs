use crate::model::{Doc, Workspace};
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};
use crate::schema;

crate::declare_rule! {
    /// ## What it does
    /// Checks that every version schema is a Kubernetes *structural* schema as the API server
    /// gets it from Crossplane: every node has a `type` (unless it is int-or-string or preserves
    /// unknown fields, or is the root or the top-level `spec`/`status`, which Crossplane types;
    /// nodes inside `allOf`/`anyOf`/`oneOf`/`not` are exempt); `properties` and
    /// `additionalProperties` are not both set; every `default` validates against its own node;
    /// `pattern`s compile; `x-kubernetes-list-type: map` keys are required or defaulted.
    ///
    /// What Crossplane rewrites is a warning that says so, never an error: a root that is not
    /// `type: object` (Crossplane builds an object root), `metadata` constraints other than on
    /// `name` and `generateName` (Crossplane keeps only `name`'s `maxLength`), and root fields
    /// other than `apiVersion`, `kind`, `metadata`, `spec` and `status` (dropped).
    ///
    /// Below the XRD's `spec` and `status` (what Crossplane copies into the CRD it builds) it
    /// also makes the API server's other CRD-schema checks: `type` one of the six OpenAPI
    /// types (not `null`); arrays have one `items` schema; no `uniqueItems: true`, `$ref`,
    /// `id`, `additionalItems`, `patternProperties`, `definitions` or `dependencies`;
    /// `x-kubernetes-preserve-unknown-fields` true or absent; int-or-string not combined with
    /// preserve-unknown-fields or embedded-resource; embedded resources are objects with
    /// properties, without `additionalProperties` and not inside another resource's metadata;
    /// `x-kubernetes-list-type` / `map-type` / `list-map-keys` values, types, keys and set items;
    /// `allOf`/`anyOf`/`oneOf`/`not` hold only value validations and constrain only fields the
    /// schema specifies; validation rules have a rule, a one-line message, a known `reason`,
    /// a `fieldPath` that exists, `oldSelf` only where old and new values correlate and
    /// `optionalOldSelf` only with `oldSelf`; defaults pass their node's CEL rules; and the
    /// API server's CEL cost limits: every rule's estimated cost times the number of times it
    /// can run in one object, and every `messageExpression`'s cost, at most 10 000 000, and
    /// all of them together at most 100 000 000 per version (estimated as the API server
    /// does, from `maxItems`, `maxProperties` and `maxLength`, or where one is missing from
    /// what fits in a 3 MiB request; an estimate that met a function or field portalint
    /// cannot type is a warning, as it may be higher than the API server's). Measured by
    /// the `structural_schema` and
    /// `kubernetes_cel_cost` conformance suites (`docs/conformance.md`).
    ///
    /// Every CEL rule and `messageExpression` compiles in the API server's environment: a call
    /// of a function it does not declare (cel-go's `math.*`, `base64.*` and `cel.bind` are not
    /// enabled for CRDs) is an error, and with config `kubernetes-version: "1.N"` so is a
    /// library newer than what a CRD created on 1.N may use (the release before: `isSemver` came
    /// with 1.33, so it needs `kubernetes-version` 1.34 or later).
    ///
    /// ## Why is this bad?
    /// The API server rejects the generated CRD, so the XRD never becomes established, which
    /// Crossplane reports only as an event after the merge.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   versions:
    ///   - name: v1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    ///         properties:
    ///           spec:
    ///             type: object
    ///             properties:
    ///               replicas:
    ///                 default: 1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiextensions.crossplane.io/v2
    /// kind: CompositeResourceDefinition
    /// metadata:
    ///   name: webs.example.org
    /// spec:
    ///   versions:
    ///   - name: v1
    ///     served: true
    ///     referenceable: true
    ///     schema:
    ///       openAPIV3Schema:
    ///         type: object
    ///         properties:
    ///           spec:
    ///             type: object
    ///             properties:
    ///               replicas:
    ///                 type: integer
    ///                 default: 1
    /// ```
    pub XpXrdStructuralSchema {
        id: "xp-xrd-structural-schema",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

struct Walk<'a, 'o> {
    doc: &'a Doc,
    out: &'o mut Sink,
    /// The Kubernetes version rules are written for (config `kubernetes-version`).
    kube: Option<schema::celenv::KubeVersion>,
}

impl Walk<'_, '_> {
    fn flag(s: &Node, k: &str) -> bool {
        s.get(k).and_then(Node::as_bool).unwrap_or(false)
    }

    fn node(&mut self, s: &Node, at: Span, path: &str, logic: bool) {
        if s.as_map().is_none() {
            return;
        }
        let doc = self.doc;
        // Crossplane types the root and the top-level `spec` and `status` itself when it
        // renders the CRD.
        let crossplane_typed = matches!(path, "<root>" | "spec" | "status");
        let exempt = crossplane_typed
            || Self::flag(s, "x-kubernetes-int-or-string")
            || Self::flag(s, "x-kubernetes-preserve-unknown-fields");
        if s.get("type").is_none() && !exempt && !logic {
            self.out.report(at, format!("schema node {code0} has no `type`", code0 = code(&path))).help(
                "structural schemas need a `type` on every node (object, array, string, integer, number or boolean)",
            );
        }
        if let Some(rules) = s.get("x-kubernetes-validations").and_then(Node::as_seq) {
            let json = s.to_json();
            for r in rules {
                for key in ["rule", "messageExpression"] {
                    let Some(n) = r.get(key) else { continue };
                    let Some(text) = n.as_str() else { continue };
                    let problems = if key == "rule" {
                        schema::cel::check_rule(&json, text, path == "<root>")
                    } else {
                        match schema::cel::parse(text) {
                            Err(why) => vec![why],
                            // A message expression must evaluate to a string: compared with
                            // its own `string()` it type-checks only when it is one (or dyn).
                            Ok(_)
                                if !schema::cel::check_rule(
                                    &json,
                                    &format!("string({text}) == ({text})"),
                                    path == "<root>",
                                )
                                .is_empty()
                                    && schema::cel::check_rule(
                                        &json,
                                        &format!("string({text}) != ''"),
                                        path == "<root>",
                                    )
                                    .is_empty() =>
                            {
                                vec!["it does not evaluate to a string".to_string()]
                            }
                            Ok(_) => Vec::new(),
                        }
                    };
                    // Functions the API server's environment does not declare (or not yet, at
                    // the configured version): the checker refuses them.
                    let mut problems = problems;
                    if problems.is_empty() {
                        if let Ok(e) = schema::cel::parse(text) {
                            problems = schema::celenv::undeclared(&e, self.kube);
                        }
                    }
                    if let Some(first) = problems.first() {
                        let short: String = text.chars().take(80).collect();
                        self.out
                            .report(
                                doc.span(n),
                                format!(
                                    "CEL {key} {code0} of {code1} does not compile: {first}",
                                    code0 = code(&short),
                                    code1 = code(&path)
                                ),
                            )
                            .help("the API server refuses the CRD when one of its validation rules does not compile");
                    }
                }
            }
        }
        if s.get("properties").is_some() && s.get("additionalProperties").is_some() {
            self.out.report(
                doc.span_of_key(s, "additionalProperties"),
                format!(
                    "{code0} sets both `properties` and `additionalProperties`",
                    code0 = code(&path)
                ),
            );
        }
        if let Some(p) = s.get("pattern") {
            if let Some(pat) = p.as_str() {
                if schema::compile_pattern(pat).is_none() {
                    self.out
                        .report(
                            doc.span(p),
                            format!(
                                "pattern {code0} of {code1} is not a valid RE2 regular expression",
                                code0 = code(&pat),
                                code1 = code(&path)
                            ),
                        )
                        .help("Kubernetes uses Go's RE2 syntax: no look-around or backreferences");
                }
            }
        }
        if let Some(def) = s.get("default") {
            if !logic {
                let errors = schema::validate(s, def, (def.start, def.end), &schema::Options::default());
                let valid = errors.is_empty();
                for e in errors {
                    self.out.report(
                        Span::new(doc.file, e.start, e.end),
                        format!("the default of {code0} is invalid: {}", e.message, code0 = code(&path)),
                    );
                }
                // The API server also runs the node's CEL rules on its default.
                if valid && schema::cel::has_rules(s) {
                    let compiled = schema::cel::compile(s);
                    for f in schema::cel::evaluate(&compiled, def) {
                        if f.failed && !f.compile {
                            let short: String = f.rule.chars().take(80).collect();
                            self.out
                                .report(
                                    doc.span(def),
                                    format!("the default of {code0} fails its validation rule {code1}", code0 = code(&path), code1 = code(&short)),
                                )
                                .help("the API server checks defaults against the rules of their node and refuses the CRD");
                        }
                    }
                }
            }
        }
        if s.str_at(&["x-kubernetes-list-type"]) == Some("map") {
            let items = s.get("items");
            let required: Vec<&str> = items
                .and_then(|i| i.get("required"))
                .and_then(Node::as_seq)
                .map(|r| r.iter().filter_map(Node::as_str).collect())
                .unwrap_or_default();
            for k in s
                .get("x-kubernetes-list-map-keys")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                let Some(key) = k.as_str() else { continue };
                let defaulted = items.and_then(|i| i.path(&["properties", key, "default"])).is_some();
                if !required.contains(&key) && !defaulted {
                    self.out.report(
                        doc.span(k),
                        format!(
                            "list map key {code0} of {code1} must be required or have a default",
                            code0 = code(&key),
                            code1 = code(&path)
                        ),
                    );
                }
            }
        }
        for e in s.get("properties").and_then(Node::as_map).unwrap_or(&[]) {
            let child = format!("{path}.{}", e.key);
            if path == "<root>" && e.key == "metadata" {
                // Crossplane replaces the XRD's `metadata` schema with its own (a `name` of
                // at most 63 characters, or the XRD's `maxLength` if shorter): the API server
                // never sees the rest, so it constrains nothing.
                for m in e.value.get("properties").and_then(Node::as_map).unwrap_or(&[]) {
                    if !matches!(m.key.as_str(), "name" | "generateName") {
                        self.out
                            .report_with(
                                Severity::Warning,
                                doc.key_span(m),
                                format!("{code0} is not constrained: Crossplane drops the XRD's `metadata` schema except `name`'s `maxLength`", code0 = code(&format!("metadata.{}", m.key))),
                            )
                            .help("remove it, or check the value with an `x-kubernetes-validations` rule on the root");
                    }
                }
                continue;
            }
            if path == "<root>" && !matches!(e.key.as_str(), "spec" | "status") {
                // Crossplane builds the CRD's root itself and copies only `spec` and `status`.
                if !matches!(e.key.as_str(), "apiVersion" | "kind") {
                    self.out
                        .report_with(
                            Severity::Warning,
                            doc.key_span(e),
                            format!("root field {code0} is dropped: Crossplane's CRD has only `apiVersion`, `kind`, `metadata`, `spec` and `status` at the root", code0 = code(&e.key)),
                        )
                        .help("move it under `spec` or `status`");
                }
                continue;
            }
            self.node(&e.value, doc.key_span(e), child.trim_start_matches("<root>."), logic);
        }
        if let Some(items) = s.get("items") {
            self.node(items, doc.span_of_key(s, "items"), &format!("{path}[]"), logic);
        }
        if let Some(a) = s.get("additionalProperties") {
            if a.as_map().is_some() {
                self.node(
                    a,
                    doc.span_of_key(s, "additionalProperties"),
                    &format!("{path}.*"),
                    logic,
                );
            }
        }
        for k in ["allOf", "anyOf", "oneOf"] {
            for sub in s.get(k).and_then(Node::as_seq).unwrap_or(&[]) {
                self.node(sub, doc.span(sub), path, true);
            }
        }
        if let Some(n) = s.get("not") {
            self.node(n, doc.span_of_key(s, "not"), path, true);
        }
    }
}

impl Rule for XpXrdStructuralSchema {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for x in ws.xrds() {
            let doc = x.doc();
            for v in x.versions() {
                let Some(root) = v.schema else { continue };
                // Each rule is parsed once for the compile and the cost checks below.
                let kube = ws.options.kubernetes_version;
                schema::cel::with_parse_cache(|| Self::version(doc, &v, root, kube, out));
            }
        }
    }
}

impl XpXrdStructuralSchema {
    fn version(
        doc: &Doc,
        v: &crate::model::XrdVersion<'_>,
        root: &Node,
        kube: Option<schema::celenv::KubeVersion>,
        out: &mut Sink,
    ) {
                let at = v
                    .node
                    .get("schema")
                    .map(|s| doc.span_of_key(s, "openAPIV3Schema"))
                    .unwrap_or_else(|| doc.span(root));
                if root.str_at(&["type"]) != Some("object") {
                    // Crossplane builds the CRD's root as `type: object` whatever the XRD says.
                    out.report_with(
                        Severity::Warning,
                        at,
                        format!("the schema root of version {code0} is not `type: object`; Crossplane ignores it and builds an object root", code0 = code(&v.name.unwrap_or("?"))),
                    )
                    .help("set `type: object` at the root");
                }
                Walk { doc, out, kube }.node(root, at, "<root>", false);
                // The API server's CEL cost limits (per rule, per message expression, per
                // schema), on the schema as Crossplane renders it: `metadata.name` is at
                // most 63 characters there.
                for p in schema::cellimits::check_schema(root, Some(63), kube) {
                    let span = p.at.map_or(at, |n| doc.span(n));
                    let severity = if p.guessed { Severity::Warning } else { Severity::Error };
                    let message = match p.at {
                        Some(_) => format!("CEL {code0}: {}", p.message, code0 = code(&p.field_path)),
                        None => format!("{} (version {code0})", p.message, code0 = code(&v.name.unwrap_or("?"))),
                    };
                    let d = out.report_with(severity, span, message);
                    if p.guessed {
                        d.help("the estimate met a function or field portalint cannot type, so it may be higher than the API server's; the API server refuses the CRD when the cost is over its limit");
                    } else if p.at.is_none() || p.message.starts_with("contributed") {
                        d.help("the API server refuses the CRD when the estimated costs of all its rules and message expressions together are over 100 000 000");
                    } else {
                        d.help("the API server refuses the CRD when one rule's estimated cost (times the number of times it can run in one object) is over 10 000 000");
                    }
                }
                // Crossplane copies the fields of the XRD's `spec` and `status` into the CRD
                // it builds (the root, `metadata` and those two nodes themselves are its own).
                let mut copied = schema::structural::check_copied(root, None);
                for top in ["spec", "status"] {
                    if let Some(t) = root.path(&["properties", top]) {
                        copied.extend(schema::structural::check_copied(t, Some(top)));
                    }
                }
                for p in copied {
                    out.report(Span::new(doc.file, p.start, p.end), p.message);
                }
                for top in ["spec", "status"] {
                    let fields = root.path(&["properties", top, "properties"]).and_then(Node::as_map);
                    for e in fields.unwrap_or(&[]) {
                        for p in schema::structural::check(&e.value, &format!("{top}.{}", e.key)) {
                            out.report(Span::new(doc.file, p.start, p.end), p.message);
                        }
                    }
                }
    }
}
