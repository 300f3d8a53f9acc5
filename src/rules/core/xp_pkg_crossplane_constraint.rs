use crate::model::{Class, Workspace};
use crate::parse::text::code;
use crate::rules::util::constraint_problem;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that `spec.crossplane.version` of package metadata is a valid semver constraint
    /// (Masterminds syntax, as Crossplane parses it).
    ///
    /// ## Why is this bad?
    /// The package fails to build or install ("package version constraints are poorly
    /// formatted").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-web
    /// spec:
    ///   crossplane:
    ///     version: ">=v2.0.0 <"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: meta.pkg.crossplane.io/v1
    /// kind: Configuration
    /// metadata:
    ///   name: configuration-web
    /// spec:
    ///   crossplane:
    ///     version: ">=v2.0.0"
    /// ```
    pub XpPkgCrossplaneConstraint {
        id: "xp-pkg-crossplane-constraint",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XpPkgCrossplaneConstraint {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.docs_of(Class::PkgMeta) {
            let Some(n) = d.root.path(&["spec", "crossplane", "version"]) else {
                continue;
            };
            let text = n.scalar_text().unwrap_or_default();
            if let Some(problem) = constraint_problem(&text) {
                out.report(
                    d.span(n),
                    format!(
                        "{code0} is not a valid version constraint: {problem}",
                        code0 = code(&text)
                    ),
                )
                .help("write e.g. `>=v2.0.0` or `>=v1.14.0, <v2.0.0`");
            }
        }
    }
}
