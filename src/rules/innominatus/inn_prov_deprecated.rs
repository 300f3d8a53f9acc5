use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Flags `provisioners[]` and `goldenpaths[]` in a provider manifest.
    ///
    /// ## Why is this bad?
    /// Both are deprecated in the SDK (`pkg/sdk/provider.go`); `workflows[]` with a `category`
    /// (`provisioner` or `goldenpath`) replaces them.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=providers/db-team/provider.yaml
    ///   - name: delete-postgres
    ///     file: ./workflows/delete-postgres.yaml
    ///     category: provisioner
    ///     operation: delete
    /// provisioners:
    ///   - name: postgres
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=providers/db-team/provider.yaml
    /// workflows:
    ///   - name: provision-postgres
    ///     file: ./workflows/provision-postgres.yaml
    ///     category: provisioner
    ///     operation: create
    /// ```
    pub InnProvDeprecated {
        id: "inn-prov-deprecated",
        category: Style,
        severity: Warning,
        pack: Innominatus,
    }
}

impl Rule for InnProvDeprecated {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_providers() {
            for e in doc.root.as_map().unwrap_or(&[]) {
                if e.key == "provisioners" || e.key == "goldenpaths" {
                    let category = if e.key == "provisioners" {
                        "provisioner"
                    } else {
                        "goldenpath"
                    };
                    out.report(doc.key_span(e), format!("{code0} is deprecated", code0 = code(&e.key)))
                        .help(format!(
                            "list them under `workflows[]` with {code0}",
                            code0 = code(&format!("category: {category}"))
                        ));
                }
            }
        }
    }
}
