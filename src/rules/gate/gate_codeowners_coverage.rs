use crate::model::{Layout, Workspace};
use crate::parse::source::Span;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use std::collections::BTreeMap;

crate::declare_rule! {
    /// ## What it does
    /// Checks that every namespace folder holding orders (`<cluster>/<namespace>/`) has its own
    /// last-matching CODEOWNERS entry naming exactly one team, and, when the policy names the
    /// `platform-team`, that it owns the fallback `*` and every `system/` folder. Runs when a
    /// `policy:` is configured.
    ///
    /// ## Why is this bad?
    /// A folder that only matches `*` belongs to whoever owns the fallback, so a team's orders
    /// are approved by someone else; two owners make "the team that owns the namespace"
    /// ambiguous for the verdict and for quotas per team.
    ///
    /// ## Example
    /// With orders in `openportal/team-a/`, `openportal/team-b/` and `openportal/system/`, and
    /// the policy's `platform-team: "@org/platform"`: `team-a/` falls back to `*`, `team-b/` has
    /// two owners and `system/` is not the platform team's.
    /// ```text fixture=fail/uncovered file=.github/CODEOWNERS
    /// * @org/platform
    /// /openportal/team-b/ @org/team-b @org/team-c
    /// /openportal/system/ @org/team-b
    /// ```
    ///
    /// Use instead: one team per namespace folder (here the case has only `team-a/` and
    /// `system/`, which the platform team's fallback owns).
    /// ```text fixture=pass/covered file=.github/CODEOWNERS
    /// * @org/platform
    /// /openportal/team-a/ @org/team-a
    /// ```
    pub GateCodeownersCoverage {
        id: "gate-codeowners-coverage",
        category: Correctness,
        severity: Error,
        pack: Gate,
        reach: Shared,
    }
}

fn is_fallback(pattern: &str) -> bool {
    matches!(pattern, "*" | "/*" | "**" | "/**" | "/")
}

impl Rule for GateCodeownersCoverage {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some((file, owners)) = &ws.codeowners else { return };
        let platform = ws.options.platform_team.as_deref();
        let at = |e: &crate::model::codeowners::Entry| Span::new(*file, e.pattern_span.0, e.pattern_span.1);
        if let Some(team) = platform {
            for e in owners.entries.iter().filter(|e| is_fallback(&e.pattern)) {
                if !e.owners.iter().any(|(o, _)| o == team) {
                    out.report(
                        at(e),
                        format!(
                            "the fallback {code0} must be owned by the platform team {code1}",
                            code0 = code(&e.pattern),
                            code1 = code(&team)
                        ),
                    );
                }
            }
        }
        // One order per namespace folder stands for the folder.
        let mut folders: BTreeMap<String, &crate::model::Doc> = BTreeMap::new();
        for d in ws.orders() {
            let rel = ws.rel(d);
            let seg: Vec<&str> = rel.split('/').collect();
            if seg.len() < 3 || ws.repo.orders.is_none() {
                continue;
            }
            folders.entry(format!("{}/{}/", seg[0], seg[1])).or_insert(d);
        }
        for (folder, d) in folders {
            let rel = ws.rel(d);
            let system = folder.split('/').nth(1) == Some("system") && ws.repo.orders == Some(Layout::Clusters);
            match owners.owner_entry(rel) {
                None => {
                    out.report(
                        d.head_span(),
                        format!("no CODEOWNERS entry covers {code0}", code0 = code(&folder)),
                    )
                    .help(format!(
                        "add {code0} to CODEOWNERS",
                        code0 = code(&format!("/{folder}  @org/<team>"))
                    ));
                }
                Some(e) if is_fallback(&e.pattern) && !system => {
                    out.report(
                        d.head_span(),
                        format!(
                            "{code0} only falls back to {code1}: no team owns it",
                            code0 = code(&folder),
                            code1 = code(&e.pattern)
                        ),
                    )
                    .label(at(e), "the fallback entry")
                    .help(format!(
                        "add {code0} after the fallback",
                        code0 = code(&format!("/{folder}  @org/<team>"))
                    ));
                }
                Some(e) if system => {
                    if let Some(team) = platform.filter(|t| !e.owners.iter().any(|(o, _)| o == t)) {
                        out.report(
                            at(e),
                            format!(
                                "{code0} holds platform infrastructure and must be owned by {code1}",
                                code0 = code(&folder),
                                code1 = code(&team)
                            ),
                        )
                        .label(d.head_span(), "an order in that folder");
                    }
                }
                Some(e) => {
                    let teams = e
                        .owners
                        .iter()
                        .filter(|(o, _)| crate::model::codeowners::team_of(o).is_some())
                        .count();
                    if teams != 1 || e.owners.len() != 1 {
                        let names: Vec<&str> = e.owners.iter().map(|(o, _)| o.as_str()).collect();
                        let named = if names.is_empty() {
                            "no owner".to_string()
                        } else {
                            names.join(" ")
                        };
                        out.report(
                            at(e),
                            format!(
                                "{code0} must be owned by exactly one team, this entry names {named}",
                                code0 = code(&folder)
                            ),
                        )
                        .label(d.head_span(), "an order in that folder");
                    }
                }
            }
        }
    }
}
