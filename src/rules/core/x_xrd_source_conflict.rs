use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags two XRD sources (`--xrds`, config `xrds:`, the repository itself) that define the same
    /// group and kind differently. portalint does not pick one silently.
    ///
    /// ## Why is this bad?
    /// Orders would be validated against whichever definition happened to load first, so the
    /// verdict would depend on the order of the sources.
    ///
    /// ## Example
    /// The case's config adds `fixtures/_xrds/whoami-xrd.yaml` as an XRD source (`xrds:`); it
    /// defines WhoAmIApp with at most 3 replicas, while the repository's own `xrd.yaml` says:
    /// ```yaml fixture=fail/repo file=xrd.yaml
    /// replicas:
    ///   type: integer
    ///   description: Number of replicas
    ///   default: 1
    ///   minimum: 1
    ///   maximum: 5
    /// ```
    ///
    /// Use instead: one source per XRD, or identical definitions.
    /// ```yaml fixture=pass/repo file=xrd.yaml
    /// replicas:
    ///   type: integer
    ///   description: Number of replicas
    ///   default: 1
    ///   minimum: 1
    ///   maximum: 3
    /// ```
    pub XXrdSourceConflict {
        id: "x-xrd-source-conflict",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for XXrdSourceConflict {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        // (document, from a source): the repository's own XRDs never conflict with each other
        // here (other rules judge them); a source disagreeing with another source or with the
        // repository does.
        let all: Vec<(&crate::model::Doc, bool)> = ws
            .docs
            .iter()
            .map(|d| (d, false))
            .chain(ws.external.iter().map(|d| (d, true)))
            .filter(|(d, _)| d.class == crate::model::Class::Xrd)
            .collect();
        let mut first: std::collections::HashMap<(String, String), (&crate::model::Doc, bool)> = Default::default();
        for (d, external) in all {
            let x = crate::model::Xrd(d);
            let (Some(g), Some(k)) = (x.group(), x.kind()) else {
                continue;
            };
            match first.get(&(g.to_string(), k.to_string())) {
                None => {
                    first.insert((g.to_string(), k.to_string()), (d, external));
                }
                Some(&(prev, prev_external)) => {
                    if !external && !prev_external {
                        continue;
                    }
                    let (a, b) = (prev.spec(), d.spec());
                    let same = match (a, b) {
                        (Some(a), Some(b)) => a.same_as(b),
                        _ => false,
                    };
                    let prev_source = ws.sources.get(prev.file).rel.split('/').next().unwrap_or("");
                    let this_source = ws.sources.get(d.file).rel.split('/').next().unwrap_or("");
                    if !same && prev_source != this_source {
                        // Point at the repository's own definition when it is one of the two.
                        let (primary, other) = if prev_external { (d, prev) } else { (prev, d) };
                        out.report(
                            crate::model::Xrd(primary).name_span(),
                            format!("{code0} ({g}) is defined differently by two sources", code0 = code(&k)),
                        )
                        .label(crate::model::Xrd(other).name_span(), "the other definition")
                        .help("pass one source per template, or make them agree");
                    }
                }
            }
        }
    }
}
