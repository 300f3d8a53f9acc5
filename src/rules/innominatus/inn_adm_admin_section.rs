use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::diagnostic::Severity;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks the `admin:` section of `admin-config.yaml`: `defaultRuntime` is one of `kubernetes`,
    /// `docker`, `nomad`, `openshift`; `defaultCostCenter` is set (and should be kebab-case);
    /// `splunkIndex` should match `^[a-z][a-z0-9_-]*[a-z0-9]$`.
    ///
    /// ## Why is this bad?
    /// innominatus's admin validator rejects the config at start-up (runtime, cost centre) or warns
    /// (formats).
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=admin-config.yaml
    /// admin:
    ///   defaultRuntime: k8s
    ///   defaultCostCenter: Engineering_Dept
    ///   splunkIndex: Logs
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/platform file=admin-config.yaml
    /// admin:
    ///   defaultRuntime: kubernetes
    ///   defaultCostCenter: engineering
    ///   splunkIndex: orchestrator-logs
    /// ```
    pub InnAdmAdminSection {
        id: "inn-adm-admin-section",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

const RUNTIMES: &[&str] = &["kubernetes", "docker", "nomad", "openshift"];

fn kebab(s: &str) -> bool {
    crate::rules::util::is_dns1123_label(s)
}

impl Rule for InnAdmAdminSection {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        let Some(doc) = ws.admin_config() else { return };
        let Some(admin) = doc.root.get("admin").filter(|a| a.as_map().is_some()) else {
            out.report(doc.head_span(), "admin-config.yaml has no `admin:` section")
                .help("set `admin.defaultRuntime` and `admin.defaultCostCenter`");
            return;
        };
        match admin.get("defaultRuntime").map(|n| (n, n.as_str().unwrap_or(""))) {
            Some((n, rt)) if !RUNTIMES.contains(&rt) => {
                let d = out.report(
                    doc.span(n),
                    format!("{code0} is not a runtime innominatus supports", code0 = code(&rt)),
                );
                match crate::parse::text::suggest(rt, RUNTIMES.iter().copied())
                    .or((rt == "k8s").then_some("kubernetes"))
                {
                    Some(s) => d.help(format!("did you mean {code0}?", code0 = code(&s))),
                    None => d.help(format!("use one of {}", RUNTIMES.join(", "))),
                };
            }
            _ => {}
        }
        match admin.get("defaultCostCenter") {
            None => {
                out.report(
                    doc.span_of_key(&doc.root, "admin"),
                    "`admin.defaultCostCenter` is required",
                );
            }
            Some(n) if n.as_str().is_none_or(|s| s.is_empty()) => {
                out.report(doc.span(n), "`admin.defaultCostCenter` must be a non-empty string");
            }
            Some(n) if !n.as_str().is_some_and(kebab) => {
                out.report_with(
                    Severity::Warning,
                    doc.span(n),
                    "`admin.defaultCostCenter` should be kebab-case",
                );
            }
            Some(_) => {}
        }
        if let Some(n) = admin.get("splunkIndex") {
            let s = n.as_str().unwrap_or("");
            let ok = s.len() >= 2
                && s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if !ok {
                out.report_with(
                    Severity::Warning,
                    doc.span(n),
                    format!(
                        "splunk index {code0} should be lowercase letters, digits, `_` and `-`",
                        code0 = code(&s)
                    ),
                );
            }
        }
    }
}
