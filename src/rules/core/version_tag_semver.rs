use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::util::release_anchor;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the release tag being made (`--release`, or with `--base` a `v*` tag on the
    /// head commit) is `vMAJOR.MINOR.PATCH` (a pre-release suffix is allowed).
    ///
    /// ## Why is this bad?
    /// The release workflow, the catalog pin (`osp-cat-package-pinned`) and version comparisons all
    /// rely on semantic versions; `v1.2` or `release-3` break them.
    ///
    /// ## Example
    /// The head commit is tagged `v1.1` (the case's `tags.txt`):
    /// ```text fixture=fail/two-part-tag file=tags.txt
    /// base=v1.0.0
    /// head=v1.1
    /// ```
    ///
    /// Use instead: `v1.1.0`.
    /// ```text fixture=pass/semver-tag file=tags.txt
    /// base=v1.0.0
    /// head=v1.1.0
    /// ```
    pub VersionTagSemver {
        id: "version-tag-semver",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for VersionTagSemver {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(tag) = ws.pr.as_ref().and_then(|p| p.release.as_deref()) else {
            return;
        };
        let ok = tag
            .strip_prefix('v')
            .is_some_and(|v| semver::Version::parse(v).is_ok_and(|s| s.build.is_empty()));
        if !ok {
            out.report(
                release_anchor(ws),
                format!("release tag {code0} is not `vMAJOR.MINOR.PATCH`", code0 = code(&tag)),
            )
            .help("tag releases like `v1.2.0`");
        }
    }
}
