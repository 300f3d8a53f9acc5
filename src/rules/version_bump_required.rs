use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// For a release (`--release vX.Y.Z`, or with `--base` a `v*` tag on the head commit),
    /// classifies the XRD changes since the previous release tag and checks the version bump: an
    /// immutable or breaking change needs a new major version, a compatible schema change at
    /// least a new minor version.
    ///
    /// ## Why is this bad?
    /// Teams pin template versions in the catalog by semver; a breaking change shipped as a minor
    /// or patch release breaks every order on upgrade without warning.
    ///
    /// ## Example
    /// ```yaml,ignore
    /// # v1.2.0 -> v1.3.0 removes spec.size
    /// ```
    ///
    /// Use instead:
    /// ```yaml,ignore
    /// # v1.2.0 -> v2.0.0 removes spec.size
    /// ```
    pub VersionBumpRequired {
        id: "version-bump-required",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for VersionBumpRequired {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        use crate::model::compat::{classify, Class};
        let Some(pr) = ws.pr.as_ref() else { return };
        let (Some(tag), Some(prev)) = (pr.release.as_deref(), pr.previous.as_deref()) else { return };
        let (Some(new), Some(old)) = (crate::model::release_version(tag), crate::model::release_version(prev)) else {
            return;
        };
        let mut worst: Option<(Class, String, crate::source::Span)> = None;
        for x in ws.xrds() {
            let Some(base) = ws.base_of(x.doc()) else { continue };
            for c in classify(crate::model::Xrd(base), x) {
                if worst.as_ref().is_none_or(|w| c.class > w.0) {
                    let at = c.new.unwrap_or_else(|| x.name_span());
                    worst = Some((c.class, c.message.clone(), at));
                }
            }
        }
        let Some((class, why, at)) = worst else { return };
        let major = new.major > old.major;
        let minor = major || new.minor > old.minor;
        let (needed, ok) = match class {
            Class::Immutable | Class::Breaking => ("a major", major),
            Class::Compatible => ("at least a minor", minor),
        };
        if !ok {
            out.report(at, format!("{prev} → {tag} needs {needed} version bump: {why}"))
                .help(format!("release it as `v{}.0.0`{}", old.major + 1, if matches!(class, Class::Compatible) { format!(" or `v{}.{}.0`", old.major, old.minor + 1) } else { String::new() }));
        }
    }
}
