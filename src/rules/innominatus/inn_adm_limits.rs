use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the limits of `workflowPolicies` in `admin-config.yaml`: `maxWorkflowDuration` parses
    /// as a Go duration (`30m`, `1h30m`), `maxConcurrentWorkflows` and `maxStepsPerWorkflow` are
    /// integers greater than 0.
    ///
    /// ## Why is this bad?
    /// The server fails to parse the config, or a limit of 0 blocks every workflow.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// workflowPolicies:
    ///   workflowsRoot: ./workflows
    ///   requiredPlatformWorkflows:
    ///     - security-scan
    ///   allowedProductWorkflows:
    ///     - shop/database-setup
    ///   maxWorkflowDuration: 30 minutes
    ///   maxConcurrentWorkflows: 0
    ///   maxStepsPerWorkflow: 3
    /// ```
    ///
    /// Use instead: `maxWorkflowDuration: 30m`.
    pub InnAdmLimits {
        id: "inn-adm-limits",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

/// A Go `time.ParseDuration` string: a sequence of decimal numbers with units.
fn go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    let mut rest = s;
    let mut parts = 0;
    while !rest.is_empty() {
        let num = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        if num == 0 {
            return false;
        }
        rest = &rest[num..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .iter()
            .filter(|u| rest.starts_with(**u))
            .max_by_key(|u| u.len());
        let Some(unit) = unit else { return false };
        rest = &rest[unit.len()..];
        parts += 1;
    }
    parts > 0
}

impl Rule for InnAdmLimits {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        let Some(p) = doc.root.get("workflowPolicies") else {
            return;
        };
        if let Some(n) = p.get("maxWorkflowDuration") {
            let s = n.scalar_text().unwrap_or_default();
            if !go_duration(&s) {
                out.report(doc.span(n), format!("{code0} is not a Go duration", code0 = code(&s)))
                    .help("write it like `30m`, `2h` or `1h30m`");
            }
        }
        for key in ["maxConcurrentWorkflows", "maxStepsPerWorkflow"] {
            let Some(n) = p.get(key) else { continue };
            if n.as_i64().is_none_or(|v| v <= 0) {
                out.report(
                    doc.span(n),
                    format!("{code0} must be an integer greater than 0", code0 = code(&key)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        for ok in ["30m", "1h30m", "1.5h", "0", "300ms", "2h45m0s"] {
            assert!(super::go_duration(ok), "{ok}");
        }
        for bad in ["30 minutes", "", "m", "30", "1d"] {
            assert!(!super::go_duration(bad), "{bad}");
        }
    }
}
