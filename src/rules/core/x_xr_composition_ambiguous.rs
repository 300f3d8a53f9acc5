use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags a composite resource (an order or an example) that chooses no Composition (no
    /// `compositionRef`, no `compositionSelector`) while its XRD has no
    /// `defaultCompositionRef` or `enforcedCompositionRef` and several Compositions of the
    /// repository target its `apiVersion` and `kind`. Only the Compositions installed with it
    /// count: those of a folder holding it, of the package root, or of an XRD source (a
    /// repository of examples keeps one Composition per example folder).
    ///
    /// ## Why is this bad?
    /// Crossplane then lists the compatible Compositions and picks one at random
    /// (`APILabelSelectorResolver` in crossplane's `internal/controller/apiextensions/composite/api.go`):
    /// two XRs of the same spec may be composed differently, and which one an XR gets is
    /// decided only when it is created.
    ///
    /// ## Example
    /// The XRD has no `defaultCompositionRef`; the Compositions `dnsrecord-aws` and
    /// `dnsrecord-cloudflare` both target `openportal.dev/v1alpha1` `DNSRecord`:
    /// ```yaml fixture=fail/two-compositions file=examples/www.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: DNSRecord
    /// metadata:
    ///   name: www
    ///   namespace: demo
    /// spec:
    ///   name: www
    /// ```
    ///
    /// Use instead: name the Composition (or give the XRD a `defaultCompositionRef`).
    /// ```yaml fixture=pass/composition-ref file=examples/www.yaml
    /// apiVersion: openportal.dev/v1alpha1
    /// kind: DNSRecord
    /// metadata:
    ///   name: www
    ///   namespace: demo
    /// spec:
    ///   name: www
    ///   crossplane:
    ///     compositionRef:
    ///       name: dnsrecord-cloudflare
    /// ```
    pub XXrCompositionAmbiguous {
        id: "x-xr-composition-ambiguous",
        category: Suspicious,
        severity: Warning,
        pack: Core,
    }
}

/// At most this many Compositions are pointed at.
const SHOWN: usize = 3;

impl Rule for XXrCompositionAmbiguous {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        // The repository's own Compositions and those of the XRD sources.
        if ws.index.comp_by_type.values().all(|ids| ids.len() < 2) {
            return;
        }
        for d in ws.xr_candidates() {
            let Some((x, claim)) = ws.order_xrd(d) else { continue };
            // Crossplane v2 XRs hold the choice under `spec.crossplane`; v1 XRs and claims under `spec`.
            let chooses = [&["spec", "crossplane"][..], &["spec"][..]].iter().any(|at| {
                d.root.path(at).is_some_and(|s| {
                    s.get("compositionRef").is_some()
                        || s.get("compositionSelector").is_some()
                        || s.get("compositionRevisionRef").is_some()
                })
            });
            if chooses {
                continue;
            }
            let spec = x.spec();
            if ["defaultCompositionRef", "enforcedCompositionRef"]
                .iter()
                .any(|k| spec.and_then(|s| s.get(k)).is_some())
            {
                continue;
            }
            let (Some(group), Some(kind)) = (x.group(), x.kind()) else {
                continue;
            };
            // A claim's XR is created at the XRD's referenceable version.
            let version = if claim {
                match x.referenceable().and_then(|v| v.name) {
                    Some(v) => v,
                    None => continue,
                }
            } else {
                d.version()
            };
            // Only the Compositions that would be installed with this XR: those of a folder
            // holding it (a repository of examples keeps one Composition per example folder),
            // of the repository's package root, or of an XRD source.
            let here = ws.rel(d);
            let governs = |c: &crate::model::Composition<'_>| {
                if !ws.is_local(c.id) {
                    return true;
                }
                let rel = ws.rel(c.doc);
                let mut dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
                if dir
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| matches!(last, "configuration" | "apis" | "package" | "compositions"))
                {
                    dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
                }
                dir.is_empty() || here.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
            };
            let comps: Vec<_> = ws
                .compositions_for(group, kind)
                .filter(|c| c.type_gvk().is_some_and(|(_, v, _)| v == version))
                .filter(governs)
                .collect();
            // A cluster holds one Composition of a name (two sources giving the same one are one).
            let mut comps = comps;
            let mut seen = std::collections::HashSet::new();
            comps.retain(|c| seen.insert(c.name().unwrap_or_default()));
            if comps.len() < 2 {
                continue;
            }
            let names: Vec<&str> = comps.iter().filter_map(|c| c.name()).collect();
            let diag = out.report(
                d.kind_span(),
                format!(
                    "{code0} chooses no Composition and {} Compositions target {code1}: Crossplane picks one at random",
                    comps.len(),
                    code0 = code(&format!("{}/{}", d.kind, d.name().unwrap_or("?"))),
                    code1 = code(&format!("{group}/{version}"))
                ),
            );
            for c in comps.iter().take(SHOWN) {
                diag.label(
                    c.doc
                        .root
                        .path(&["metadata", "name"])
                        .map(|n| c.doc.span(n))
                        .unwrap_or_else(|| c.doc.head_span()),
                    "a Composition of this type",
                );
            }
            diag.label(x.name_span(), "the XRD sets no `defaultCompositionRef`")
                .help(format!(
                    "set `compositionRef.name` (one of {}) or `compositionSelector`, or give the XRD a `defaultCompositionRef`",
                    crate::parse::text::list(&names, SHOWN)
                ));
        }
    }
}
