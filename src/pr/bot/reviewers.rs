//! Reviewers and labels: the base's CODEOWNERS of the changed paths requested once (the
//! summary records whom), `portalint/*` labels that apply added and stale ones removed.

use super::*;

/// The reviewers a previous run recorded in the summary (`users=a,b teams=c`).
pub(super) fn requested_before(summary: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut users = BTreeSet::new();
    let mut teams = BTreeSet::new();
    if let Some(rest) = summary.split(REQUESTED_MARKER).nth(1) {
        for part in rest.split(" -->").next().unwrap_or("").split(' ') {
            let (set, list) = match part.split_once('=') {
                Some(("users", l)) => (&mut users, l),
                Some(("teams", l)) => (&mut teams, l),
                _ => continue,
            };
            set.extend(list.split(',').filter(|n| !n.is_empty()).map(String::from));
        }
    }
    (users, teams)
}

/// A login or team slug as CODEOWNERS may name one (anything else is not requested).
pub(super) fn is_name(n: &str) -> bool {
    !n.is_empty() && n.len() <= 100 && n.chars().all(|c| c.is_ascii_alphanumeric() || "-_.[]".contains(c))
}

/// Requests the base's CODEOWNERS of the changed paths, each once: not those already
/// requested, those who reviewed, or those an earlier run requested. Returns the record
/// line for the summary.
pub(super) fn request_reviewers(
    s: &mut Session,
    ctx: &Ctx,
    report: &crate::pr::verdict::Report,
    reviews: Option<&Vec<Value>>,
    (mut users_before, mut teams_before): (BTreeSet<String>, BTreeSet<String>),
) -> Result<Option<String>, ApiError> {
    let Some(owners) = &report.codeowners else {
        return Ok(None);
    };
    let mut users = BTreeSet::new();
    let mut teams = BTreeSet::new();
    for (_, path) in &report.verdict.changes {
        for o in owners.owners_of(path) {
            match (crate::gate::codeowners::team_of(o), o.strip_prefix('@')) {
                (Some(team), _) if is_name(team) => {
                    teams.insert(team.to_string());
                }
                (None, Some(user)) if user != ctx.pull.author && is_name(user) => {
                    users.insert(user.to_string());
                }
                _ => {}
            }
        }
    }
    if users.is_empty() && teams.is_empty() {
        return Ok(None);
    }
    let now = s
        .client()
        .request("GET", &format!("{}/requested_reviewers", ctx.base_path), None)?;
    let list = |key: &str, field: &str| -> Vec<String> {
        now.get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|u| u.get(field)?.as_str().map(String::from))
            .collect()
    };
    users_before.extend(list("users", "login"));
    teams_before.extend(list("teams", "slug"));
    users_before.extend(
        reviews
            .into_iter()
            .flatten()
            .filter_map(|r| r.pointer("/user/login")?.as_str().map(String::from)),
    );
    let new_users: Vec<&String> = users.iter().filter(|u| !users_before.contains(*u)).collect();
    let new_teams: Vec<&String> = teams.iter().filter(|t| !teams_before.contains(*t)).collect();
    // Every wanted reviewer is now requested (before, or by this run).
    let record = format!(
        "users={} teams={}",
        users.iter().map(String::as_str).collect::<Vec<_>>().join(","),
        teams.iter().map(String::as_str).collect::<Vec<_>>().join(",")
    );
    if new_users.is_empty() && new_teams.is_empty() {
        s.act("reviewers already requested");
        return Ok(Some(record));
    }
    let names: Vec<String> = new_users.iter().chain(&new_teams).map(|s| s.to_string()).collect();
    match s.client().request(
        "POST",
        &format!("{}/requested_reviewers", ctx.base_path),
        Some(&json!({"reviewers": new_users, "team_reviewers": new_teams})),
    ) {
        Ok(_) => {
            s.act(format!("requested reviews from {}", shorten(&names, MAX_NAMES)));
            Ok(Some(record))
        }
        Err(e) => {
            // The record keeps what was asked; the error is the step's failure.
            s.act(format!("review request refused for {}", shorten(&names, MAX_NAMES)));
            Err(e)
        }
    }
}

/// Percent-encodes a path segment (a label name such as `portalint/waiting`).
pub(super) fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Adds `wanted` labels the PR lacks; removes `portalint/*` labels that no longer apply
/// (never a hold label, which people set).
pub(super) fn sync_labels(s: &mut Session, ctx: &Ctx, mut wanted: Vec<String>) -> Result<(), ApiError> {
    wanted.sort();
    wanted.dedup();
    let have = &ctx.pull.labels;
    let missing: Vec<&String> = wanted.iter().filter(|l| !have.contains(l)).collect();
    let stale: Vec<&String> = have
        .iter()
        .filter(|l| l.starts_with("portalint/") && !HOLD_LABELS.contains(&l.as_str()) && !wanted.contains(l))
        .collect();
    if !missing.is_empty() {
        s.client().request(
            "POST",
            &format!("{}/labels", ctx.issue_path),
            Some(&json!({"labels": missing})),
        )?;
        let names: Vec<String> = missing.iter().map(|l| l.to_string()).collect();
        s.act(format!("labelled {}", shorten(&names, MAX_NAMES)));
    }
    for l in stale {
        match s
            .client()
            .request("DELETE", &format!("{}/labels/{}", ctx.issue_path, segment(l)), None)
        {
            // Already gone: the state wanted.
            Ok(_) | Err(ApiError::Status { status: 404, .. }) => s.act(format!("removed label {l}")),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_requested_record_reads_back() {
        let (u, t) = requested_before("x\n<!-- portalint:requested users=a,b teams=team-b -->\n");
        assert_eq!(u.into_iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(t.into_iter().collect::<Vec<_>>(), ["team-b"]);
    }
}
