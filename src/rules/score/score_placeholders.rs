use crate::model::{Doc, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::{Node, Value};
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the `${…}` placeholders of container variables, file contents (unless
    /// `noExpand`) and resource params: the root must be `metadata` or `resources`;
    /// `${metadata.<key>…}` needs `<key>` in `metadata`; `${resources.<name>…}` needs a
    /// declared resource `<name>`. `$$` escapes a `$`, `\.` a dot inside a key. In a spec of
    /// the innominatus flavour (see `score-no-unknown-keys`) another root is a warning:
    /// innominatus resolves `${workflow.…}`, `${environment.…}` and step outputs itself.
    ///
    /// ## Why is this bad?
    /// Score implementations fail on an unknown root ("unknown reference root, use $$ to
    /// escape the substitution") or an undeclared resource when the workload is deployed; a
    /// misspelt resource name is found only then.
    ///
    /// ## Example
    /// ```yaml fixture=fail/unresolved.yaml
    /// containers:
    ///   web:
    ///     image: nginx:1.27
    ///     variables:
    ///       DATABASE_URL: postgres://${resources.database.host}/app
    ///       TEAM: ${metadata.team}
    ///       MODE: ${env.MODE}
    ///     files:
    ///       /etc/app/config.ini:
    ///         content: "db=${resources.cache.host}"
    /// resources:
    ///   db:
    ///     type: postgres
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/resolved.yaml
    /// containers:
    ///   web:
    ///     image: nginx:1.27
    ///     variables:
    ///       DATABASE_URL: postgres://${resources.db.username}@${resources.db.host}/${metadata.name}
    /// ```
    pub ScorePlaceholders {
        id: "score-placeholders",
        category: Correctness,
        severity: Error,
        pack: Score,
    }
}

/// The placeholders of `text`: the reference inside each `${…}`, `$$` skipped.
fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            rest = r;
        } else if let Some(r) = after.strip_prefix('{') {
            match r.find('}') {
                Some(end) => {
                    out.push(&r[..end]);
                    rest = &r[end + 1..];
                }
                None => break,
            }
        } else {
            rest = after;
        }
    }
    out
}

/// The parts of a reference split on dots, `\.` kept as a dot inside a part.
fn parts(reference: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = reference.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                out.last_mut().expect("one part").push('.');
            }
            '.' => out.push(String::new()),
            c => out.last_mut().expect("one part").push(c),
        }
    }
    out
}

/// The string values placeholders are expanded in.
fn expanded(doc: &Doc) -> Vec<&Node> {
    let mut out = Vec::new();
    for c in doc.root.get("containers").and_then(Node::as_map).unwrap_or(&[]) {
        if let Some(vars) = c.value.get("variables") {
            crate::rules::util::string_nodes(vars, &mut out);
        }
        let files: Vec<&Node> = match c.value.get("files").map(|f| &f.value) {
            Some(Value::Map(entries)) => entries.iter().map(|e| &e.value).collect(),
            Some(Value::Seq(items)) => items.iter().collect(),
            _ => Vec::new(),
        };
        for f in files {
            if f.get("noExpand").and_then(Node::as_bool) != Some(true) {
                out.extend(f.get("content").filter(|n| n.as_str().is_some()));
            }
        }
    }
    for r in doc.root.get("resources").and_then(Node::as_map).unwrap_or(&[]) {
        if let Some(params) = r.value.get("params") {
            crate::rules::util::string_nodes(params, &mut out);
        }
    }
    out
}

impl Rule for ScorePlaceholders {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.score_specs() {
            let flavour = ws.innominatus_flavour(doc);
            let metadata = doc.root.get("metadata").and_then(Node::as_map).unwrap_or(&[]);
            let resources = doc.root.get("resources").and_then(Node::as_map).unwrap_or(&[]);
            for node in expanded(doc) {
                for reference in placeholders(node.as_str().unwrap_or("")) {
                    let p = parts(reference);
                    let at = doc.span(node);
                    match (p[0].as_str(), p.get(1)) {
                        ("metadata", Some(key)) if !metadata.iter().any(|e| &e.key == key) => {
                            out.report(
                                at,
                                format!(
                                    "{code0}: `metadata` has no {code1}",
                                    code0 = code(&format!("${{{reference}}}")),
                                    code1 = code(&key)
                                ),
                            );
                        }
                        ("resources", Some(name)) if !resources.iter().any(|e| &e.key == name) => {
                            let known: Vec<&str> = resources.iter().map(|e| e.key.as_str()).collect();
                            let d = out.report(
                                at,
                                format!(
                                    "{code0}: no resource {code1} is declared",
                                    code0 = code(&format!("${{{reference}}}")),
                                    code1 = code(&name)
                                ),
                            );
                            match crate::parse::text::suggest(name, known.iter().copied()) {
                                Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                                None if known.is_empty() => d.help("declare it under `resources`"),
                                None => d.help(format!("declared resources: {}", crate::parse::text::nearest(name, &known, crate::parse::text::NEAREST))),
                            };
                        }
                        ("metadata" | "resources", _) => {}
                        (root, _) if flavour => {
                            out.report_with(
                                Severity::Warning,
                                at,
                                format!(
                                    "{code0}: {code1} is resolved by innominatus only",
                                    code0 = code(&format!("${{{reference}}}")),
                                    code1 = code(&root)
                                ),
                            )
                            .help("Score tooling fails on any root but `metadata` and `resources`");
                        }
                        (root, _) => {
                            out.report(
                                at,
                                format!(
                                    "{code0}: unknown reference root {code1}",
                                    code0 = code(&format!("${{{reference}}}")),
                                    code1 = code(&root)
                                ),
                            )
                            .help("placeholders start with `metadata` or `resources`; write `$$` for a literal `$`");
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_escapes() {
        assert_eq!(
            placeholders("a ${resources.db.host} $${not} ${metadata.name}"),
            ["resources.db.host", "metadata.name"]
        );
        assert_eq!(placeholders("$5 and ${unclosed"), Vec::<&str>::new());
        assert_eq!(
            parts(r"metadata.annotations.my\.key"),
            ["metadata", "annotations", "my.key"]
        );
    }
}
