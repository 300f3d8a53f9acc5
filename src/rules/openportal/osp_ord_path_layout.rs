use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks an order's path: `<cluster>/<namespace|system>/<Kind>/<name>.yaml` (or
    /// `namespaces/<namespace>/<type>/<name>.yaml` in the seed layout), exactly 4 segments,
    /// `.yaml`, the Kind folder equal to `kind` (the type folder: the kind, its plural, or the
    /// kebab-case plural such as `dns-records`), and the file stem equal to `metadata.name`.
    ///
    /// ## Why is this bad?
    /// Backstage, the kustomization generator and reviewers find orders by path; a constant file
    /// name (as service-managednamespace-template writes) makes the next order overwrite the
    /// previous one.
    ///
    /// ## Example
    /// `openportal/team-a/WhoAmIApp/app.yaml`:
    /// ```yaml fixture=fail/catalog-orders file=openportal/team-a/WhoAmIApp/app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-web
    ///   namespace: team-a
    /// ```
    ///
    /// Use instead: the file named after the order, as `openportal/team-a/WhoAmIApp/demo-app.yaml`
    /// is:
    /// ```yaml fixture=pass/catalog-orders file=openportal/team-a/WhoAmIApp/demo-app.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: WhoAmIApp
    /// metadata:
    ///   name: demo-app
    ///   namespace: team-a
    /// ```
    pub OspOrdPathLayout {
        id: "osp-ord-path-layout",
        category: Correctness,
        severity: Error,
        pack: OpenPortal,
    }
}

impl Rule for OspOrdPathLayout {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for d in ws.orders() {
            let p = ws.order_path(d);
            let rel = ws.rel(d);
            let at = d
                .root
                .path(&["metadata", "name"])
                .map(|n| d.span(n))
                .unwrap_or_else(|| d.head_span());
            let want = match ws.repo.orders {
                Some(crate::model::Layout::Namespaces) => "namespaces/<namespace>/<type>/<name>.yaml",
                _ => "<cluster>/<namespace>/<Kind>/<name>.yaml",
            };
            if !p.well_formed {
                out.report(
                    d.head_span(),
                    format!("{code0} is not {code1}", code0 = code(&rel), code1 = code(&want)),
                )
                .help("move the order to the standard path");
                continue;
            }
            if !rel.ends_with(".yaml") {
                out.report(
                    d.head_span(),
                    format!("{code0} must end in `.yaml`", code0 = code(&rel)),
                );
            }
            if let Some(t) = p.type_folder {
                let ok = match ws.repo.orders {
                    Some(crate::model::Layout::Namespaces) => {
                        t == d.kind
                            || t == crate::rules::util::plural(&d.kind)
                            || t == crate::rules::util::kebab_plural(&d.kind)
                    }
                    _ => t == d.kind,
                };
                if !ok && !d.kind.is_empty() {
                    let namespaces = ws.repo.orders == Some(crate::model::Layout::Namespaces);
                    let want = if namespaces {
                        crate::rules::util::kebab_plural(&d.kind)
                    } else {
                        d.kind.clone()
                    };
                    out.report(
                        d.kind_span(),
                        format!(
                            "the {code0} folder does not match {code1}",
                            code0 = code(&format!("{t}/")),
                            code1 = code(&format!("kind: {}", d.kind))
                        ),
                    )
                    .help(folder_help(ws, d, t, &want, namespaces));
                }
            }
            // `trim_end_matches` of each suffix, without a substring searcher per order.
            let mut stem = p.file;
            while let Some(s) = stem.strip_suffix(".yaml") {
                stem = s;
            }
            while let Some(s) = stem.strip_suffix(".yml") {
                stem = s;
            }
            if let Some(name) = d.name() {
                if stem != name {
                    out.report(
                        at,
                        format!(
                            "the file is {code0} but the order is named {code1}",
                            code0 = code(&p.file),
                            code1 = code(&name)
                        ),
                    )
                    .help(format!("name the file {code0}", code0 = code(&format!("{name}.yaml"))));
                }
            }
        }
    }
}

/// What to do about an order whose folder `t` is not its kind's folder `want`. When no XRD
/// defines the order's kind and the folder names a kind an XRD defines, or is close to the
/// kind's folder, the kind is the likely typo: the help says to fix `kind:`, never to move the
/// order to the folder of a kind that does not exist (`x-xr-kind-has-xrd` reports that kind).
fn folder_help(ws: &Workspace, d: &crate::model::Doc, t: &str, want: &str, namespaces: bool) -> String {
    let defines = |kind: &str| {
        !crate::model::by_group_kind(&ws.index.xrd_by_gk, d.group(), kind).is_empty()
            || !crate::model::by_group_kind(&ws.index.claim_by_gk, d.group(), kind).is_empty()
    };
    if defines(&d.kind) {
        return format!("put it under {code0}", code0 = code(&format!("{want}/")));
    }
    let folder_kind = !namespaces && defines(t);
    if folder_kind {
        return format!(
            "no XRD defines {code0}; the folder's kind {code1} is defined: set {code2}",
            code0 = code(&format!("kind: {}", d.kind)),
            code1 = code(&t),
            code2 = code(&format!("kind: {t}"))
        );
    }
    if crate::parse::text::suggest(want, [t]).is_some() {
        return if namespaces {
            format!(
                "{code0} is close to the folder {code1} and no XRD defines it: if the kind is a typo, fix `kind:`",
                code0 = code(&format!("kind: {}", d.kind)),
                code1 = code(&format!("{t}/"))
            )
        } else {
            format!(
                "{code0} is close to the folder {code1} and no XRD defines it: if the kind is a typo, set {code2}",
                code0 = code(&format!("kind: {}", d.kind)),
                code1 = code(&format!("{t}/")),
                code2 = code(&format!("kind: {t}"))
            )
        };
    }
    format!("put it under {code0}", code0 = code(&format!("{want}/")))
}
