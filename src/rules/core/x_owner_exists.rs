use crate::model::backstage::EntityRef;
use crate::model::Class;
use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the owners the platform's other objects name for Backstage: an XRD's
    /// `backstage.io/owner` annotation and an order's owner annotation
    /// (`terasky.backstage.io/owner`, `backstage.io/owner`, or the policy's `owner-annotations`)
    /// must resolve to a Group or User of the org catalog: the Backstage entities among the checked
    /// files and `backstage.known-entities`. Checked when that catalog knows Groups; the owners of
    /// Backstage entities themselves are `bs-ref-resolves`'s.
    ///
    /// ## Why is this bad?
    /// The ingestor and the order plugin copy the owner into the generated template and entity:
    /// a typo shows as an unknown owner, and ownership-based permissions and views miss it.
    ///
    /// ## Example
    /// The org catalog (`org.yaml`) has the Group `platform-team`:
    /// ```yaml fixture=fail/typo file=xrd.yaml
    /// metadata:
    ///   name: dnsrecords.openportal.dev
    ///   annotations:
    ///     backstage.io/owner: platfrom-team
    /// ```
    ///
    /// Use instead: `backstage.io/owner: platform-team`.
    pub XOwnerExists {
        id: "x-owner-exists",
        category: Suspicious,
        severity: Warning,
        pack: Core,
    }
}

impl Rule for XOwnerExists {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        if !ws.knows_kind("Group") {
            return;
        }
        let annotations = &ws.options.owner_annotations;
        // Group and User names, for suggestions; built once.
        let owners: Vec<&str> = ws
            .entities()
            .filter(|d| d.kind == "Group" || d.kind == "User")
            .filter_map(|d| d.name())
            .collect();
        for doc in ws.docs.iter().filter(|d| d.class == Class::Xrd || d.order) {
            for key in annotations.iter().map(String::as_str).chain(["backstage.io/owner"]) {
                let Some(node) = doc.annotation(key) else { continue };
                let Some(owner) = node
                    .as_str()
                    .filter(|o| !o.is_empty() && !crate::rules::util::is_templated(o))
                else {
                    continue;
                };
                let r = EntityRef::parse(owner);
                if r.problem().is_some() {
                    continue;
                }
                let key_ref = r.key("Group", "default");
                if ws.resolves(&key_ref) || (r.kind.is_none() && ws.resolves(&r.key("User", "default"))) {
                    continue;
                }
                let d = out.report(
                    doc.span(node),
                    format!(
                        "owner {code0} is not a Group or User of the catalog",
                        code0 = code(&owner)
                    ),
                );
                match crate::parse::text::suggest(r.name, owners.iter().copied()) {
                    Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                    None => d.help("define the group, or list it under `backstage.known-entities`"),
                };
                break;
            }
        }
    }
}
