use crate::model::Workspace;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that an orders repository has a CODEOWNERS file (`.github/CODEOWNERS`,
    /// `CODEOWNERS` or `docs/CODEOWNERS`, the first GitHub finds). Runs when a `policy:` is
    /// configured.
    ///
    /// ## Why is this bad?
    /// Without CODEOWNERS nobody owns a namespace folder: any team can order into any other
    /// team's namespace, and `portalint verdict` cannot verify the requester (every order PR
    /// then needs a review, reason `R-OWNER`).
    ///
    /// ## Example
    /// An orders repository with `openportal/team-a/WhoAmIApp/demo-app.yaml` and no CODEOWNERS
    /// file (neither `.github/CODEOWNERS`, `CODEOWNERS` nor `docs/CODEOWNERS`):
    /// ```yaml fixture=fail/no-codeowners file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    ///
    /// Use instead: a `.github/CODEOWNERS`.
    /// ```text fixture=pass/with-codeowners file=.github/CODEOWNERS
    /// * @org/platform
    /// /openportal/team-a/ @org/team-a
    /// ```
    pub GateCodeownersPresent {
        id: "gate-codeowners-present",
        category: Correctness,
        severity: Error,
        pack: Gate,
        reach: Shared,
    }
}

impl Rule for GateCodeownersPresent {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if ws.repo.orders.is_none() || ws.codeowners.is_some() {
            return;
        }
        if ws.orders().next().is_none() {
            return;
        }
        // The file is absent: the finding is on where it belongs, without a position in it.
        let expected = format!("{}{}", ws.repo.prefix, crate::model::codeowners::LOCATIONS[0]);
        let Some(file) = ws.sources.find(&expected) else { return };
        out.report(crate::parse::source::Span::file_start(file), "the orders repository has no CODEOWNERS: nobody owns its namespace folders")
            .help("add `.github/CODEOWNERS` naming one team per `<cluster>/<namespace>/` folder and the platform team for `*`");
    }
}
