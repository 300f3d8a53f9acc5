//! The functions an API server's CEL environment declares for CRD validation rules, and the
//! Kubernetes version that introduced each, as `k8s.io/apiserver/pkg/cel/environment/base.go`
//! (the base environment: CEL's standard library, the Kubernetes libraries, cel-go's
//! extensions the API server enables) and `apiextensions-apiserver`'s `compilation.go` (which
//! adds only `self` and `oldSelf`) build it. A call of anything else is refused by cel-go's
//! checker when the CRD is created: `undeclared reference to 'f' (in container '')`, or, for a
//! function declared only as a global (or only as a method), `found no matching overload`.
//!
//! Not declared there, although portalint's evaluator knows them: cel-go's `math.*`,
//! `base64.*` and `cel.bind` extensions. A rule that uses them is accepted by no API server.
//!
//! The version: a CRD written to an API server of Kubernetes 1.N is compiled in the
//! environment of its compatibility version (`DefaultCompatibilityVersion()`, the binary's
//! `MinCompatibilityVersion`: 1.N−1), so that a rollback to 1.N−1 can still read it. Config
//! `kubernetes-version: "1.N"` therefore allows what 1.N−1 introduced; without it every
//! library is allowed (the newest API server's view, as of the table below).

use kube_cel::cel::common::ast::{EntryExpr, Expr, IdedExpr};

/// The Kubernetes version rules are written for (config `kubernetes-version`): its minor
/// number (Kubernetes 1.N).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KubeVersion(pub u32);

impl KubeVersion {
    /// Parses `1.N`, `v1.N` or `1.N.P`.
    pub fn parse(s: &str) -> Result<KubeVersion, String> {
        let t = s.trim().trim_start_matches('v');
        let mut parts = t.split('.');
        let (major, minor) = (parts.next(), parts.next());
        let patch_ok = parts.next().is_none_or(|p| p.parse::<u32>().is_ok()) && parts.next().is_none();
        match (major, minor.and_then(|m| m.parse::<u32>().ok())) {
            (Some("1"), Some(minor)) if patch_ok => Ok(KubeVersion(minor)),
            _ => Err(format!(
                "`{s}` is not a Kubernetes version: expected `1.N` (for example `1.33`)"
            )),
        }
    }

    /// The newest minor version whose features a CRD created on this API server may use.
    fn compatibility(self) -> u32 {
        self.0.saturating_sub(1)
    }
}

/// How a function may be called.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `f(x)` (a namespaced name such as `sets.contains` is a global).
    Global,
    /// `x.f()`.
    Member,
    /// Either.
    Both,
}

use Style::{Both, Global, Member};

/// `(name, how it is called, the Kubernetes minor version that introduced it)`. 0: always
/// (CEL's epoch in Kubernetes, 1.23, which base.go records as 1.0).
const DECLS: &[(&str, Style, u32)] = &[
    // CEL's standard library (macros that stay calls after parsing included).
    ("size", Both, 0),
    ("int", Global, 0),
    ("uint", Global, 0),
    ("double", Global, 0),
    ("string", Global, 0),
    ("bytes", Global, 0),
    ("bool", Global, 0),
    ("dyn", Global, 0),
    ("type", Global, 0),
    ("duration", Global, 0),
    ("timestamp", Global, 0),
    ("matches", Both, 0),
    ("contains", Member, 0),
    ("startsWith", Member, 0),
    ("endsWith", Member, 0),
    ("getDate", Member, 0),
    ("getDayOfMonth", Member, 0),
    ("getDayOfWeek", Member, 0),
    ("getDayOfYear", Member, 0),
    ("getFullYear", Member, 0),
    ("getHours", Member, 0),
    ("getMilliseconds", Member, 0),
    ("getMinutes", Member, 0),
    ("getMonth", Member, 0),
    ("getSeconds", Member, 0),
    ("all", Member, 0),
    ("exists", Member, 0),
    ("exists_one", Member, 0),
    ("map", Member, 0),
    ("filter", Member, 0),
    // Kubernetes lists library, version 0 (1.0); version 1 (1.37) adds `includes`.
    ("isSorted", Member, 0),
    ("sum", Member, 0),
    ("min", Member, 0),
    ("max", Member, 0),
    ("indexOf", Member, 0),
    ("lastIndexOf", Member, 0),
    ("includes", Member, 37),
    // Kubernetes regex and URL libraries (1.0).
    ("find", Member, 0),
    ("findAll", Member, 0),
    ("url", Global, 0),
    ("isURL", Global, 0),
    ("getScheme", Member, 0),
    ("getHost", Member, 0),
    ("getHostname", Member, 0),
    ("getPort", Member, 0),
    ("getEscapedPath", Member, 0),
    ("getQuery", Member, 0),
    // cel-go's strings extension: version 0 until 1.29, version 2 since (adds `format`
    // and `strings.quote`; `reverse` of a string is version 3, which no release enables).
    ("charAt", Member, 0),
    ("lowerAscii", Member, 0),
    ("upperAscii", Member, 0),
    ("replace", Member, 0),
    ("split", Member, 0),
    ("substring", Member, 0),
    ("trim", Member, 0),
    ("join", Member, 0),
    ("format", Member, 29),
    ("strings.quote", Global, 29),
    // 1.28: optional types, the quantity library.
    ("optional.of", Global, 28),
    ("optional.ofNonZeroValue", Global, 28),
    ("optional.none", Global, 28),
    ("optional.unwrap", Global, 28),
    ("hasValue", Member, 28),
    ("value", Member, 28),
    ("or", Member, 28),
    ("orValue", Member, 28),
    ("optMap", Member, 28),
    ("optFlatMap", Member, 28),
    ("first", Member, 28),
    ("last", Member, 28),
    ("_?._", Global, 28),
    ("_[?_]", Global, 28),
    ("quantity", Global, 28),
    ("isQuantity", Global, 28),
    ("sign", Both, 28),
    ("isGreaterThan", Member, 28),
    ("isLessThan", Member, 28),
    ("compareTo", Member, 28),
    ("asApproximateFloat", Member, 28),
    ("asInteger", Member, 28),
    ("isInteger", Member, 28),
    ("add", Member, 28),
    ("sub", Member, 28),
    // 1.29: cel-go's sets extension.
    ("sets.contains", Global, 29),
    ("sets.equivalent", Global, 29),
    ("sets.intersects", Global, 29),
    // 1.30: the IP and CIDR libraries.
    ("ip", Both, 30),
    ("isIP", Global, 30),
    ("ip.isCanonical", Global, 30),
    ("family", Member, 30),
    ("isUnspecified", Member, 30),
    ("isLoopback", Member, 30),
    ("isLinkLocalMulticast", Member, 30),
    ("isLinkLocalUnicast", Member, 30),
    ("isGlobalUnicast", Member, 30),
    ("cidr", Global, 30),
    ("isCIDR", Global, 30),
    ("containsIP", Member, 30),
    ("containsCIDR", Member, 30),
    ("prefixLength", Member, 30),
    ("masked", Member, 30),
    // 1.31: the format library.
    ("format.dns1123Label", Global, 31),
    ("format.dns1123Subdomain", Global, 31),
    ("format.dns1035Label", Global, 31),
    ("format.qualifiedName", Global, 31),
    ("format.dns1123LabelPrefix", Global, 31),
    ("format.dns1123SubdomainPrefix", Global, 31),
    ("format.dns1035LabelPrefix", Global, 31),
    ("format.labelValue", Global, 31),
    ("format.uri", Global, 31),
    ("format.uuid", Global, 31),
    ("format.byte", Global, 31),
    ("format.date", Global, 31),
    ("format.datetime", Global, 31),
    ("format.named", Global, 31),
    ("validate", Member, 31),
    // 1.32: two-variable comprehensions (the three-argument `all`, `exists`, `existsOne`
    // are told apart by their arguments, below).
    ("existsOne", Member, 32),
    ("transformList", Member, 32),
    ("transformMap", Member, 32),
    ("transformMapEntry", Member, 32),
    // 1.33: the semver library (`isGreaterThan`, `isLessThan`, `compareTo` as for quantities).
    ("semver", Global, 33),
    ("isSemver", Global, 33),
    ("major", Member, 33),
    ("minor", Member, 33),
    ("patch", Member, 33),
    // 1.34: cel-go's lists extension, version 3.
    ("lists.range", Global, 34),
    ("distinct", Member, 34),
    ("flatten", Member, 34),
    ("reverse", Member, 34),
    ("slice", Member, 34),
    ("sort", Member, 34),
    ("sortBy", Member, 34),
];

/// The namespaces of namespaced globals: `sets.contains(…)` parses as a call of `contains`
/// on the identifier `sets`. The extensions the API server does not enable are here too, so
/// that `math.greatest(…)` is reported as undeclared rather than as a method.
const NAMESPACES: &[&str] = &[
    "sets",
    "optional",
    "format",
    "lists",
    "strings",
    "ip",
    "jsonpatch",
    "math",
    "base64",
    "cel",
];

/// True when `name` is the namespace of namespaced CEL functions (`sets` in
/// `sets.contains(…)`): a call on it, unless a variable of that name is in scope, is the
/// global function `name.f`.
pub fn is_namespace(name: &str) -> bool {
    NAMESPACES.contains(&name)
}

/// What the API server's checker says of each call in `rule` that its environment, at
/// `version` (`None`: the newest), does not declare. Empty when every call is declared.
pub fn undeclared(rule: &IdedExpr, version: Option<KubeVersion>) -> Vec<String> {
    let mut found = Walk {
        allowed: version.map(KubeVersion::compatibility),
        requested: version,
        scopes: Vec::new(),
        problems: Vec::new(),
    };
    found.expr(rule, 0);
    found.problems.dedup();
    found.problems
}

struct Walk {
    allowed: Option<u32>,
    requested: Option<KubeVersion>,
    /// Comprehension variables in scope (they shadow namespaces).
    scopes: Vec<String>,
    problems: Vec<String>,
}

impl Walk {
    fn too_new(&mut self, what: &str, since: u32) -> bool {
        match (self.allowed, self.requested) {
            (Some(allowed), Some(v)) if since > allowed => {
                self.problems.push(format!(
                    "undeclared reference to '{what}' (in container ''): {what} came with Kubernetes 1.{since}, \
                     and a CRD created on Kubernetes 1.{} may use only what 1.{allowed} knows (config `kubernetes-version`)",
                    v.0
                ));
                true
            }
            _ => false,
        }
    }

    fn expr(&mut self, e: &IdedExpr, depth: usize) {
        if depth > 250 {
            return;
        }
        match &e.expr {
            Expr::Call(call) => {
                // A namespaced global: `ns.f(…)` with `ns` not a variable.
                let namespace = match call.target.as_deref().map(|t| &t.expr) {
                    Some(Expr::Ident(ns)) if is_namespace(ns) && !self.scopes.contains(ns) => Some(ns.as_str()),
                    _ => None,
                };
                let name = match namespace {
                    Some(ns) => format!("{ns}.{}", call.func_name),
                    None => call.func_name.clone(),
                };
                let member = call.target.is_some() && namespace.is_none();
                let operator = name.starts_with(['_', '@', '!', '-']) && !matches!(name.as_str(), "_?._" | "_[?_]");
                // Two-variable comprehensions stay calls: `l.all(i, v, p)`.
                let two_var = member
                    && call.args.len() == 3
                    && matches!(name.as_str(), "all" | "exists" | "exists_one" | "existsOne");
                if two_var {
                    self.too_new(&name, 32);
                } else if !operator {
                    match DECLS.iter().find(|(n, _, _)| *n == name) {
                        None => self
                            .problems
                            .push(format!("undeclared reference to '{name}' (in container '')")),
                        Some((_, style, since)) => {
                            if !self.too_new(&name, *since) {
                                match (style, member) {
                                    (Global, true) => self.problems.push(format!(
                                        "found no matching overload for '{name}' applied to a receiver: it is a function, `{name}(…)`"
                                    )),
                                    (Member, false) => self.problems.push(format!(
                                        "found no matching overload for '{name}': it is a method, `x.{name}(…)`"
                                    )),
                                    _ => {}
                                }
                            }
                        }
                    }
                }
                if namespace.is_none() {
                    if let Some(t) = &call.target {
                        self.expr(t, depth + 1);
                    }
                }
                // The comprehension macros that stay calls bind their first (and second)
                // argument as variables.
                let binds = match name.as_str() {
                    "sortBy" | "optMap" | "optFlatMap" => 1,
                    "all" | "exists" | "exists_one" | "existsOne" | "transformList" | "transformMap"
                    | "transformMapEntry"
                        if call.args.len() >= 3 =>
                    {
                        2
                    }
                    "cel.bind" => 1,
                    _ => 0,
                };
                let mark = self.scopes.len();
                for a in call.args.iter().take(binds) {
                    if let Expr::Ident(v) = &a.expr {
                        self.scopes.push(v.clone());
                    }
                }
                for a in call.args.iter().skip(binds) {
                    self.expr(a, depth + 1);
                }
                self.scopes.truncate(mark);
            }
            Expr::Select(s) => self.expr(&s.operand, depth + 1),
            Expr::List(l) => {
                if !l.optional_indices.is_empty() {
                    self.too_new("optional list element", 28);
                }
                for x in &l.elements {
                    self.expr(x, depth + 1);
                }
            }
            Expr::Map(m) => {
                for entry in &m.entries {
                    if let EntryExpr::MapEntry(me) = &entry.expr {
                        if me.optional {
                            self.too_new("optional map entry", 28);
                        }
                        self.expr(&me.key, depth + 1);
                        self.expr(&me.value, depth + 1);
                    }
                }
            }
            Expr::Comprehension(c) => {
                self.expr(&c.iter_range, depth + 1);
                self.expr(&c.accu_init, depth + 1);
                let mark = self.scopes.len();
                self.scopes.push(c.iter_var.clone());
                if let Some(v2) = &c.iter_var2 {
                    self.too_new("two-variable comprehension", 32);
                    self.scopes.push(v2.clone());
                }
                self.scopes.push(c.accu_var.clone());
                self.expr(&c.loop_cond, depth + 1);
                self.expr(&c.loop_step, depth + 1);
                self.expr(&c.result, depth + 1);
                self.scopes.truncate(mark);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(rule: &str, version: Option<&str>) -> Vec<String> {
        let e = crate::schema::cel::parse(rule).expect("parses");
        undeclared(&e, version.map(|v| KubeVersion::parse(v).expect("version")))
    }

    #[test]
    fn the_api_servers_libraries_are_declared() {
        for rule in [
            "self.size() > 0 && size(self) > 0",
            "self.l.all(x, x > 0) && self.l.exists(x, x == 1) && self.l.exists_one(x, x == 1)",
            "self.l.map(x, x * 2).filter(x, x > 1).size() > 0",
            "has(self.a) && self.s.startsWith('a') && self.s.matches('^a') && matches(self.s, 'a')",
            "self.s.lowerAscii().split(',').join('-').size() > 0",
            "self.l.isSorted() && self.l.sum() > 0 && self.l.min() < self.l.max()",
            "url(self.u).getHost() != '' && isURL(self.u) && self.s.find('a') != ''",
            "quantity(self.q).isGreaterThan(quantity('1')) && isQuantity(self.q)",
            "self.?a.orValue('') == '' && optional.of(1).hasValue()",
            "sets.contains(self.l, [1]) && sets.intersects(self.l, [2])",
            "ip(self.i).family() == 4 && cidr(self.c).containsIP(self.i) && ip.isCanonical(self.i)",
            "format.dns1123Label().validate(self.s).hasValue() && format.named('uuid').hasValue()",
            "self.l.all(i, v, v > i) && self.m.transformMap(k, v, v + 1).size() > 0",
            "isSemver(self.v) && semver(self.v).major() == 1",
            "self.l.sortBy(x, -x).reverse().distinct().slice(0, 1) == lists.range(1)",
            "'%s'.format([self.s]) == strings.quote(self.s)",
            "[1, 2].map(sets, sets + 1).size() == 2",
        ] {
            assert_eq!(problems(rule, None), Vec::<String>::new(), "{rule}");
        }
    }

    #[test]
    fn what_no_api_server_declares_is_undeclared() {
        assert_eq!(
            problems("self.v.fooBar()", None),
            ["undeclared reference to 'fooBar' (in container '')"]
        );
        assert_eq!(
            problems("math.greatest(self.a, 1) > 0", None),
            ["undeclared reference to 'math.greatest' (in container '')"]
        );
        assert_eq!(
            problems("base64.encode(b'a') == 'YQ=='", None),
            ["undeclared reference to 'base64.encode' (in container '')"]
        );
        assert_eq!(
            problems("cel.bind(x, 1, x == 1)", None),
            ["undeclared reference to 'cel.bind' (in container '')"]
        );
        assert!(problems("self.s.isSemver()", None)[0].starts_with("found no matching overload for 'isSemver'"));
        assert!(problems("startsWith(self.s, 'a')", None)[0].starts_with("found no matching overload for 'startsWith'"));
    }

    #[test]
    fn a_library_is_there_from_the_release_after_the_one_that_introduced_it() {
        // Introduced in 1.33: a 1.33 API server creates CRDs in its 1.32 compatibility
        // environment, a 1.34 one may use it.
        assert!(problems("isSemver(self.v)", Some("1.33"))[0].contains("came with Kubernetes 1.33"));
        assert_eq!(problems("isSemver(self.v)", Some("1.34")), Vec::<String>::new());
        assert!(problems("self.l.sortBy(x, x) == self.l", Some("v1.34.2"))[0].contains("'sortBy'"));
        assert!(problems("self.l.all(i, v, v > 0)", Some("1.32"))[0].contains("'all'"));
        assert!(problems("self.?a.hasValue()", Some("1.28"))
            .iter()
            .any(|p| p.contains("'_?._'")));
        assert_eq!(problems("self.?a.hasValue()", Some("1.29")), Vec::<String>::new());
        assert!(problems("'%d'.format([1]) == '1'", Some("1.29"))[0].contains("'format'"));
        assert_eq!(
            problems("self.s.lowerAscii() == 'a'", Some("1.25")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn versions_parse_as_kubernetes_writes_them() {
        assert_eq!(KubeVersion::parse("1.33"), Ok(KubeVersion(33)));
        assert_eq!(KubeVersion::parse("v1.31"), Ok(KubeVersion(31)));
        assert_eq!(KubeVersion::parse("1.30.4"), Ok(KubeVersion(30)));
        for bad in ["2.1", "1", "1.x", "1.30.4.1", "latest", ""] {
            assert!(KubeVersion::parse(bad).is_err(), "{bad}");
        }
    }
}
