use crate::model::Workspace;
use crate::parse::text::code;
use crate::rules::{Rule, Sink};
use regex::Regex;
use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// Checks that a golden-path parameter's `default` satisfies the parameter's own schema: its
    /// `pattern`, its `allowed_values`, `min`/`max` for an int, the boolean literals (`true`,
    /// `false`, `yes`, `no`, `1`, `0`, `on`, `off`) for a bool, and `<number><unit>` with units
    /// `s`, `m`, `h`, `d`, `w` for a duration.
    ///
    /// ## Why is this bad?
    /// The parameter validator rejects the default: a user who keeps it cannot start the golden
    /// path.
    ///
    /// ## Example
    /// ```yaml fixture=fail/platform file=goldenpaths.yaml
    /// goldenpaths:
    ///   db-setup:
    ///     workflow: ./workflows/platform/security-scan.yaml
    ///     description: x
    ///     parameters:
    ///       replicas:
    ///         type: int
    ///         default: "0"
    ///         min: 1
    ///       name:
    ///         type: string
    ///         pattern: '^[a-z]+$'
    ///         default: Team-A
    /// ```
    ///
    /// Use instead: `default: 1`.
    pub InnGpDefaultValid {
        id: "inn-gp-default-valid",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

const BOOLS: &[&str] = &["true", "false", "yes", "no", "1", "0", "on", "off"];

fn duration(s: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$").expect("static regex"))
        .is_match(s)
}

/// Why `default` does not satisfy the parameter, if it does not.
fn problem(param: &crate::parse::yaml::Node, default: &str) -> Option<String> {
    let ty = param.str_at(&["type"]).unwrap_or("string");
    if let Some(p) = param.str_at(&["pattern"]) {
        if Regex::new(p).is_ok_and(|re| !re.is_match(default)) {
            return Some(format!(
                "{code0} does not match the pattern {code1}",
                code0 = code(&default),
                code1 = code(&p)
            ));
        }
    }
    if let Some(allowed) = param.get("allowed_values").and_then(|a| a.as_seq()) {
        let values: Vec<String> = allowed.iter().filter_map(|a| a.scalar_text()).collect();
        if !values.is_empty() && !values.iter().any(|v| v == default) {
            return Some(format!(
                "{code0} is not one of the allowed values ({})",
                values.join(", "),
                code0 = code(&default)
            ));
        }
    }
    match ty {
        "int" | "integer" => {
            let Ok(n) = default.trim().parse::<i64>() else {
                return Some(format!("{code0} is not an integer", code0 = code(&default)));
            };
            if let Some(min) = param.get("min").and_then(|m| m.as_i64()).filter(|m| n < *m) {
                return Some(format!("{n} is below the minimum {min}"));
            }
            if let Some(max) = param.get("max").and_then(|m| m.as_i64()).filter(|m| n > *m) {
                return Some(format!("{n} is above the maximum {max}"));
            }
            None
        }
        "bool" | "boolean" if !BOOLS.contains(&default.to_ascii_lowercase().as_str()) => Some(format!(
            "{code0} is not a boolean ({})",
            BOOLS.join(", "),
            code0 = code(&default)
        )),
        "duration" if !duration(default) => Some(format!(
            "{code0} is not a duration such as `30m`, `2h` or `7d`",
            code0 = code(&default)
        )),
        _ => None,
    }
}

impl Rule for InnGpDefaultValid {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (doc, p) in ws.golden_path_parameters() {
            let Some(node) = p.value.get("default") else { continue };
            let Some(default) = node.scalar_text() else { continue };
            if let Some(why) = problem(&p.value, &default) {
                out.report(
                    doc.span(node),
                    format!("the default of {code0} is invalid: {why}", code0 = code(&p.key)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert!(super::duration("30m") && super::duration("7d") && super::duration("1h30m"));
        assert!(!super::duration("30 minutes") && !super::duration("m"));
    }
}
