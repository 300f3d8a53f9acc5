//! The API server's CEL cost limits on a CRD's schema (at creation, from the estimates of
//! [`celcost`]) and on an object's evaluation (the runtime limits), with its messages
//! (apiextensions-apiserver `pkg/apis/apiextensions/validation/validation.go`,
//! `cel_validation.go`; k8s.io/apiserver `pkg/apis/cel/config.go`).

use crate::schema::celcost::{decl, estimate, max_cardinality, Decl};
use serde_json::Value as Json;

/// The runtime cost one evaluation of one expression may reach (`PerCallLimit`).
pub const PER_CALL_LIMIT: u64 = 1_000_000;
/// The runtime cost all rules together may reach on one object (`RuntimeCELCostBudget`).
pub const RUNTIME_COST_BUDGET: u64 = 10_000_000;
/// The largest estimated cost of one expression (`StaticEstimatedCostLimit`).
pub const STATIC_COST_LIMIT: u64 = 10_000_000;
/// The largest estimated cost of all expressions of one schema (`StaticEstimatedCRDCostLimit`).
pub const STATIC_CRD_COST_LIMIT: u64 = 100_000_000;

fn int(s: &Json, k: &str) -> Option<u64> {
    let v = s.get(k)?;
    v.as_u64()
        .or_else(|| v.as_i64().map(|_| 0))
        .or_else(|| v.as_f64().map(|f| f.max(0.0) as u64))
}

/// `cost * cardinality`, saturating (`multiplyWithOverflowGuard`).
pub fn times(cost: u64, cardinality: u64) -> u64 {
    if cost == 0 {
        0
    } else {
        cost.saturating_mul(cardinality)
    }
}

/// The API server's message for a cost over its limit (`getCostErrorMessage`).
pub fn over_budget(what: &str, cost: u64, limit: u64) -> String {
    let f = cost as f64 / limit as f64;
    let factor = if f > 100.0 {
        "more than 100x".to_string()
    } else if f < 1.5 {
        format!("{f:.6}x")
    } else {
        format!("{f:.1}x")
    };
    format!(
        "{what} exceeds budget by factor of {factor} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)"
    )
}

/// A cost limit a schema's rules go over, at the rule (`rule` or `messageExpression` value)
/// or, for the per-schema total, at no node (the schema root).
#[derive(Debug, Clone)]
pub struct CostProblem<'n> {
    /// The `rule` or `messageExpression` node; `None` for the schema's total.
    pub at: Option<&'n crate::parse::yaml::Node>,
    /// Dotted path of the node the rule is on (`spec.items[]`).
    pub field_path: String,
    /// The API server's path of the field in error, under `openAPIV3Schema`
    /// (`properties[spec].items.x-kubernetes-validations[0].rule`; empty for the total).
    pub schema_path: String,
    pub message: String,
    /// The estimate met a type or function portalint does not know, so it may be off.
    pub guessed: bool,
}

struct Observed<'n> {
    at: &'n crate::parse::yaml::Node,
    field_path: String,
    schema_path: String,
    cost: u64,
    guessed: bool,
}

/// The cost problems of the CEL rules of a CRD version's `openAPIV3Schema` (`root`), as
/// the API server finds them when it creates the CRD: every rule's estimated cost times
/// the number of times it can run (the product of the `maxItems`/`maxProperties` above it,
/// or when one is missing what fits in a request) over 10 000 000, every
/// `messageExpression`'s over 10 000 000, and their total over 100 000 000. Rules that do
/// not parse or type-check are left to the compile check.
///
/// `name_max` caps `metadata.name` where the CRD's builder caps it (Crossplane: 63).
/// `kube` is the Kubernetes version the rules are written for (a rule calling a function
/// its API server does not declare does not compile, so it has no cost there).
pub fn check_schema(
    root: &crate::parse::yaml::Node,
    name_max: Option<u64>,
    kube: Option<crate::schema::celenv::KubeVersion>,
) -> Vec<CostProblem<'_>> {
    let json = root.to_json();
    let mut typed = json.clone();
    if let (Some(cap), Some(obj)) = (name_max, typed.as_object_mut()) {
        let props = obj.entry("properties").or_insert_with(|| serde_json::json!({}));
        if let Some(props) = props.as_object_mut() {
            let meta = props
                .entry("metadata")
                .or_insert_with(|| serde_json::json!({"type": "object"}));
            let declared = meta
                .pointer("/properties/name/maxLength")
                .and_then(Json::as_u64)
                .map_or(cap, |m| m.min(cap));
            if let Some(m) = meta.as_object_mut() {
                let p = m.entry("properties").or_insert_with(|| serde_json::json!({}));
                if let Some(p) = p.as_object_mut() {
                    p.insert(
                        "name".into(),
                        serde_json::json!({"type": "string", "maxLength": declared}),
                    );
                }
            }
        }
    }
    let root_decl = decl(&typed, true);
    let mut out = Vec::new();
    let mut observed: Vec<Observed> = Vec::new();
    let mut total: u64 = 0;
    let mut w = SchemaWalk {
        out: &mut out,
        observed: &mut observed,
        total: &mut total,
        kube,
    };
    w.node(root, &json, root_decl.as_ref(), true, Some(1), ("", ""), 0);
    if total > STATIC_CRD_COST_LIMIT {
        observed.sort_by_key(|o| std::cmp::Reverse(o.cost));
        let guessed = observed.iter().any(|o| o.guessed);
        for o in observed.into_iter().take(4) {
            out.push(CostProblem {
                at: Some(o.at),
                field_path: o.field_path,
                schema_path: o.schema_path,
                message: "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"
                    .to_string(),
                guessed: o.guessed,
            });
        }
        out.push(CostProblem {
            at: None,
            field_path: String::new(),
            schema_path: String::new(),
            message: over_budget(
                "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema",
                total,
                STATIC_CRD_COST_LIMIT,
            ),
            guessed,
        });
    }
    out
}

struct SchemaWalk<'n, 'o> {
    out: &'o mut Vec<CostProblem<'n>>,
    observed: &'o mut Vec<Observed<'n>>,
    total: &'o mut u64,
    kube: Option<crate::schema::celenv::KubeVersion>,
}

impl<'n> SchemaWalk<'n, '_> {
    /// The expression type-checks against its node and calls only declared functions (as
    /// the API server compiles it; a rule that does not compile has no cost).
    fn compiles(&self, e: &kube_cel::cel::IdedExpr, node: &Json, root: bool) -> bool {
        crate::schema::celcheck::check(e, node, root).is_empty()
            && crate::schema::celenv::undeclared(e, self.kube).is_empty()
    }

    fn observe(&mut self, at: &'n crate::parse::yaml::Node, paths: (&str, String), cost: u64, guessed: bool) {
        *self.total = self.total.saturating_add(cost);
        // Costs under 1 % of the per-schema limit are not named (`ObserveExpressionCost`).
        if cost >= STATIC_CRD_COST_LIMIT / 100 {
            self.observed.push(Observed {
                at,
                field_path: paths.0.to_string(),
                schema_path: paths.1,
                cost,
                guessed,
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        s: &'n crate::parse::yaml::Node,
        json: &Json,
        d: Option<&Decl>,
        root: bool,
        cardinality: Option<u64>,
        (path, kpath): (&str, &str),
        depth: usize,
    ) {
        if depth > crate::parse::yaml::MAX_DEPTH || !json.is_object() {
            return;
        }
        if let Some(rules) = s
            .get("x-kubernetes-validations")
            .and_then(crate::parse::yaml::Node::as_seq)
        {
            // A node CEL does not see through its parent is declared on its own.
            let own;
            let d = match d {
                Some(d) => Some(d),
                None => {
                    own = decl(json, root);
                    own.as_ref()
                }
            };
            if let Some(d) = d {
                let rule_json = json;
                for (i, r) in rules.iter().enumerate() {
                    let k = format!(
                        "{kpath}{}x-kubernetes-validations[{i}]",
                        if kpath.is_empty() { "" } else { "." }
                    );
                    self.rule(r, rule_json, d, root, cardinality, (path, &k));
                }
            }
        }
        let embedded = |c: &Json| c.get("x-kubernetes-embedded-resource").and_then(Json::as_bool) == Some(true);
        let child_cardinality = |max: Option<u64>| match (cardinality, max) {
            (Some(c), Some(m)) => Some(times(c, m)),
            _ => None,
        };
        let ty = json.get("type").and_then(Json::as_str).unwrap_or("");
        if let (Some(props), Some(pj)) = (
            s.get("properties").and_then(crate::parse::yaml::Node::as_map),
            json.get("properties").and_then(Json::as_object),
        ) {
            let max = if ty == "object" && json.get("additionalProperties").is_some() {
                int(json, "maxProperties")
            } else {
                Some(1)
            };
            for e in props {
                let Some(cj) = pj.get(&e.key) else { continue };
                let cd = d.and_then(|d| crate::schema::celvalue::escape(&e.key).and_then(|k| d.field(&k)));
                let child = if path.is_empty() {
                    e.key.clone()
                } else {
                    format!("{path}.{}", e.key)
                };
                let k = format!(
                    "{kpath}{}properties[{}]",
                    if kpath.is_empty() { "" } else { "." },
                    e.key
                );
                self.node(
                    &e.value,
                    cj,
                    cd,
                    embedded(cj),
                    child_cardinality(max),
                    (&child, &k),
                    depth + 1,
                );
            }
        }
        if let (Some(items), Some(ij)) = (s.get("items"), json.get("items")) {
            let max = if ty == "array" { int(json, "maxItems") } else { Some(1) };
            let cd = d.and_then(Decl::elem);
            let k = format!("{kpath}{}items", if kpath.is_empty() { "" } else { "." });
            self.node(
                items,
                ij,
                cd,
                embedded(ij),
                child_cardinality(max),
                (&format!("{path}[]"), &k),
                depth + 1,
            );
        }
        if let (Some(a), Some(aj)) = (s.get("additionalProperties"), json.get("additionalProperties")) {
            if aj.is_object() {
                let max = if ty == "object" {
                    int(json, "maxProperties")
                } else {
                    Some(1)
                };
                let cd = d.and_then(Decl::elem);
                let k = format!("{kpath}{}additionalProperties", if kpath.is_empty() { "" } else { "." });
                self.node(
                    a,
                    aj,
                    cd,
                    embedded(aj),
                    child_cardinality(max),
                    (&format!("{path}.*"), &k),
                    depth + 1,
                );
            }
        }
    }

    fn rule(
        &mut self,
        r: &'n crate::parse::yaml::Node,
        node: &Json,
        d: &Decl,
        root: bool,
        cardinality: Option<u64>,
        (path, kpath): (&str, &str),
    ) {
        let field_path = if path.is_empty() { "<root>" } else { path };
        if let Some(rn) = r.get("rule") {
            if let Some(text) = rn.as_str().filter(|t| !t.trim().is_empty()) {
                if let Ok(e) = crate::schema::cel::parse(text) {
                    if self.compiles(&e, node, root) {
                        let (est, guessed) = estimate(&e, d);
                        let cost = times(est.max, cardinality.unwrap_or_else(|| max_cardinality(d)));
                        if cost > STATIC_COST_LIMIT {
                            self.out.push(CostProblem {
                                at: Some(rn),
                                field_path: field_path.to_string(),
                                schema_path: format!("{kpath}.rule"),
                                message: over_budget("estimated rule cost", cost, STATIC_COST_LIMIT),
                                guessed,
                            });
                        }
                        self.observe(rn, (field_path, format!("{kpath}.rule")), cost, guessed);
                    }
                }
            }
        }
        if let Some(mn) = r.get("messageExpression") {
            if let Some(text) = mn.as_str().filter(|t| !t.is_empty()) {
                if let Ok(e) = crate::schema::cel::parse(text) {
                    if self.compiles(&e, node, root) {
                        let (est, guessed) = estimate(&e, d);
                        if est.max > STATIC_COST_LIMIT {
                            self.out.push(CostProblem {
                                at: Some(mn),
                                field_path: field_path.to_string(),
                                schema_path: format!("{kpath}.messageExpression"),
                                message: over_budget("estimated messageExpression cost", est.max, STATIC_COST_LIMIT),
                                guessed,
                            });
                        }
                        self.observe(mn, (field_path, format!("{kpath}.messageExpression")), est.max, guessed);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_factor_is_worded_as_the_api_server_words_it() {
        assert!(over_budget("estimated rule cost", 12_000_000, STATIC_COST_LIMIT).contains("factor of 1.200000x"));
        assert!(over_budget("estimated rule cost", 25_000_000, STATIC_COST_LIMIT).contains("factor of 2.5x"));
        assert!(over_budget("estimated rule cost", u64::MAX, STATIC_COST_LIMIT).contains("factor of more than 100x"));
    }

    fn problems(yaml: &str, name_max: Option<u64>) -> Vec<(String, String)> {
        let parsed = crate::parse::yaml::parse(yaml);
        check_schema(&parsed.docs[0].root, name_max, None)
            .into_iter()
            .map(|p| (p.schema_path, p.message))
            .collect()
    }

    #[test]
    fn a_rule_costs_as_many_times_as_it_can_run() {
        // 2 001 per run (a 5 000-character string), once per item of 100 x 10 lists.
        let nested = "type: object\nproperties:\n  l:\n    type: array\n    maxItems: 100\n    items:\n      type: array\n      maxItems: MAX\n      items:\n        type: string\n        maxLength: 5000\n        x-kubernetes-validations:\n        - rule: self.contains('keyword')\n";
        assert!(problems(&nested.replace("MAX", "10"), None).is_empty());
        // 100 x 1 000 runs: 200 100 000, over the limit per rule and per schema.
        let over = problems(&nested.replace("MAX", "1000"), None);
        assert_eq!(over.len(), 3, "{over:?}");
        assert_eq!(over[0].0, "properties[l].items.items.x-kubernetes-validations[0].rule");
        assert!(
            over[0]
                .1
                .starts_with("estimated rule cost exceeds budget by factor of 20.0x"),
            "{}",
            over[0].1
        );
        assert_eq!(over[1].0, over[0].0);
        assert!(
            over[1].1.starts_with("contributed to estimated rule cost total"),
            "{}",
            over[1].1
        );
        assert!(over[2].0.is_empty() && over[2].1.contains("factor of 2.0x"), "{over:?}");
        // Without maxItems the API server counts what fits in a request (3 MiB / 3 bytes).
        let unbounded = problems(&nested.replace("      maxItems: MAX\n", ""), None);
        assert_eq!(unbounded.len(), 3, "{unbounded:?}");
        assert!(unbounded
            .iter()
            .any(|(p, m)| p.is_empty() && m.contains("entire OpenAPIv3 schema")));
    }

    #[test]
    fn the_root_knows_metadata_names_are_short() {
        let root = "type: object\nx-kubernetes-validations:\n- rule: self.metadata.name.contains(self.metadata.name) && self.metadata.generateName.contains(self.metadata.generateName)\n";
        assert!(problems(root, None).is_empty());
        assert!(problems(root, Some(63)).is_empty());
        // kind is not bounded.
        let kind = "type: object\nx-kubernetes-validations:\n- rule: self.kind.contains(self.kind)\n";
        let p = problems(kind, Some(63));
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!(p[0].0, "x-kubernetes-validations[0].rule");
    }
}
