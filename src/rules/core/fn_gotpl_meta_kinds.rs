use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

const META_KINDS: &[&str] = &[
    "ClaimConditions",
    "CompositeConnectionDetails",
    "Context",
    "ExtraResources",
];

crate::declare_rule! {
    /// ## What it does
    /// Checks rendered `meta.gotemplating.fn.crossplane.io/v1alpha1` documents: their kind is
    /// `ClaimConditions`, `CompositeConnectionDetails`, `Context` or `ExtraResources`. It also flags
    /// `meta.crossplane.io/v1alpha1` `CompositeResourceStatus`, a kind that does not exist
    /// (write the XR's status by rendering a document of the XR's own kind instead).
    ///
    /// ## Why is this bad?
    /// The function rejects unknown meta kinds, or the document is treated as a composed
    /// resource of a type no API server serves.
    ///
    /// ## Example
    /// ```yaml fixture=fail/status file=composition.yaml
    /// apiVersion: meta.crossplane.io/v1alpha1
    /// kind: CompositeResourceStatus
    /// ---
    /// apiVersion: meta.gotemplating.fn.crossplane.io/v1alpha1
    /// kind: Status
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/repo file=composition.yaml
    /// apiVersion: meta.gotemplating.fn.crossplane.io/v1alpha1
    /// kind: Context
    /// ```
    pub FnGotplMetaKinds {
        id: "fn-gotpl-meta-kinds",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnGotplMetaKinds {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            for r in ws.composed(&c) {
                let (Some(group), Some(kind)) = (r.group(), r.kind()) else {
                    continue;
                };
                if group == "meta.gotemplating.fn.crossplane.io" && !META_KINDS.contains(&kind) {
                    out.report(
                        r.head_span(),
                        format!("{code0} is not a function-go-templating meta kind", code0 = code(&kind)),
                    )
                    .help(format!("use {}", crate::parse::text::list(META_KINDS, 4)));
                } else if group == "meta.crossplane.io" && kind == "CompositeResourceStatus" {
                    out.report(r.head_span(), "`meta.crossplane.io` `CompositeResourceStatus` does not exist")
                        .help("to update the XR's status, render a document of the XR's own apiVersion and kind with a `status:` block");
                }
            }
        }
    }
}
