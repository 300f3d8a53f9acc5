//! The vendored Crossplane CRDs (`schemas/crossplane/`), embedded in the binary and parsed on
//! first use only.

use crate::parse::yaml::{self, Node};
use std::sync::OnceLock;

const SOURCES: &[&str] = &[
    include_str!("../../schemas/crossplane/apiextensions.crossplane.io_compositeresourcedefinitions.yaml"),
    include_str!("../../schemas/crossplane/apiextensions.crossplane.io_compositions.yaml"),
    include_str!("../../schemas/crossplane/apiextensions.crossplane.io_environmentconfigs.yaml"),
    include_str!("../../schemas/crossplane/meta.pkg.crossplane.io_configurations.yaml"),
    include_str!("../../schemas/crossplane/pkg.crossplane.io_configurations.yaml"),
    include_str!("../../schemas/crossplane/pkg.crossplane.io_functions.yaml"),
    include_str!("../../schemas/crossplane/pkg.crossplane.io_providers.yaml"),
];

/// One CRD: group, kind, and its versions with their schemas.
#[derive(Debug)]
pub struct Crd {
    /// `spec.group`.
    pub group: String,
    /// `spec.names.kind`.
    pub kind: String,
    /// (version name, served, schema).
    pub versions: Vec<(String, bool, Node)>,
}

/// All vendored CRDs.
pub fn all() -> &'static [Crd] {
    static CRDS: OnceLock<Vec<Crd>> = OnceLock::new();
    CRDS.get_or_init(|| {
        SOURCES
            .iter()
            .flat_map(|src| yaml::parse(src).docs)
            .filter_map(|d| {
                let spec = d.root.get("spec")?;
                let group = spec.get("group")?.as_str()?.to_string();
                let kind = spec.path(&["names", "kind"])?.as_str()?.to_string();
                let versions = spec
                    .get("versions")?
                    .as_seq()?
                    .iter()
                    .filter_map(|v| {
                        Some((
                            v.get("name")?.as_str()?.to_string(),
                            v.get("served").and_then(Node::as_bool).unwrap_or(false),
                            v.path(&["schema", "openAPIV3Schema"])?.clone(),
                        ))
                    })
                    .collect();
                Some(Crd { group, kind, versions })
            })
            .collect()
    })
}

/// The CRD for `group`/`kind`.
pub fn find(group: &str, kind: &str) -> Option<&'static Crd> {
    all().iter().find(|c| c.group == group && c.kind == kind)
}
