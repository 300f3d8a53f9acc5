use crate::model::Workspace;
use crate::parse::text::code;
use crate::parse::yaml::Node;
use crate::rules::util::PtInput;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks a function-patch-and-transform input (`pt.fn.crossplane.io/v1beta1`
    /// `Resources`): it has at least one `resources` entry or `environment.patches` entry;
    /// every resource has a unique `name`; every patch set has a `name`.
    ///
    /// ## Why is this bad?
    /// The function rejects the input ("invalid Function input"); resource names key the
    /// composed resources, so a duplicate overwrites the other resource.
    ///
    /// ## Example
    /// ```yaml fixture=fail/names.yaml
    /// input:
    ///   apiVersion: pt.fn.crossplane.io/v1beta1
    ///   kind: Resources
    ///   patchSets:
    ///   - patches: []
    ///   resources:
    ///   - base: {apiVersion: s3.aws.upbound.io/v1beta1, kind: Bucket}
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/complete.yaml
    /// resources:
    /// - name: bucket
    ///   base:
    ///     apiVersion: s3.aws.upbound.io/v1beta1
    ///     kind: Bucket
    /// ```
    pub FnPtResources {
        id: "fn-pt-resources",
        category: Correctness,
        severity: Error,
        pack: Core,
        reach: Shared,
    }
}

impl Rule for FnPtResources {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for pt in PtInput::all(ws) {
            let doc = pt.doc;
            let resources = pt.list("resources");
            let env = pt
                .input
                .path(&["environment", "patches"])
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            if resources.is_empty() && env.is_empty() {
                out.report(
                    doc.span(pt.input),
                    "patch-and-transform input has no `resources` and no `environment.patches`",
                );
            }
            for (i, r) in resources.iter().enumerate() {
                match r.get("name").and_then(Node::as_str) {
                    None => {
                        out.report(doc.span(r), "resource has no `name`")
                            .help("every composed resource needs a unique name");
                    }
                    Some(n) => {
                        if let Some(first) = resources[..i]
                            .iter()
                            .find(|o| o.get("name").and_then(Node::as_str) == Some(n))
                        {
                            out.report(
                                doc.span(r.get("name").unwrap_or(r)),
                                format!("resource name {code0} is used twice", code0 = code(&n)),
                            )
                            .label(doc.span(first.get("name").unwrap_or(first)), "first used here");
                        }
                    }
                }
            }
            for set in pt.list("patchSets") {
                if set.get("name").is_none() {
                    out.report(doc.span(set), "patch set has no `name`");
                }
            }
        }
    }
}
