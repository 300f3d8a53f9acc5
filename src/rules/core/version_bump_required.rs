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
        use crate::model::compat::{Change, ChangeClass};
        let Some(pr) = ws.pr.as_ref() else { return };
        let (Some(tag), Some(prev)) = (pr.release.as_deref(), pr.previous.as_deref()) else {
            return;
        };
        let (Some(new), Some(old)) = (crate::model::release_version(tag), crate::model::release_version(prev)) else {
            return;
        };
        // The first of the most serious changes.
        let worst = ws
            .xrd_changes()
            .reduce(|w, next| if next.1.class > w.1.class { next } else { w });
        let Some((
            x,
            Change {
                class,
                message: why,
                new: at,
                ..
            },
        )) = worst
        else {
            return;
        };
        let at = at.unwrap_or_else(|| x.name_span());
        let major = new.major > old.major;
        let minor = major || new.minor > old.minor;
        let (needed, ok) = match class {
            ChangeClass::Immutable | ChangeClass::Breaking => ("a major", major),
            ChangeClass::Compatible => ("at least a minor", minor),
        };
        if !ok {
            out.report(at, format!("{prev} → {tag} needs {needed} version bump: {why}"))
                .help(format!(
                    "release it as `v{}.0.0`{}",
                    old.major + 1,
                    if matches!(class, ChangeClass::Compatible) {
                        format!(" or `v{}.{}.0`", old.major, old.minor + 1)
                    } else {
                        String::new()
                    }
                ));
        }
    }
}
