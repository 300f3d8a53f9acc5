use crate::model::Workspace;
use crate::parse::text::code;
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
    /// The base commit is tagged `v1.0.0` and the head `v1.1.0`, a minor release (the case's
    /// `tags.txt`),
    /// ```text fixture=fail/breaking-as-minor file=tags.txt
    /// base=v1.0.0
    /// head=v1.1.0
    /// ```
    /// and the head XRD narrows `spec.size`, whose enum was `[small, medium, large]`:
    /// ```yaml fixture=fail/breaking-as-minor file=head/configuration/xrd.yaml
    /// size:
    ///   type: string
    ///   enum: [small, large]
    /// ```
    ///
    /// Use instead: release the narrowed enum as a new major version.
    /// ```text fixture=pass/breaking-as-major file=tags.txt
    /// base=v1.0.0
    /// head=v2.0.0
    /// ```
    /// ```yaml fixture=pass/breaking-as-major file=head/configuration/xrd.yaml
    /// size:
    ///   type: string
    ///   enum: [small, large]
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
                    "release it as {code0}{}",
                    if matches!(class, ChangeClass::Compatible) {
                        format!(
                            " or {code0}",
                            code0 = code(&format!("v{}.{}.0", old.major, old.minor + 1))
                        )
                    } else {
                        String::new()
                    },
                    code0 = code(&format!("v{}.0.0", old.major + 1))
                ));
        }
    }
}
