use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks owner parameters (named `owner` or ending in `Owner`): they should use
    /// `ui:field: OwnerPicker` (or `EntityPicker`), restricted to groups with
    /// `ui:options.catalogFilter` or `allowedKinds`.
    ///
    /// ## Why is this bad?
    /// A free-text owner is a typo waiting to happen (`platfrom-team`): the component is created
    /// with an owner that does not exist.
    ///
    /// ## Example
    /// ```yaml fixture=fail/free-text.yaml
    /// owner:
    ///   type: string
    /// teamOwner:
    ///   type: string
    ///   ui:field: OwnerPicker
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/picker.yaml
    /// owner:
    ///   type: string
    ///   ui:field: OwnerPicker
    ///   ui:options:
    ///     catalogFilter:
    ///       kind: Group
    /// ```
    pub BsTplOwnerPicker {
        id: "bs-tpl-owner-picker",
        category: Style,
        severity: Warning,
        pack: Backstage,
        reach: Shared,
    }
}

impl Rule for BsTplOwnerPicker {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for t in ws.templates() {
            for (name, schema) in t.parameters() {
                if name != "owner" && !name.ends_with("Owner") {
                    continue;
                }
                let field = schema.get("ui:field").and_then(|f| f.as_str());
                match field {
                    Some("OwnerPicker" | "EntityPicker" | "MyGroupsPicker") => {
                        let options = schema.get("ui:options");
                        let restricted = options
                            .is_some_and(|o| o.get("catalogFilter").is_some() || o.get("allowedKinds").is_some());
                        if !restricted && field != Some("MyGroupsPicker") {
                            out.report(
                                t.0.span(schema.get("ui:field").unwrap_or(schema)),
                                format!(
                                    "owner parameter {code0} does not restrict the kinds it offers",
                                    code0 = code(&name)
                                ),
                            )
                            .help("add `ui:options: {catalogFilter: {kind: Group}}` (or `allowedKinds: [Group]`)");
                        }
                    }
                    _ if schema.get("enum").is_some() || schema.get("const").is_some() => {}
                    _ => {
                        out.report(
                            t.0.span(schema),
                            format!("owner parameter {code0} is free text", code0 = code(&name)),
                        )
                        .help("use `ui:field: OwnerPicker` with `ui:options: {catalogFilter: {kind: Group}}`");
                    }
                }
            }
        }
    }
}
