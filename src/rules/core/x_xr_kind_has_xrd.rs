use crate::model::{by_group_kind, Doc, GroupKind, Workspace, Xrd};
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every composite resource (the repository's `examples/`, and any object in
    /// a group an XRD of the repository defines) matches an XRD: its group, its kind (or the
    /// claim kind of a LegacyCluster XRD), and a version with `served: true`. Near misses get a "did you mean".
    ///
    /// ## Why is this bad?
    /// The API server answers "no matches for kind" and Flux stops the whole sync.
    ///
    /// ## Example
    /// The XRD (`configuration/xrd.yaml`) defines WebApp in the group `openportal.dev`:
    /// ```yaml fixture=fail/wrong-group file=examples/basic-webapp.yaml
    /// apiVersion: demo.openportal.dev/v1alpha1
    /// kind: WebApp
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/template-repo file=examples/basic-webapp.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WebApp
    /// ```
    pub XXrKindHasXrd {
        id: "x-xr-kind-has-xrd",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

/// What an XR's apiVersion/kind resolves to.
fn resolve(ws: &Workspace, doc: &Doc) -> Result<(), (String, Option<String>)> {
    let (group, version, kind) = (doc.group(), doc.version(), doc.kind.as_str());
    let key = &(group, kind) as &dyn GroupKind;
    // Resolved once in the model: the XRDs defining the kind, or when none does its claims.
    let (found, claim) = ws.instance_xrds(doc);
    let found: Vec<_> = found.collect();
    // A claim of a LegacyCluster XRD is as good as an XR.
    let claim_ids = by_group_kind(&ws.index.claim_by_gk, group, kind);
    let claims = if claim {
        found.clone()
    } else if claim_ids.is_empty() {
        Vec::new()
    } else {
        ws.claim_xrds_for(group, kind, doc.file)
    };
    let serves = |x: &Xrd<'_>| x.each_version().any(|v| v.served && v.name == Some(version));
    if claims.iter().any(serves) || (claims.is_empty() && !claim_ids.is_empty()) {
        return Ok(());
    }
    // Without claims, the XRDs defining the kind (none when `found` are claims: then there
    // are no claims either).
    let candidates = if claims.is_empty() { found } else { claims };
    if candidates.is_empty() && ws.index.xrd_by_gk.contains_key(key) {
        // Defined, but in another example folder: that folder's XRD does not govern this one.
        return Ok(());
    }
    if let Some(x) = candidates.first() {
        if candidates.iter().any(serves) {
            return Ok(());
        }
        let served: Vec<&str> = x
            .versions()
            .iter()
            .filter(|v| v.served)
            .filter_map(|v| v.name)
            .collect();
        return Err((
            format!(
                "{code0} has no served version {code1}",
                code0 = code(&kind),
                code1 = code(&version)
            ),
            Some(format!("served versions: {}", crate::parse::text::list(&served, 5))),
        ));
    }
    // Every XRD known: the repository's and the sources'.
    let all: Vec<(String, String)> = ws.index.xrd_by_gk.keys().cloned().collect();
    let hint = if let Some((g, _)) = all.iter().find(|(_, k)| k == kind) {
        let v = ws
            .xrds_for(g, kind, doc.file)
            .first()
            .and_then(|x| x.referenceable())
            .and_then(|v| v.name)
            .unwrap_or(version);
        Some(format!(
            "did you mean {code0}?",
            code0 = code(&format!("apiVersion: {g}/{v}"))
        ))
    } else {
        let kinds: Vec<&str> = all
            .iter()
            .filter(|(g, _)| g == group)
            .map(|(_, k)| k.as_str())
            .collect();
        crate::parse::text::suggest(kind, kinds.iter().copied())
            .map(|k| format!("did you mean {code0}?", code0 = code(&format!("kind: {k}"))))
    };
    Err((
        format!(
            "no XRD defines {code0} in {code1}",
            code0 = code(&kind),
            code1 = code(&group)
        ),
        hint,
    ))
}

impl Rule for XXrKindHasXrd {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let depends_on_configurations = ws
            .package_dependencies()
            .any(|d| d.str_at(&["kind"]) == Some("Configuration") || d.get("configuration").is_some());
        // No XRD at all (none in the repository, no `--xrds`, no config `xrds`): the orders
        // cannot be checked, and that is one finding saying how to give them, not one per order.
        if ws.index.xrd_by_gk.is_empty() && ws.index.claim_by_gk.is_empty() && !ws.repo.is_template {
            let orders: Vec<&Doc> = ws
                .orders()
                .filter(|d| d.is_object() && !crate::model::is_builtin_group(d.group()))
                .collect();
            // One finding for the repository, also when the check is streamed in batches: on
            // the first order file of the whole tree, by the batch that holds it.
            let prefix = ws.repo.prefix.as_str();
            let first_path = ws
                .paths
                .iter()
                .find(|p| crate::model::orders::is_order_path(ws.repo.orders, p));
            let orders: Vec<&Doc> = match first_path {
                Some(p) if orders.iter().any(|d| ws.rel(d).strip_prefix(prefix) == Some(p)) => {
                    let mut orders = orders;
                    // The first file's order first.
                    orders.sort_by_key(|d| ws.rel(d).strip_prefix(prefix) != Some(p));
                    orders
                }
                Some(_) => Vec::new(),
                None => orders,
            };
            let files = ws
                .paths
                .iter()
                .filter(|p| crate::model::orders::is_order_path(ws.repo.orders, p))
                .count()
                .max(orders.len());
            if let Some(first) = orders.first() {
                let mut kinds: Vec<String> = orders.iter().map(|d| format!("{}.{}", d.kind, d.group())).collect();
                kinds.sort();
                kinds.dedup();
                let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
                let at = first
                    .root
                    .get("apiVersion")
                    .map(|n| first.span(n))
                    .unwrap_or_else(|| first.head_span());
                out.report(
                    at,
                    format!(
                        "no XRD is known, so {} of {} cannot be checked",
                        if files == 1 {
                            "1 order file".to_string()
                        } else {
                            format!("{files} order files")
                        },
                        crate::parse::text::list(&kinds, 3)
                    ),
                )
                .help(
                    "give the XRDs: `--xrds <folder, file or git URL>` (repeatable) or `xrds: [...]` in \
                     `.portalint.yaml`, e.g. the template repositories' `configuration/` folders",
                );
            }
            return;
        }
        // The groups in which the known XRDs define (or offer as claims) each kind.
        let mut kinds: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
        for (g, k) in ws.index.xrd_by_gk.keys().chain(ws.index.claim_by_gk.keys()) {
            kinds.entry(k.as_str()).or_default().push(g.as_str());
        }
        // The last two labels of a group (`openportal.dev` of `dns.openportal.dev`).
        let domain = |g: &str| -> String {
            let labels: Vec<&str> = g.rsplitn(3, '.').take(2).collect();
            labels.into_iter().rev().collect::<Vec<_>>().join(".")
        };
        // An object of a group no XRD defines whose kind an XRD defines in a near group (the
        // same domain, or a near spelling) is a likely wrong group, whatever the profile and
        // wherever it lives. A kind of the same name in an unrelated group (kind's `Cluster`
        // config) is another API.
        let elsewhere = |d: &Doc| {
            let group = d.group();
            !ws.index.xr_groups.contains(group)
                && !crate::model::is_builtin_group(group)
                && kinds.get(d.kind.as_str()).is_some_and(|groups| {
                    groups.iter().any(|g| {
                        domain(g) == domain(group) || crate::parse::text::suggest(group, [*g]).is_some()
                    })
                })
        };
        // Those `xr_candidates` leaves out (neither an order nor an example).
        let others = ws.docs.iter().filter(|d| {
            let rel = ws.rel(d);
            d.class == crate::model::Class::Other
                && d.is_object()
                && !ws.is_order(d)
                && !(rel.starts_with("examples/") || rel.starts_with("example/"))
                && elsewhere(d)
        });
        for doc in ws.xr_candidates().chain(others) {
            // An example of a group no XRD here defines has its XRD elsewhere, except in a
            // template repository, which must ship the XRD its examples use.
            let known_group = ws.index.xr_groups.contains(doc.group());
            // Orders must all resolve; elsewhere an unknown group's XRD may live in another repo.
            let order = ws.is_order(doc);
            if !known_group && !ws.repo.is_template && !order && !elsewhere(doc) {
                continue;
            }
            // A kind this repository does not define may come from a Configuration it depends
            // on; those packages are not read here (yet), so it is not reported.
            if !order && depends_on_configurations && !ws.index.xrd_by_gk.keys().any(|(_, k)| *k == doc.kind) {
                continue;
            }
            if let Err((msg, hint)) = resolve(ws, doc) {
                let at = doc
                    .root
                    .get("apiVersion")
                    .map(|n| doc.span(n))
                    .unwrap_or_else(|| doc.head_span());
                let d = out.report(at, msg);
                if let Some(h) = hint {
                    d.help(h);
                }
            }
        }
    }
}
