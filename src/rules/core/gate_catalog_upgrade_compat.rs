use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// When a catalog PR (`--base`) bumps a package whose template repository is configured
    /// (`catalog.packages`), reads the XRDs at the old and the new tag, classifies the change, and
    /// re-validates every existing order of that kind (`--orders PATH|git+file://…@ref`) against
    /// the new schema. Each order that stops validating is an error naming the order and the field;
    /// immutable and breaking changes are reported even when no order breaks.
    ///
    /// ## Why is this bad?
    /// Merging the bump upgrades the XRD in every cluster; orders that were valid are then rejected
    /// on their next reconcile, and Flux stops syncing the orders repository.
    ///
    /// ## Example
    /// The catalog PR bumps `template-dns-record` from v1.0.0 to v1.1.0:
    /// ```yaml fixture=fail/removes-used-field file=head/templates/template-dns-record.yaml
    /// spec:
    ///   package: ghcr.io/open-service-portal/template-dns-record:v1.1.0
    /// ```
    /// The v1.1.0 XRD drops `spec.proxied`, which an existing order still sets:
    /// ```yaml fixture=fail/removes-used-field file=orders/namespaces/team-alpha/dns-records/api-dns.yaml
    /// spec:
    ///   name: api
    ///   value: 10.0.0.1
    ///   proxied: true
    /// ```
    ///
    /// Use instead: a v1.1.0 that keeps the fields the orders use and only adds (release a removal
    /// as a new major version, after migrating the orders).
    /// ```yaml fixture=pass/compatible-bump file=template/v1.1.0/configuration/xrd.yaml
    /// properties:
    ///   name: {type: string}
    ///   value: {type: string}
    ///   proxied: {type: boolean}
    ///   ttl: {type: integer}
    /// ```
    pub GateCatalogUpgradeCompat {
        id: "gate-catalog-upgrade-compat",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for GateCatalogUpgradeCompat {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        use crate::model::compat::{classify, ChangeClass};
        let Some(pr) = ws.pr.as_ref() else { return };
        let orders: Vec<&crate::model::Doc> = match &pr.orders_label {
            Some(l) => ws
                .external
                .iter()
                .filter(|d| {
                    ws.sources.get(d.file).rel.starts_with(&format!("{l}/")) || ws.sources.get(d.file).rel == *l
                })
                .collect(),
            None => Vec::new(),
        };
        for p in &pr.packages {
            let (Some(old_tag), Some(old_label)) = (&p.old_tag, &p.old_label) else {
                continue;
            };
            let Some(entry) = ws.docs_in(&p.entry).find(|d| d.class == crate::model::Class::PkgObject) else {
                continue;
            };
            let at = entry
                .root
                .path(&["spec", "package"])
                .map(|n| entry.span(n))
                .unwrap_or_else(|| entry.head_span());
            let in_label = |d: &crate::model::Doc, l: &str| ws.sources.get(d.file).rel.starts_with(&format!("{l}/"));
            for new in ws
                .external
                .iter()
                .filter(|d| d.class == crate::model::Class::Xrd && in_label(d, &p.new_label))
            {
                let nx = crate::model::Xrd(new);
                let Some(old) = ws
                    .base_docs
                    .iter()
                    .filter(|d| d.class == crate::model::Class::Xrd && in_label(d, old_label))
                    .find(|d| {
                        let ox = crate::model::Xrd(d);
                        ox.group() == nx.group() && ox.kind() == nx.kind()
                    })
                else {
                    continue;
                };
                for c in classify(crate::model::Xrd(old), nx)
                    .into_iter()
                    .filter(|c| c.class >= ChangeClass::Breaking)
                {
                    let d = out.report(at, format!("{old_tag} → {}: {}", p.tag, c.message));
                    if let Some(n) = c.new {
                        d.label(n, "new version");
                    }
                }
                let Some(schema_node) = nx.main_schema() else { continue };
                let (g, k) = (nx.group().unwrap_or(""), nx.kind().unwrap_or(""));
                for o in orders.iter().filter(|o| o.group() == g && o.kind == k) {
                    let allow: &[&str] = &["spec.crossplane", "status"];
                    let opts = crate::schema::Options {
                        allow_unknown_under: allow,
                        max_steps: ws.options.limits.schema_steps,
                        ..crate::schema::Options::default()
                    };
                    let head = o.head_span();
                    for e in crate::schema::validate(schema_node, &o.root, (head.start, head.end), &opts) {
                        let who = format!(
                            "{}/{}",
                            o.root.str_at(&["metadata", "namespace"]).unwrap_or("-"),
                            o.name().unwrap_or("?")
                        );
                        out.report(
                            at,
                            format!(
                                "the order {code0} stops validating on {}: {}",
                                p.tag,
                                e.message,
                                code0 = code(&who)
                            ),
                        )
                        .label(crate::parse::source::Span::new(o.file, e.start, e.end), "in this order")
                        .help("migrate the orders first, or release the change as a new major version");
                    }
                }
            }
        }
    }
}
