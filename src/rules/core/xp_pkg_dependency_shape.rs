use crate::model::{Class, Workspace};
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::diagnostic::Severity;
use crate::rules::util::constraint_problem;
use crate::rules::{Rule, Sink};

const DEPRECATED: &[&str] = &["provider", "configuration", "function"];

crate::declare_rule! {
    /// ## What it does
    /// Checks each `spec.dependsOn[]` entry of package metadata: it names exactly one package,
    /// either with `apiVersion` + `kind` + `package`, or with one of the deprecated
    /// `provider`/`configuration`/`function` fields (a warning); and its `version` is a valid
    /// semver constraint or a `sha256:` digest.
    ///
    /// ## Why is this bad?
    /// Dependency resolution fails or picks the wrong package; deprecated fields will be
    /// removed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-web
    /// spec:
    ///   dependsOn:
    ///   - provider: xpkg.crossplane.io/crossplane-contrib/provider-kubernetes
    ///     function: xpkg.crossplane.io/crossplane-contrib/function-go-templating
    ///     version: ">=v0.1.0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-web
    /// spec:
    ///   dependsOn:
    ///   - apiVersion: pkg.crossplane.io/v1
    ///     kind: Function
    ///     package: xpkg.crossplane.io/crossplane-contrib/function-go-templating
    ///     version: ">=v0.1.0"
    /// ```
    pub XpPkgDependencyShape {
        id: "xp-pkg-dependency-shape",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpPkgDependencyShape {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.docs_of(Class::PkgMeta) {
            for dep in d
                .root
                .path(&["spec", "dependsOn"])
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                let old: Vec<&str> = DEPRECATED.iter().copied().filter(|k| dep.get(k).is_some()).collect();
                let modern = dep.get("package").is_some();
                let named = old.len() + usize::from(modern);
                if named != 1 {
                    let what = if named == 0 {
                        "names no package"
                    } else {
                        "names more than one package"
                    };
                    out.report(d.span(dep), format!("dependency {what}"))
                        .help("use `apiVersion`, `kind` and `package` for exactly one package");
                } else if let Some(k) = old.first() {
                    out.report_with(
                        Severity::Warning,
                        d.key_span(dep.entry(k).expect("present")),
                        format!("{code0} dependencies are deprecated", code0 = code(&format!("{k}:"))),
                    )
                    .help(format!(
                        "use `apiVersion: pkg.crossplane.io/v1`, {code0} and `package:`",
                        code0 = code(&format!("kind: {}", capitalise(k)))
                    ));
                } else {
                    for key in ["apiVersion", "kind"] {
                        if dep.get(key).is_none() {
                            out.report(
                                d.span_of_key(dep, "package"),
                                format!("a `package:` dependency needs {code0}", code0 = code(&key)),
                            );
                        }
                    }
                }
                if let Some(v) = dep.get("version") {
                    let text = v.scalar_text().unwrap_or_default();
                    // A dependency may also be pinned by digest.
                    let digest = text
                        .strip_prefix("sha256:")
                        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
                    if let Some(problem) = constraint_problem(&text).filter(|_| !digest) {
                        out.report(
                            d.span(v),
                            format!(
                                "{code0} is not a valid version constraint: {problem}",
                                code0 = code(&text)
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
