use crate::model::Workspace;
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
            let at = d.root.path(&["metadata", "name"]).map(|n| d.span(n)).unwrap_or_else(|| d.head_span());
            let want = match ws.repo.orders {
                Some(crate::model::Layout::Namespaces) => "namespaces/<namespace>/<type>/<name>.yaml",
                _ => "<cluster>/<namespace>/<Kind>/<name>.yaml",
            };
            if !p.well_formed {
                out.report(d.head_span(), format!("`{rel}` is not `{want}`")).help("move the order to the standard path");
                continue;
            }
            if !rel.ends_with(".yaml") {
                out.report(d.head_span(), format!("`{rel}` must end in `.yaml`"));
            }
            if let Some(t) = p.type_folder {
                let ok = match ws.repo.orders {
                    Some(crate::model::Layout::Namespaces) => {
                        t == d.kind || t == crate::rules::util::plural(&d.kind) || t == crate::rules::util::kebab_plural(&d.kind)
                    }
                    _ => t == d.kind,
                };
                if !ok && !d.kind.is_empty() {
                    let namespaces = ws.repo.orders == Some(crate::model::Layout::Namespaces);
                    let want = if namespaces { crate::rules::util::kebab_plural(&d.kind) } else { d.kind.clone() };
                    out.report(d.kind_span(), format!("the `{t}/` folder does not match `kind: {}`", d.kind))
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
                    out.report(at, format!("the file is `{}` but the order is named `{name}`", p.file)).help(format!("name the file `{name}.yaml`"));
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
        return format!("put it under `{want}/`");
    }
    let folder_kind = !namespaces && defines(t);
    if folder_kind {
        return format!("no XRD defines `kind: {}`; the folder's kind `{t}` is defined: set `kind: {t}`", d.kind);
    }
    if crate::parse::text::suggest(want, [t]).is_some() {
        return if namespaces {
            format!("`kind: {}` is close to the folder `{t}/` and no XRD defines it: if the kind is a typo, fix `kind:`", d.kind)
        } else {
            format!("`kind: {}` is close to the folder `{t}/` and no XRD defines it: if the kind is a typo, set `kind: {t}`", d.kind)
        };
    }
    format!("put it under `{want}/`")
}
