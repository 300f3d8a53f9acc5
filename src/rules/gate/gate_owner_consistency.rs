use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use std::collections::HashMap;

crate::declare_rule! {
    /// ## What it does
    /// Checks that three statements of ownership agree for each order: its owner annotation
    /// (`terasky.backstage.io/owner`, `backstage.io/owner`, or the policy's `owner-annotations`),
    /// the CODEOWNERS team of its namespace folder, and the `team` label of the namespace's
    /// ManagedNamespace order. Runs when a `policy:` is configured.
    ///
    /// ## Why is this bad?
    /// For a PR opened by the Backstage bot the owner annotation names the requester; when it
    /// disagrees with the folder's owner, a team can order into a namespace it does not own, or
    /// the catalog shows the wrong owner for the resource.
    ///
    /// ## Example
    /// CODEOWNERS gives `openportal/team-a/` to `@org/team-a`,
    /// ```text fixture=fail/disagree file=.github/CODEOWNERS
    /// * @org/platform-team
    /// /openportal/team-a/ @org/team-a
    /// ```
    /// while an order in that folder names another owner:
    /// ```yaml fixture=fail/disagree file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    ///   annotations:
    ///     terasky.backstage.io/owner: group:default/team-b
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/agree file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    ///   annotations:
    ///     terasky.backstage.io/owner: group:default/team-a
    /// ```
    pub GateOwnerConsistency {
        id: "gate-owner-consistency",
        category: Correctness,
        severity: Error,
        pack: Gate,
    }
}

impl Rule for GateOwnerConsistency {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        // The `team` label of each ManagedNamespace order, by (cluster folder, namespace name).
        let mut labels: HashMap<(String, String), (String, crate::parse::source::Span)> = HashMap::new();
        for d in ws.orders().filter(|d| d.kind == "ManagedNamespace") {
            let cluster = ws.rel(d).split('/').next().unwrap_or("").to_string();
            let name = d.root.str_at(&["spec", "name"]).or(d.name()).unwrap_or("").to_string();
            let label = d.label("team").or_else(|| d.root.path(&["spec", "labels", "team"]));
            if let Some(team) = label.and_then(|n| n.as_str()) {
                labels.insert((cluster, name), (team.to_string(), d.span(label.expect("present"))));
            }
        }
        for d in ws.orders() {
            let Some((key, node)) = crate::model::orders::owner_annotation(ws, d) else {
                continue;
            };
            let Some(owner) = node.as_str() else { continue };
            // Only a group names a team; a user owner is checked by the verdict's ownership.
            let crate::model::orders::Requester::Group(team) = crate::model::orders::Requester::from_owner_ref(owner)
            else {
                continue;
            };
            let team = team.as_str();
            let rel = ws.rel(d);
            let at = d.span(node);
            if let Some((file, owners)) = &ws.codeowners {
                if let Some(e) = owners.owner_entry(rel) {
                    let teams: Vec<&str> = e
                        .owners
                        .iter()
                        .filter_map(|(o, _)| crate::model::codeowners::team_of(o))
                        .collect();
                    if teams.len() == 1 && teams[0] != team {
                        out.report(
                            at,
                            format!(
                                "{code0} names team {code1}, but CODEOWNERS gives this folder to {code2}",
                                code0 = code(&key),
                                code1 = code(&team),
                                code2 = code(&(teams[0]))
                            ),
                        )
                        .label(
                            crate::parse::source::Span::new(*file, e.pattern_span.0, e.pattern_span.1),
                            "the CODEOWNERS entry",
                        );
                    }
                }
            }
            let seg: Vec<&str> = rel.split('/').collect();
            if seg.len() >= 3 && d.kind != "ManagedNamespace" {
                if let Some((label, label_at)) = labels.get(&(seg[0].to_string(), seg[1].to_string())) {
                    if label != team {
                        out.report(
                            at,
                            format!(
                                "{code0} names team {code1}, but namespace {code2} is labelled {code3}",
                                code0 = code(&key),
                                code1 = code(&team),
                                code2 = code(&(seg[1])),
                                code3 = code(&format!("team: {label}"))
                            ),
                        )
                        .label(*label_at, "the namespace's team label");
                    }
                }
            }
        }
    }
}
