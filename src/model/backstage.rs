//! The Backstage view (RULES.md §3): catalog entities, entity references, software templates,
//! their `${{ … }}` expressions and the scaffolder actions portalint knows.

use super::{Doc, Workspace};
use crate::parse::source::Span;
use crate::parse::yaml::Node;

/// The built-in entity kinds and the apiVersions their schemas accept.
pub const BUILTIN_KINDS: &[(&str, &[&str])] = &[
    ("Component", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("API", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Resource", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("System", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Domain", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Group", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("User", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Location", &["backstage.io/v1alpha1", "backstage.io/v1beta1"]),
    ("Template", &["scaffolder.backstage.io/v1beta3"]),
];

/// True for a Backstage catalog entity (`apiVersion` of `backstage.io` or a subdomain of it).
pub fn is_entity(doc: &Doc) -> bool {
    let g = doc.group();
    g == "backstage.io" || g.ends_with(".backstage.io")
}

/// True for a scaffolder software template (`scaffolder.backstage.io` `Template`).
pub fn is_template(doc: &Doc) -> bool {
    doc.group() == "scaffolder.backstage.io" && doc.kind == "Template"
}

/// True when a string holds a scaffolder expression (`${{ … }}`), which cannot be judged as a
/// literal.
pub fn has_expression(s: &str) -> bool {
    s.contains("${{")
}

/// An entity reference `[<kind>:][<namespace>/]<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityRef<'a> {
    /// The kind, when given.
    pub kind: Option<&'a str>,
    /// The namespace, when given.
    pub namespace: Option<&'a str>,
    /// The name.
    pub name: &'a str,
}

impl<'a> EntityRef<'a> {
    /// Splits a reference into its parts (no validation).
    pub fn parse(s: &'a str) -> EntityRef<'a> {
        let (kind, rest) = match s.split_once(':') {
            Some((k, r)) => (Some(k), r),
            None => (None, s),
        };
        let (namespace, name) = match rest.split_once('/') {
            Some((n, r)) => (Some(n), r),
            None => (None, rest),
        };
        EntityRef { kind, namespace, name }
    }

    /// Why the reference is malformed, if it is.
    pub fn problem(&self) -> Option<String> {
        if let Some(k) = self.kind {
            if !is_kind(k) {
                return Some(format!("the kind `{k}` is not a valid kind"));
            }
        }
        if let Some(n) = self.namespace {
            if !crate::parse::names::is_dns1123_label(n) {
                return Some(format!("the namespace `{n}` is not a DNS-1123 label"));
            }
        }
        // Names are not validated when a reference is parsed (owners such as `web@example.com`
        // load, and stay unresolved); only what breaks parsing is an error.
        if self.name.is_empty() {
            return Some("the name is empty".into());
        }
        if self.name.contains(char::is_whitespace) || self.name.contains([':', '/']) {
            return Some(format!("the name `{}` contains whitespace, `:` or `/`", self.name));
        }
        None
    }

    /// The lookup key `kind:namespace/name` (lowercase), with the defaults filled in (relations
    /// default to the namespace of the entity that holds them).
    pub fn key(&self, default_kind: &str, default_namespace: &str) -> String {
        entity_key(
            self.kind.unwrap_or(default_kind),
            self.namespace.unwrap_or(default_namespace),
            self.name,
        )
    }
}

/// `kind:namespace/name`, lowercase: entity identity is case-insensitive.
pub fn entity_key(kind: &str, namespace: &str, name: &str) -> String {
    format!("{kind}:{namespace}/{name}").to_ascii_lowercase()
}

/// A valid kind: `^[a-zA-Z][a-z0-9A-Z]*$`, at most 63 characters.
pub fn is_kind(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 63 && chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// An entity's namespace (`default` when unset).
pub fn namespace(doc: &Doc) -> &str {
    doc.root.str_at(&["metadata", "namespace"]).unwrap_or("default")
}

/// The key of an entity document (`kind:namespace/name`), when it has a literal name.
pub fn doc_key(doc: &Doc) -> Option<String> {
    let name = doc.name().filter(|n| !crate::parse::names::is_templated(n))?;
    Some(entity_key(&doc.kind, namespace(doc), name))
}

/// The reference fields of an entity's `spec`: (field, kinds it may point to, default kind,
/// whether it is a list).
pub const REF_FIELDS: &[(&str, &[&str], &str, bool)] = &[
    ("owner", &["Group", "User"], "Group", false),
    ("system", &["System"], "System", false),
    ("domain", &["Domain"], "Domain", false),
    ("subcomponentOf", &["Component"], "Component", false),
    ("dependsOn", &[], "Component", true),
    ("dependencyOf", &[], "Component", true),
    ("providesApis", &["API"], "API", true),
    ("consumesApis", &["API"], "API", true),
    ("parent", &["Group"], "Group", false),
    ("children", &["Group"], "Group", true),
    ("memberOf", &["Group"], "Group", true),
    ("members", &["User"], "User", true),
];

/// One reference of an entity: its field, the node and the string.
pub struct RefUse<'a> {
    /// The `spec` field.
    pub field: &'static str,
    /// Kinds it may point to (empty: any).
    pub kinds: &'static [&'static str],
    /// The kind assumed when the reference gives none.
    pub default_kind: &'static str,
    /// The scalar node.
    pub node: &'a Node,
    /// Its text.
    pub text: &'a str,
}

/// Every literal entity reference in an entity's `spec` (templated values skipped).
pub fn references(doc: &Doc) -> Vec<RefUse<'_>> {
    let mut out = Vec::new();
    let Some(spec) = doc.spec() else { return out };
    for &(field, kinds, default_kind, list) in REF_FIELDS {
        // A Template's owner is the template's; the rest are entity relations.
        let Some(v) = spec.get(field) else { continue };
        let nodes: Vec<&Node> = match (list, v.as_seq()) {
            (true, Some(items)) => items.iter().collect(),
            (false, None) => vec![v],
            _ => continue,
        };
        for node in nodes {
            let Some(text) = node.as_str() else { continue };
            if crate::parse::names::is_templated(text) {
                continue;
            }
            out.push(RefUse {
                field,
                kinds,
                default_kind,
                node,
                text,
            });
        }
    }
    out
}

/// A Location's `spec.target` and `spec.targets[]` nodes.
pub fn location_targets(doc: &Doc) -> Vec<&Node> {
    let spec = doc.spec();
    let mut targets: Vec<&Node> = spec.and_then(|s| s.get("target")).into_iter().collect();
    targets.extend(
        spec.and_then(|s| s.get("targets"))
            .and_then(Node::as_seq)
            .unwrap_or(&[]),
    );
    targets
}

impl RefUse<'_> {
    /// The key this reference resolves to from `doc`.
    pub fn key(&self, doc: &Doc) -> String {
        EntityRef::parse(self.text).key(self.default_kind, namespace(doc))
    }
    /// The kind it points to.
    pub fn target_kind(&self) -> &str {
        EntityRef::parse(self.text).kind.unwrap_or(self.default_kind)
    }
}

impl Workspace {
    /// The Backstage entities of the checked roots.
    pub fn entities(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(|d| is_entity(d))
    }

    /// The software templates.
    pub fn templates(&self) -> impl Iterator<Item = Template<'_>> {
        self.docs.iter().filter(|d| is_template(d)).map(Template)
    }

    /// The entities with the key `kind:namespace/name` (lowercase).
    pub fn entities_by_key(&self, key: &str) -> impl Iterator<Item = &Doc> {
        self.index
            .entity_by_key
            .get(key)
            .into_iter()
            .flatten()
            .map(|&i| &self.docs[i])
    }

    /// True when the workspace (or the configured catalog) knows entities of `kind`, so that a
    /// reference to that kind can be resolved here.
    pub fn knows_kind(&self, kind: &str) -> bool {
        let lower = kind.to_ascii_lowercase();
        self.index.entity_kinds.contains(&lower)
            || self
                .options
                .backstage_options
                .known_entities
                .iter()
                .any(|k| k.to_ascii_lowercase().starts_with(&format!("{lower}:")))
    }

    /// True when the reference key resolves to an entity here or in the configured catalog.
    pub fn resolves(&self, key: &str) -> bool {
        self.index.entity_by_key.contains_key(key)
            || self
                .options
                .backstage_options
                .known_entities
                .iter()
                .any(|k| EntityRef::parse(k).key("", "default") == key)
    }

    /// The span of `needle` inside the scalar `node` of `doc` when the source spells it
    /// verbatim (a plain or simply quoted scalar), else the node's span.
    pub fn span_in(&self, doc: &Doc, node: &Node, needle: &str) -> Span {
        let text = &*self.sources.get(doc.file).text;
        let (s, e) = (node.start as usize, node.end as usize);
        match text.get(s..e).and_then(|src| src.find(needle)) {
            Some(at) if !needle.is_empty() => {
                let start = (s + at) as u32;
                Span::new(doc.file, start, start + needle.len() as u32)
            }
            _ => doc.span(node),
        }
    }
}

/// Options of the Backstage rules (config `backstage:`).
#[derive(Debug, Clone, Default)]
pub struct BackstageOptions {
    /// Scaffolder action ids registered beyond the built-in list.
    pub actions: Vec<String>,
    /// Outputs of custom actions (action id → output names), for step-output checks.
    pub action_outputs: Vec<(String, Vec<String>)>,
    /// Nunjucks filters registered beyond the built-in and Backstage ones.
    pub filters: Vec<String>,
    /// Entity references known from the org catalog (`group:default/platform-team`).
    pub known_entities: Vec<String>,
}

/// What portalint knows of a scaffolder action.
pub struct Action {
    /// The action id.
    pub id: &'static str,
    /// Its input keys (`None`: schema not known to portalint, inputs unchecked).
    pub inputs: Option<&'static [&'static str]>,
    /// Inputs it requires.
    pub required: &'static [&'static str],
    /// Its outputs (`None`: not known, outputs unchecked).
    pub outputs: Option<&'static [&'static str]>,
}

const FETCH_TEMPLATE_INPUTS: &[&str] = &[
    "url",
    "targetPath",
    "values",
    "copyWithoutRender",
    "copyWithoutTemplating",
    "cookiecutterCompat",
    "templateFileExtension",
    "replace",
    "trimBlocks",
    "lstripBlocks",
    "token",
];
const PUBLISH_OUTPUTS: &[&str] = &["remoteUrl", "repoContentsUrl", "commitHash"];
const NONE: &[&str] = &[];

const fn known(
    id: &'static str,
    inputs: &'static [&'static str],
    required: &'static [&'static str],
    outputs: &'static [&'static str],
) -> Action {
    Action {
        id,
        inputs: Some(inputs),
        required,
        outputs: Some(outputs),
    }
}

const fn opaque(id: &'static str) -> Action {
    Action {
        id,
        inputs: None,
        required: &[],
        outputs: None,
    }
}

/// The actions of Backstage's scaffolder backend and its common modules (input and output
/// names from their action schemas), plus ids seen in Open Service Portal templates.
pub const ACTIONS: &[Action] = &[
    known("fetch:plain", &["url", "targetPath", "token"], &["url"], NONE),
    known(
        "fetch:plain:file",
        &["url", "targetPath", "token"],
        &["url", "targetPath"],
        NONE,
    ),
    known("fetch:template", FETCH_TEMPLATE_INPUTS, &["url"], NONE),
    known(
        "fetch:template:file",
        &[
            "url",
            "targetPath",
            "values",
            "cookiecutterCompat",
            "replace",
            "trimBlocks",
            "lstripBlocks",
            "token",
        ],
        &["url", "targetPath"],
        NONE,
    ),
    Action {
        id: "publish:github",
        // Its schema is long and grows with every release: only required inputs are checked.
        inputs: None,
        required: &["repoUrl"],
        outputs: Some(PUBLISH_OUTPUTS),
    },
    known(
        "publish:github:pull-request",
        &[
            "repoUrl",
            "branchName",
            "targetBranchName",
            "title",
            "description",
            "draft",
            "targetPath",
            "sourcePath",
            "token",
            "reviewers",
            "teamReviewers",
            "commitMessage",
            "update",
            "forceFork",
            "gitAuthorName",
            "gitAuthorEmail",
            "forceEmptyGitAuthor",
            "createWhenEmpty",
            "filesToDelete",
            "assignees",
        ],
        &["repoUrl", "branchName", "title", "description"],
        &["remoteUrl", "pullRequestNumber", "targetBranchName"],
    ),
    known(
        "publish:gitea",
        &[
            "repoUrl",
            "description",
            "defaultBranch",
            "repoVisibility",
            "gitCommitMessage",
            "gitAuthorName",
            "gitAuthorEmail",
            "sourcePath",
            "signCommit",
        ],
        &["repoUrl"],
        PUBLISH_OUTPUTS,
    ),
    Action {
        id: "publish:gitlab",
        inputs: None,
        required: &["repoUrl"],
        outputs: Some(&["remoteUrl", "repoContentsUrl", "projectId", "commitHash", "created"]),
    },
    Action {
        id: "publish:gitlab:merge-request",
        inputs: None,
        required: &["repoUrl", "branchName", "title", "description"],
        outputs: Some(&["targetBranchName", "projectid", "projectPath", "mergeRequestUrl"]),
    },
    opaque("publish:bitbucket"),
    opaque("publish:bitbucketCloud"),
    opaque("publish:bitbucketServer"),
    opaque("publish:bitbucketServer:pull-request"),
    opaque("publish:azure"),
    opaque("publish:gerrit"),
    known(
        "catalog:register",
        &["catalogInfoUrl", "repoContentsUrl", "catalogInfoPath", "optional"],
        NONE,
        &["entityRef", "catalogInfoUrl"],
    ),
    known("catalog:write", &["filePath", "entity"], &["entity"], NONE),
    known(
        "catalog:fetch",
        &["entityRef", "entityRefs", "optional", "defaultKind", "defaultNamespace"],
        NONE,
        &["entity", "entities"],
    ),
    known("debug:log", &["message", "listWorkspace", "extra"], NONE, NONE),
    known("debug:wait", &["minutes", "seconds", "milliseconds"], NONE, NONE),
    known("fs:delete", &["files"], &["files"], NONE),
    known("fs:rename", &["files"], &["files"], NONE),
    opaque("fs:readdir"),
    opaque("github:actions:dispatch"),
    opaque("github:autolinks:create"),
    opaque("github:deployKey:create"),
    opaque("github:environment:create"),
    opaque("github:issues:label"),
    opaque("github:pages:enable"),
    opaque("github:repo:create"),
    opaque("github:repo:push"),
    opaque("github:webhook"),
    opaque("gitlab:group:ensureExists"),
    opaque("gitlab:issues:create"),
    opaque("gitlab:pipeline:trigger"),
    opaque("gitlab:projectAccessToken:create"),
    opaque("gitlab:projectDeployToken:create"),
    opaque("gitlab:projectVariable:create"),
    opaque("gitlab:repo:push"),
    opaque("fetch:cookiecutter"),
    opaque("fetch:rails"),
    opaque("run:yeoman"),
    opaque("confluence:transform:markdown"),
    known(
        "http:backstage:request",
        &[
            "method",
            "path",
            "headers",
            "params",
            "body",
            "logRequestPath",
            "continueOnBadResponse",
        ],
        &["method", "path"],
        &["code", "headers", "body"],
    ),
    opaque("roadiehq:utils:jsonata"),
    opaque("roadiehq:utils:jsonata:yaml:transform"),
    opaque("roadiehq:utils:jsonata:json:transform"),
    opaque("roadiehq:utils:serialize:yaml"),
    opaque("roadiehq:utils:serialize:json"),
    opaque("roadiehq:utils:merge"),
    opaque("roadiehq:utils:fs:parse"),
    opaque("roadiehq:utils:fs:write"),
    opaque("roadiehq:utils:fs:append"),
    opaque("roadiehq:utils:zip"),
    opaque("roadiehq:utils:sleep"),
    opaque("terasky:claim-template"),
    opaque("terasky:catalog-info-cleaner"),
    opaque("kube:apply"),
    opaque("portal:validate:github-auth"),
    opaque("portal:utils:generateId"),
];

/// The known action `id`.
pub fn action(id: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|a| a.id == id)
}

/// Nunjucks's built-in filters and the ones Backstage's scaffolder adds.
pub const FILTERS: &[&str] = &[
    "abs",
    "batch",
    "capitalize",
    "center",
    "d",
    "default",
    "dictsort",
    "dump",
    "e",
    "escape",
    "first",
    "float",
    "forceescape",
    "groupby",
    "indent",
    "int",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "nl2br",
    "random",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "string",
    "striptags",
    "sum",
    "title",
    "trim",
    "truncate",
    "upper",
    "urlencode",
    "urlize",
    "wordcount",
    // Backstage's scaffolder.
    "parseRepoUrl",
    "parseEntityRef",
    "pick",
    "projectSlug",
];

/// The variables of the scaffolder's template context (NunjucksWorkflowRunner's
/// `TemplateContext`); a skeleton sees none of them, only `values`.
pub const CONTEXT_ROOTS: &[&str] = &[
    "parameters",
    "steps",
    "secrets",
    "user",
    "each",
    "environment",
    "context",
];

/// A software template (`scaffolder.backstage.io/v1beta3` `Template`).
#[derive(Clone, Copy)]
pub struct Template<'a>(pub &'a Doc);

/// A step of a template with what expressions need of it.
pub struct Step<'a> {
    /// Its position.
    pub index: usize,
    /// The step node.
    pub node: &'a Node,
    /// `id`, when set.
    pub id: Option<&'a str>,
    /// `action`, when a string.
    pub action: Option<&'a str>,
}

impl<'a> Template<'a> {
    /// The form pages: `spec.parameters` as a list, or the single object.
    pub fn pages(&self) -> Vec<&'a Node> {
        match self.0.root.path(&["spec", "parameters"]) {
            Some(p) if p.as_map().is_some() => vec![p],
            Some(p) => p
                .as_seq()
                .map(|s| s.iter().filter(|n| n.as_map().is_some()).collect())
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// The steps.
    pub fn steps(&self) -> Vec<Step<'a>> {
        let items = self
            .0
            .root
            .path(&["spec", "steps"])
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        items
            .iter()
            .enumerate()
            .map(|(index, node)| Step {
                index,
                node,
                id: node.get("id").and_then(Node::as_str),
                action: node.get("action").and_then(Node::as_str),
            })
            .collect()
    }

    /// Every declared parameter schema, by name: each page's `properties`, and those added by
    /// `dependencies`, `allOf`/`anyOf`/`oneOf` and `if`/`then`/`else` branches.
    pub fn parameters(&self) -> Vec<(&'a str, &'a Node)> {
        let mut out = Vec::new();
        for page in self.pages() {
            collect_properties(page, &mut out, 0);
        }
        out
    }
}

/// The properties a JSON Schema object form declares, through its conditional branches.
pub fn collect_properties<'a>(schema: &'a Node, out: &mut Vec<(&'a str, &'a Node)>, depth: usize) {
    if depth > 16 {
        return;
    }
    for e in schema.get("properties").and_then(Node::as_map).unwrap_or(&[]) {
        out.push((e.key.as_str(), &e.value));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for branch in schema.get(key).and_then(Node::as_seq).unwrap_or(&[]) {
            collect_properties(branch, out, depth + 1);
        }
    }
    for key in ["then", "else"] {
        if let Some(branch) = schema.get(key) {
            collect_properties(branch, out, depth + 1);
        }
    }
    for dep in schema.get("dependencies").and_then(Node::as_map).unwrap_or(&[]) {
        collect_properties(&dep.value, out, depth + 1);
    }
}

/// JSON Schema types.
const JSON_TYPES: &[&str] = &["string", "number", "integer", "boolean", "object", "array", "null"];

/// What is wrong in a form page's JSON Schema (the subset react-jsonschema-form and the
/// scaffolder read), node by node: `type` names, `properties` of objects, `required` lists of
/// strings, non-empty `enum`s with matching `enumNames`, compiling `pattern`s, non-negative
/// integer bounds, `items` schemas, `default`s of the declared type, and the same below
/// `properties`, `items`, `dependencies` and the `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else`
/// branches.
pub fn form_schema_problems<'a>(schema: &'a Node, out: &mut Vec<(&'a Node, String)>, depth: usize) {
    if depth > 32 {
        return;
    }
    let Some(map) = schema.as_map() else {
        if schema.as_bool().is_none() {
            out.push((
                schema,
                format!("a schema must be an object, not {}", schema.type_name()),
            ));
        }
        return;
    };
    let mut types: Vec<&str> = Vec::new();
    if let Some(t) = schema.get("type") {
        let names: Vec<&Node> = t.as_seq().map_or_else(|| vec![t], |s| s.iter().collect());
        for n in names {
            match n.as_str() {
                Some(name) if JSON_TYPES.contains(&name) => types.push(name),
                Some(name) => {
                    let hint = crate::parse::text::suggest(name, JSON_TYPES.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    out.push((n, format!("`{name}` is not a JSON Schema type{hint}")));
                }
                None => out.push((n, "`type` must be a string or a list of strings".into())),
            }
        }
    }
    for e in map {
        let v = &e.value;
        match e.key.as_str() {
            "properties" | "definitions" | "$defs" | "patternProperties" => match v.as_map() {
                Some(props) => props
                    .iter()
                    .for_each(|p| form_schema_problems(&p.value, out, depth + 1)),
                None => out.push((v, format!("`{}` must map names to schemas", e.key))),
            },
            "required" => match v.as_seq() {
                Some(items) => items
                    .iter()
                    .filter(|i| i.as_str().is_none())
                    .for_each(|i| out.push((i, "`required` lists property names (strings)".into()))),
                // `required: true` on a property is a common slip: JSON Schema lists names on
                // the object.
                None => out.push((
                    v,
                    "`required` must be a list of property names on the object, not a flag on the property".into(),
                )),
            },
            "enum" => match v.as_seq() {
                Some([]) => out.push((v, "`enum` must not be empty".into())),
                Some(items) => {
                    if let Some(names) = schema.get("enumNames").and_then(Node::as_seq) {
                        if names.len() != items.len() {
                            out.push((
                                v,
                                format!("`enum` has {} values but `enumNames` has {}", items.len(), names.len()),
                            ));
                        }
                    }
                }
                None => out.push((v, "`enum` must be a list".into())),
            },
            "pattern" => match v.as_str() {
                // ECMAScript look-arounds and back-references are valid in the browser; only
                // what neither engine accepts is reported.
                Some(p) if !p.contains("(?=") && !p.contains("(?!") && !p.contains("(?<") && !p.contains('\\') => {
                    if let Err(err) = regex::Regex::new(p) {
                        let why = err.to_string().lines().last().unwrap_or("").trim().to_string();
                        out.push((v, format!("`pattern` does not compile: {why}")));
                    }
                }
                Some(_) => {}
                None => out.push((v, "`pattern` must be a string".into())),
            },
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties"
                if v.as_i64().is_none_or(|n| n < 0) =>
            {
                out.push((v, format!("`{}` must be a non-negative integer", e.key)));
            }
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" if v.as_f64().is_none() => {
                out.push((v, format!("`{}` must be a number", e.key)));
            }
            "items" | "additionalProperties" | "not" | "if" | "then" | "else" | "contains" => {
                let items: Vec<&Node> = v.as_seq().map_or_else(|| vec![v], |s| s.iter().collect());
                items.into_iter().for_each(|i| form_schema_problems(i, out, depth + 1));
            }
            "allOf" | "anyOf" | "oneOf" => match v.as_seq() {
                Some(items) => items.iter().for_each(|i| form_schema_problems(i, out, depth + 1)),
                None => out.push((v, format!("`{}` must be a list of schemas", e.key))),
            },
            "dependencies" => {
                for d in v.as_map().unwrap_or(&[]) {
                    if d.value.as_seq().is_none() {
                        form_schema_problems(&d.value, out, depth + 1);
                    }
                }
            }
            "default" if !types.is_empty() && !has_expression(v.as_str().unwrap_or("")) => {
                let actual = v.type_name();
                // `default: null` is read as no default.
                let fits =
                    actual == "null" || types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
                if !fits {
                    out.push((
                        v,
                        format!(
                            "the default is {actual}, but the schema's type is {}",
                            types.join(" or ")
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// One `${{ … }}` in a string.
#[derive(Debug, Clone, Copy)]
pub struct Expression<'a> {
    /// The whole `${{ … }}` (to `}}`, or to the end when unclosed).
    pub whole: &'a str,
    /// The text between the delimiters.
    pub inner: &'a str,
    /// False when no `}}` closes it.
    pub closed: bool,
}

/// The `${{ … }}` expressions of a string. The body ends at the first `}}` outside a string
/// literal.
pub fn expressions(s: &str) -> Vec<Expression<'_>> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(at) = s[rest..].find("${{") {
        let start = rest + at;
        let body = start + 3;
        let bytes = s.as_bytes();
        let (mut i, mut quote) = (body, None::<u8>);
        let mut end = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(_) if b == b'\\' => i += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'}' && bytes.get(i + 1) == Some(&b'}') => {
                    end = Some(i);
                    break;
                }
                None => {}
            }
            i += 1;
        }
        match end {
            Some(e) => {
                out.push(Expression {
                    whole: &s[start..e + 2],
                    inner: &s[body..e],
                    closed: true,
                });
                rest = e + 2;
            }
            None => {
                out.push(Expression {
                    whole: &s[start..],
                    inner: &s[body..],
                    closed: false,
                });
                break;
            }
        }
    }
    out
}

/// A token of a Nunjucks expression.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Str(String),
    Num,
    Punct(&'a str),
}

fn tokenize(s: &str) -> Result<Vec<Tok<'_>>, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$') {
                i += 1;
            }
            out.push(Tok::Ident(&s[start..i]));
        } else if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.' || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Num);
        } else if c == b'"' || c == b'\'' {
            let mut text = String::new();
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Err("a string literal is not closed".into()),
                    Some(b'\\') => {
                        if let Some(ch) = s.get(i + 1..).and_then(|r| r.chars().next()) {
                            text.push(ch);
                            i += 1 + ch.len_utf8();
                        } else {
                            i += 1;
                        }
                    }
                    Some(&b) if b == c => {
                        i += 1;
                        break;
                    }
                    Some(_) => {
                        let ch = s[i..].chars().next().unwrap_or(' ');
                        text.push(ch);
                        i += ch.len_utf8();
                    }
                }
            }
            out.push(Tok::Str(text));
        } else {
            let two = s.get(i..i + 2).unwrap_or("");
            let three = s.get(i..i + 3).unwrap_or("");
            if matches!(two, "||" | "&&") {
                let word = if two == "||" { "or" } else { "and" };
                return Err(format!("`{two}` is not a Nunjucks operator; use `{word}`"));
            }
            let op = if matches!(three, "===" | "!==") {
                three
            } else if matches!(two, "==" | "!=" | "<=" | ">=" | "//" | "**") {
                two
            } else if b"()[]{}.,:|+-*/%<>=~?!".contains(&c) {
                &s[i..i + 1]
            } else {
                return Err(format!(
                    "unexpected character `{}`",
                    s[i..].chars().next().unwrap_or(' ')
                ));
            };
            i += op.len();
            out.push(Tok::Punct(op));
        }
    }
    Ok(out)
}

const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "true",
    "false",
    "True",
    "False",
    "none",
    "None",
    "null",
    "undefined",
];

/// What an expression reads: variable paths from their root, and the filters it applies.
#[derive(Debug, Default)]
pub struct Uses {
    /// Variable paths: the root then each `.name` / `['name']` segment (a computed segment
    /// ends the path).
    pub paths: Vec<Vec<String>>,
    /// Filter names.
    pub filters: Vec<String>,
}

/// Parses an expression body: checks brackets and operands, and lists what it reads.
pub fn analyse(inner: &str) -> Result<Uses, String> {
    let toks = tokenize(inner)?;
    if toks.is_empty() {
        return Err("the expression is empty".into());
    }
    let mut uses = Uses::default();
    let mut stack: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let prev = i.checked_sub(1).map(|p| &toks[p]);
        match &toks[i] {
            Tok::Punct(p @ ("(" | "[" | "{")) => stack.push(p),
            Tok::Punct(p @ (")" | "]" | "}")) => {
                let open = match *p {
                    ")" => "(",
                    "]" => "[",
                    _ => "{",
                };
                if stack.pop() != Some(open) {
                    return Err(format!("`{p}` does not close anything"));
                }
            }
            Tok::Punct("|") => match toks.get(i + 1) {
                Some(Tok::Ident(f)) => {
                    uses.filters.push(f.to_string());
                    i += 1;
                }
                _ => return Err("`|` must be followed by a filter name".into()),
            },
            Tok::Ident(name) => {
                let member = matches!(prev, Some(Tok::Punct(".")));
                let test = matches!(prev, Some(Tok::Ident("is")))
                    || matches!(
                        (prev, i.checked_sub(2).map(|p| &toks[p])),
                        (Some(Tok::Ident("not")), Some(Tok::Ident("is")))
                    );
                let key = stack.last() == Some(&"{") && matches!(toks.get(i + 1), Some(Tok::Punct(":")));
                let call = matches!(toks.get(i + 1), Some(Tok::Punct("(")));
                if !(member || test || key || KEYWORDS.contains(name) || (call && is_global(name))) {
                    let mut path = vec![name.to_string()];
                    let mut j = i + 1;
                    loop {
                        match (toks.get(j), toks.get(j + 1), toks.get(j + 2)) {
                            (Some(Tok::Punct(".")), Some(Tok::Ident(seg)), _) => {
                                path.push(seg.to_string());
                                j += 2;
                            }
                            (Some(Tok::Punct("[")), Some(Tok::Str(seg)), Some(Tok::Punct("]"))) => {
                                path.push(seg.clone());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    uses.paths.push(path);
                    // The segments are consumed; brackets among them are balanced.
                    i = j;
                    continue;
                }
            }
            Tok::Punct(".") if !matches!(toks.get(i + 1), Some(Tok::Ident(_))) => {
                return Err("`.` must be followed by a name".into());
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(open) = stack.last() {
        return Err(format!("`{open}` is not closed"));
    }
    if let Some(Tok::Punct(p)) = toks.last() {
        if !matches!(*p, ")" | "]" | "}") {
            return Err(format!("the expression ends with `{p}`"));
        }
    }
    Ok(uses)
}

fn is_global(name: &str) -> bool {
    matches!(name, "range" | "cycler" | "joiner")
}

/// The string scalars under `node` with their path from it (`input.values.name`).
pub fn strings_with_path<'a>(node: &'a Node, path: &mut Vec<String>, out: &mut Vec<(String, &'a Node)>) {
    if path.len() > 64 {
        return;
    }
    if let Some(map) = node.as_map() {
        for e in map {
            path.push(e.key.clone());
            strings_with_path(&e.value, path, out);
            path.pop();
        }
    } else if let Some(items) = node.as_seq() {
        for (i, item) in items.iter().enumerate() {
            path.push(i.to_string());
            strings_with_path(item, path, out);
            path.pop();
        }
    } else if node.as_str().is_some() {
        out.push((path.join("."), node));
    }
}

/// Every expression use in a template's steps and output: (where — `step` index or `None`
/// for `output` —, the field path, the scalar, the expression).
pub struct ExprSite<'a> {
    /// The step index (`None`: under `spec.output`).
    pub step: Option<usize>,
    /// Path inside the step or output (`input.values.name`, `if`, `links.0.url`).
    pub field: String,
    /// The scalar.
    pub node: &'a Node,
    /// The expression.
    pub expr: Expression<'a>,
}

/// Every `${{ … }}` in a template's steps and output.
pub fn expression_sites<'a>(t: Template<'a>) -> Vec<ExprSite<'a>> {
    let mut out = Vec::new();
    let mut scalars = Vec::new();
    for step in t.steps() {
        scalars.clear();
        // The runner renders a step's `input`, `if` and `each`; other keys are not evaluated.
        for key in ["input", "if", "each"] {
            if let Some(node) = step.node.get(key) {
                strings_with_path(node, &mut vec![key.to_string()], &mut scalars);
            }
        }
        for (field, node) in scalars.drain(..) {
            for expr in expressions(node.as_str().unwrap_or("")) {
                out.push(ExprSite {
                    step: Some(step.index),
                    field: field.clone(),
                    node,
                    expr,
                });
            }
        }
    }
    if let Some(output) = t.0.root.path(&["spec", "output"]) {
        strings_with_path(output, &mut Vec::new(), &mut scalars);
        for (field, node) in scalars.drain(..) {
            for expr in expressions(node.as_str().unwrap_or("")) {
                out.push(ExprSite {
                    step: None,
                    field: field.clone(),
                    node,
                    expr,
                });
            }
        }
    }
    out
}

/// An expression of a template's steps or output that parses, with what it reads and where
/// it is (syntax errors are `bs-tpl-expression-syntax`'s).
pub struct ParsedSite<'a> {
    /// Where it is used.
    pub site: ExprSite<'a>,
    /// What it reads.
    pub uses: Uses,
    /// Its span (the `${{ … }}` when the source spells it verbatim, else the scalar).
    pub span: Span,
}

impl Workspace {
    /// The expressions of a template's steps and output that parse.
    pub fn parsed_expressions<'a>(&self, t: Template<'a>) -> Vec<ParsedSite<'a>> {
        expression_sites(t)
            .into_iter()
            .filter_map(|site| {
                let uses = analyse(site.expr.inner).ok()?;
                let span = self.span_in(t.0, site.node, site.expr.whole);
                Some(ParsedSite { site, uses, span })
            })
            .collect()
    }
}

/// The parameter a value is wholly made of (`${{ parameters.name }}`, possibly through
/// filters), with whether filters apply; `None` for anything else.
pub fn sole_parameter(value: &str) -> Option<(String, bool)> {
    let exprs = expressions(value);
    let [e] = exprs.as_slice() else { return None };
    if e.whole.len() != value.trim().len() {
        return None;
    }
    let uses = analyse(e.inner).ok()?;
    match uses.paths.as_slice() {
        [path] if path.len() == 2 && path[0] == "parameters" => Some((path[1].clone(), !uses.filters.is_empty())),
        _ => None,
    }
}

/// The step a `steps.<id>…` path names, and the rest of the path.
pub fn step_reference(path: &[String]) -> Option<(&str, &[String])> {
    match path {
        [root, id, rest @ ..] if root == "steps" => Some((id.as_str(), rest)),
        _ => None,
    }
}

/// The directory of a template relative to the root (`""` or `dir/`).
pub fn template_dir(rel: &str) -> &str {
    match rel.rfind('/') {
        Some(i) => &rel[..=i],
        None => "",
    }
}

/// The skeleton folder a `fetch:*` step's literal relative `url` names, relative to the root.
pub fn local_url(template_rel: &str, url: &str) -> Option<String> {
    if url.contains("://") || has_expression(url) || url.starts_with('/') {
        return None;
    }
    crate::parse::names::join_path(template_dir(template_rel).trim_end_matches('/'), url)
}

impl<'a> Step<'a> {
    /// `input`, when a mapping.
    pub fn input(&self) -> Option<&'a Node> {
        self.node.get("input").filter(|i| i.as_map().is_some())
    }
    /// A literal string input.
    pub fn input_str(&self, key: &str) -> Option<&'a str> {
        self.input().and_then(|i| i.get(key)).and_then(Node::as_str)
    }
    /// How the step is named in messages.
    pub fn label(&self) -> String {
        self.id
            .map_or_else(|| format!("step {}", self.index + 1), |id| format!("step `{id}`"))
    }
}

impl Workspace {
    /// True when `id` is a scaffolder action portalint knows or the config registers.
    pub fn action_known(&self, id: &str) -> bool {
        let o = &self.options.backstage_options;
        action(id).is_some() || o.actions.iter().any(|a| a == id) || o.action_outputs.iter().any(|(a, _)| a == id)
    }

    /// The outputs action `id` emits, when known (config first, then the built-in table).
    pub fn action_outputs(&self, id: &str) -> Option<Vec<&str>> {
        let o = &self.options.backstage_options;
        if let Some((_, outs)) = o.action_outputs.iter().find(|(a, _)| a == id) {
            return Some(outs.iter().map(String::as_str).collect());
        }
        action(id).and_then(|a| a.outputs).map(|outs| outs.to_vec())
    }

    /// The skeleton of a `fetch:template` step with a local `url`: its folder (relative to
    /// the root) and the text files under it (path, file, text).
    pub fn skeleton(&self, t: Template<'_>, step: &Step<'_>) -> Option<Skeleton<'_>> {
        let url = step.input_str("url")?;
        let dir = local_url(self.rel(t.0), url)?;
        let prefix = format!("{dir}/");
        let files = self
            .paths
            .iter()
            .filter(|p| p.starts_with(&prefix))
            .map(|p| {
                let id = self.sources.find(p);
                (p, id, id.map_or("", |id| &*self.sources.get(id).text))
            })
            .collect();
        Some(Skeleton { dir, files })
    }
}

/// A `fetch:template` skeleton folder and its files.
pub struct Skeleton<'w> {
    /// The folder, relative to the root.
    pub dir: String,
    /// Every file under it: path, source id when read as text, text (empty when not read).
    pub files: Vec<(&'w str, Option<crate::parse::source::FileId>, &'w str)>,
}

/// The byte offset of `part` inside `whole` (both from the same string).
pub fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_filters() {
        let u = analyse(" steps['publish'].output.remoteUrl | default('x') ").unwrap();
        assert_eq!(u.paths, vec![vec!["steps", "publish", "output", "remoteUrl"]]);
        assert_eq!(u.filters, vec!["default"]);
        let u = analyse("parameters.name if parameters.x is defined else user.entity.metadata.name").unwrap();
        let roots: Vec<&str> = u.paths.iter().map(|p| p[0].as_str()).collect();
        assert_eq!(roots, vec!["parameters", "parameters", "user"]);
        let u = analyse("{ a: parameters.b, 'c': 1 } | dump").unwrap();
        assert_eq!(u.paths, vec![vec!["parameters", "b"]]);
        assert!(analyse("parameters.name }").is_err());
        assert!(analyse("(parameters.name").is_err());
        assert!(analyse("parameters.").is_err());
        assert!(analyse("'open").is_err());
        assert!(analyse("  ").is_err());
        assert!(analyse("parameters.name |").is_err());
    }

    #[test]
    fn arbitrary_text_never_panics() {
        // A deterministic spread of ASCII, punctuation, quotes and multi-byte characters.
        let alphabet: Vec<char> = "ab_.$|()[]{}'\"\\:,+-=<>!~? 0éß€😀\n".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut s = String::from("${{");
            seed = seed.rotate_left(5) ^ 0x9e37_79b9_7f4a_7c15;
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            if seed.is_multiple_of(3) {
                s.push_str("}}");
            }
            for e in expressions(&s) {
                let _ = analyse(e.inner);
            }
            let _ = EntityRef::parse(&s).problem();
        }
    }

    #[test]
    fn expressions_in_strings() {
        let e = expressions("a ${{ x }} b ${{ '}}' }} c ${{ y");
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].inner, " x ");
        assert_eq!(e[1].inner, " '}}' ");
        assert!(!e[2].closed);
    }

    #[test]
    fn entity_refs() {
        let r = EntityRef::parse("group:default/team-a");
        assert_eq!(
            (r.kind, r.namespace, r.name),
            (Some("group"), Some("default"), "team-a")
        );
        assert_eq!(
            EntityRef::parse("team-a").key("Group", "default"),
            "group:default/team-a"
        );
        assert!(EntityRef::parse("group:team a").problem().is_some());
        assert!(EntityRef::parse("web@example.com").problem().is_none());
        assert!(analyse("a || b").unwrap_err().contains("`or`"));
    }
}
