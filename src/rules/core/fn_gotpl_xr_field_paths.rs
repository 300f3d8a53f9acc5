use crate::model::Workspace;
use crate::rules::core::x_fieldpath_in_schema::{report_missing, template_uses};
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that every composite-resource path a function-go-templating template reads
    /// exists in the XRD schema: `.observed.composite.resource.spec.<a>.<b>`, `$xr.spec.<a>`
    /// after `$xr := .observed.composite.resource` (and aliases of sub-paths such as
    /// `$spec := .observed.composite.resource.spec`), `index … "a"` and `dig "spec" "a" … $xr`.
    /// An unknown segment directly under `spec`/`status` is an error, a deeper one a warning.
    /// (`x-fieldpath-in-schema` covers the same paths plus patch-and-transform; when both run,
    /// this more specific finding is the one reported.)
    ///
    /// ## Why is this bad?
    /// Go templates render `<no value>` for a missing field, so a typo silently produces a
    /// broken resource.
    ///
    /// ## Example
    /// The XRD's spec has `replicas` and `image`:
    /// ```yaml fixture=fail/typo file=composition.yaml
    /// template: |
    ///   {{- $spec := .observed.composite.resource.spec }}
    ///   replicas: {{ $spec.replica }}
    ///   image: {{ index .observed.composite.resource.spec "imag" }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/repo file=composition.yaml
    /// template: |
    ///   {{- $xr := .observed.composite.resource }}
    ///   apiVersion: v1
    ///   kind: ConfigMap
    ///   metadata:
    ///     name: {{ $xr.metadata.name }}
    ///     annotations:
    ///       gotemplating.fn.crossplane.io/composition-resource-name: config
    ///       gotemplating.fn.crossplane.io/ready: "True"
    ///   data:
    ///     replicas: "{{ $xr.spec.replicas }}"
    /// ```
    pub FnGotplXrFieldPaths {
        id: "fn-gotpl-xr-field-paths",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnGotplXrFieldPaths {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for c in ws.compositions() {
            report_missing(ws, &c, template_uses(ws, &c), out);
        }
    }
}
