//! The verdict on an order PR: `auto-merge`, `review-required` or `reject`, with every reason.
//!
//! Pure function of the post-merge workspace, its findings, the PR's changes, and the policy
//! and CODEOWNERS read from the base revision (a PR cannot approve itself). The conditions are
//! RULES.md §6.2 (S1–S13, each with its reason code) and the quotas of §6.3: a hard breach or
//! an error finding rejects, anything soft needs a review, and only a PR that adds order files
//! and passes everything is `auto-merge`.

pub mod cel;
pub use crate::model::codeowners;
pub use crate::model::orders::{owner_annotation, Requester};
pub mod policy;
pub mod quantity;
pub mod reason;
pub use reason::ReasonCode;

use crate::git::ChangeKind;
use crate::model::{Doc, Layout, Workspace};
use crate::parse::source::Span;
use crate::rules::diagnostic::{Diagnostic, Severity};
use codeowners::CodeOwners;
use policy::{Block, Per, Policy, Strength};
use quantity::Quantity;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The decision, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Every condition holds: the bot may approve and merge.
    AutoMerge,
    /// A platform admin must review (soft conditions).
    ReviewRequired,
    /// The PR must not be merged as it is (hard limits, error findings).
    Reject,
}

impl Decision {
    /// `auto-merge`, `review-required` or `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::AutoMerge => "auto-merge",
            Decision::ReviewRequired => "review-required",
            Decision::Reject => "reject",
        }
    }

    /// The exit code of `portalint verdict`: 0, 10 or 11.
    pub fn exit_code(self) -> u8 {
        match self {
            Decision::AutoMerge => 0,
            Decision::ReviewRequired => 10,
            Decision::Reject => 11,
        }
    }
}

/// A quota's use before and after the PR.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuotaUse {
    /// What is limited: `count WhoAmIApp per namespace openportal/team-a`.
    pub quota: String,
    /// Use on the base.
    pub before: String,
    /// Use after the merge.
    pub after: String,
    /// The soft limit, if any.
    pub soft: Option<String>,
    /// The hard limit, if any.
    pub hard: Option<String>,
}

/// One reason for the decision.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// Reason code (`R-QUOTA-SOFT`, `R-MODIFY`, …).
    pub code: ReasonCode,
    /// What this reason alone decides (`review-required` or `reject`).
    pub decision: Decision,
    /// The rule id or policy item that gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The file, relative to the root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The quota, for quota reasons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaUse>,
}

/// The verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The decision.
    pub decision: Decision,
    /// Who the order is for (the author, or for a bot's PR the orders' owners).
    pub requesters: Vec<String>,
    /// The changed files, with `A`, `M` or `D`.
    pub changes: Vec<(String, String)>,
    /// Every reason, in file order.
    pub reasons: Vec<Reason>,
    /// Every quota the PR touches, before and after.
    pub quotas: Vec<QuotaUse>,
}

/// What the verdict is computed from.
pub struct Request<'a> {
    /// The post-merge tree.
    pub ws: &'a Workspace,
    /// Its findings, after the config's severity overrides.
    pub diagnostics: &'a [Diagnostic],
    /// The PR's changes (paths relative to the root).
    pub changes: &'a [(String, ChangeKind)],
    /// The policy, from the base revision.
    pub policy: &'a Policy,
    /// CODEOWNERS, from the base revision.
    pub codeowners: Option<&'a CodeOwners>,
    /// The PR author's login.
    pub author: Option<&'a str>,
    /// The PR's branch name.
    pub branch: Option<&'a str>,
    /// The branch the PR targets.
    pub target_branch: Option<&'a str>,
    /// Files that decide (config, policy file, CODEOWNERS): changing one needs a review.
    pub deciding_files: &'a [String],
    /// Paths changed both by the PR and on the base since they diverged.
    pub conflicts: &'a [String],
    /// Symlinks, executable files and submodules the PR adds or changes, with their kind.
    pub special: &'a [(String, &'static str)],
}

/// An order of the post-merge tree or of the base.
struct Order<'a> {
    doc: &'a Doc,
    /// Path relative to the root (without the `<base>:` label).
    rel: &'a str,
    cluster: &'a str,
    namespace: &'a str,
    /// The order with the XRD's defaults applied.
    object: std::rc::Rc<serde_json::Value>,
    /// True when the PR adds or modifies its file.
    changed: bool,
    namespaced: bool,
}

impl Order<'_> {
    fn kind(&self) -> &str {
        &self.doc.kind
    }

    fn place(&self) -> String {
        if self.cluster.is_empty() {
            self.namespace.to_string()
        } else {
            format!("{}/{}", self.cluster, self.namespace)
        }
    }
}

struct Eval<'a> {
    req: &'a Request<'a>,
    reasons: Vec<Reason>,
    quotas: Vec<QuotaUse>,
    programs: HashMap<String, Option<cel::Compiled>>,
}

/// Computes the verdict.
pub fn evaluate(req: &Request) -> Verdict {
    let ws = req.ws;
    let changed: HashMap<&str, ChangeKind> = req.changes.iter().map(|(p, k)| (p.as_str(), *k)).collect();
    let base_label = ws.pr.as_ref().map(|p| format!("{}:", p.base)).unwrap_or_default();
    let mut schemas = HashMap::new();
    let post: Vec<Order> = ws
        .orders()
        .filter_map(|d| order(ws, d, ws.rel(d), changed.contains_key(ws.rel(d)), &mut schemas))
        .collect();
    // The base: unchanged orders, plus the base versions of modified and deleted ones.
    let mut pre: Vec<Order> = post
        .iter()
        .filter(|o| !o.changed)
        .map(|o| Order {
            object: o.object.clone(),
            ..*o
        })
        .collect();
    for d in &ws.base_docs {
        let rel = ws.rel(d);
        let Some(rel) = rel.strip_prefix(base_label.as_str()) else {
            continue;
        };
        if crate::model::orders::is_order_path(ws.repo.orders, rel) && !d.kind.is_empty() && d.kind != "Kustomization" {
            pre.extend(order(ws, d, rel, false, &mut schemas));
        }
    }
    let mut e = Eval {
        req,
        reasons: Vec::new(),
        quotas: Vec::new(),
        programs: HashMap::new(),
    };
    e.changes(&post);
    e.lint();
    e.identity(&post);
    for o in post.iter().filter(|o| o.changed) {
        e.order(o);
    }
    e.quotas(&pre, &post);
    let mut reasons = e.reasons;
    reasons.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.code, &a.message).cmp(&(&b.file, b.line, b.column, &b.code, &b.message))
    });
    reasons.dedup_by(|a, b| a.code == b.code && a.file == b.file && a.line == b.line && a.message == b.message);
    let decision = reasons.iter().map(|r| r.decision).max().unwrap_or(Decision::AutoMerge);
    let mut requesters: Vec<String> = post
        .iter()
        .filter(|o| o.changed)
        .flat_map(|o| requester(req, o))
        .map(|r| r.to_string())
        .collect();
    if requesters.is_empty() {
        requesters.extend(req.author.map(|a| format!("@{a}")));
    }
    requesters.sort();
    requesters.dedup();
    Verdict {
        decision,
        requesters,
        changes: req
            .changes
            .iter()
            .map(|(p, k)| {
                let k = match k {
                    ChangeKind::Added => "A",
                    ChangeKind::Modified => "M",
                    ChangeKind::Deleted => "D",
                };
                (k.to_string(), p.clone())
            })
            .collect(),
        reasons,
        quotas: e.quotas,
    }
}

/// The XRD schemas as JSON, converted once per (XRD, version).
type Schemas = HashMap<(crate::parse::source::FileId, u32, String), std::rc::Rc<serde_json::Value>>;

fn order<'a>(ws: &'a Workspace, doc: &'a Doc, rel: &'a str, changed: bool, schemas: &mut Schemas) -> Option<Order<'a>> {
    let seg: Vec<&str> = rel.split('/').collect();
    let (cluster, namespace) = match ws.repo.orders {
        Some(Layout::Namespaces) => ("", *seg.get(1)?),
        _ => (*seg.first()?, *seg.get(1)?),
    };
    let mut object = doc.root.to_json();
    let mut namespaced = true;
    if let Some((x, _)) = ws.order_xrd(doc) {
        namespaced = x.is_namespaced();
        if let Some(node) = x.version(doc.version()).and_then(|v| v.schema) {
            // As the API server does, a defaulted object gets its own fields' defaults too;
            // `apply_defaults` descends only into values that were present, so repeat it
            // (one level per pass) until nothing changes.
            let key = (x.0.file, node.start, doc.version().to_string());
            let schema = schemas
                .entry(key)
                .or_insert_with(|| std::rc::Rc::new(node.to_json()))
                .clone();
            for _ in 0..32 {
                let next = kube_cel::apply_defaults(&schema, &object);
                if next == object {
                    break;
                }
                object = next;
            }
        }
    }
    Some(Order {
        doc,
        rel,
        cluster,
        namespace,
        object: std::rc::Rc::new(object),
        changed,
        namespaced,
    })
}

/// A field of a JSON object by dotted path.
fn field<'v>(object: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.')
        .filter(|s| !s.is_empty())
        .try_fold(object, |v, key| v.get(key))
}

/// Matches a policy glob (compiled once per pattern and thread).
fn glob_match(pattern: &str, text: &str) -> bool {
    thread_local! {
        static GLOBS: std::cell::RefCell<HashMap<String, Option<globset::GlobMatcher>>> = Default::default();
    }
    GLOBS.with(|g| {
        g.borrow_mut()
            .entry(pattern.to_string())
            .or_insert_with(|| globset::Glob::new(pattern).ok().map(|g| g.compile_matcher()))
            .as_ref()
            .is_some_and(|m| m.is_match(text))
    })
}

fn requester(req: &Request, o: &Order) -> Option<Requester> {
    let author = req.author?;
    let bots = req.policy.bots.as_deref().unwrap_or(&[]);
    if !bots.iter().any(|b| b == author) {
        return Some(Requester::User(author.to_string()));
    }
    // The policy's `owner-annotations` are in the rule options (app::rule_options).
    let (_, node) = owner_annotation(req.ws, o.doc)?;
    Some(Requester::from_owner_ref(node.as_str()?))
}

/// True when `who` is among `owners` (directly, as the team, or as a member of the team).
fn owns(policy: &Policy, owners: &[&str], who: &Requester) -> bool {
    let members = |team: &str, login: &str| {
        policy
            .teams
            .as_ref()
            .and_then(|t| t.get(team))
            .is_some_and(|m| m.iter().any(|x| x.trim_start_matches('@') == login))
    };
    owners.iter().any(|o| match (who, codeowners::team_of(o)) {
        (Requester::User(u), None) => o.trim_start_matches('@') == u,
        (Requester::User(u), Some(team)) => members(team, u),
        (Requester::Group(g), Some(team)) => team == g,
        (Requester::Group(g), None) => o.trim_start_matches('@') == g,
    })
}

/// Findings that do not block a verdict: order PRs never touch the cluster kustomizations,
/// which the update-kustomizations workflow regenerates on the base after the merge (RULES.md
/// §6.5 gate-post-merge: `portalint check` on the base verifies them there).
const NOT_BLOCKING: &[crate::rules::RuleId] = &[crate::rules::RuleId::OspOrdKustomizationSync];

impl Eval<'_> {
    fn add(&mut self, code: ReasonCode, decision: Decision, rule: Option<String>, message: String, at: Option<Span>) {
        let ws = self.req.ws;
        let (file, line, column) = match at {
            Some(span) => {
                let f = ws.sources.get(span.file);
                let (l, c) = f.line_col(span.start);
                (Some(f.rel.clone()), Some(l), Some(c))
            }
            None => (None, None, None),
        };
        self.reasons.push(Reason {
            code,
            decision,
            rule,
            message,
            file,
            line,
            column,
            quota: None,
        });
    }

    fn path_reason(&mut self, code: ReasonCode, decision: Decision, message: String, path: &str) {
        self.reasons.push(Reason {
            code,
            decision,
            rule: None,
            message,
            file: Some(path.to_string()),
            line: None,
            column: None,
            quota: None,
        });
    }

    fn program(&mut self, expression: &str) -> Option<&cel::Compiled> {
        self.programs
            .entry(expression.to_string())
            .or_insert_with(|| cel::compile(expression).ok())
            .as_ref()
    }

    /// S1, S2, S3, S12, conflicts, deciding files, an empty PR.
    fn changes(&mut self, post: &[Order]) {
        let req = self.req;
        let review = Decision::ReviewRequired;
        if req.changes.is_empty() && req.special.is_empty() {
            self.add(ReasonCode::Empty, review, None, "the PR changes nothing".into(), None);
        }
        let wanted = req.policy.base_branch.as_deref().unwrap_or("main");
        if let Some(target) = req.target_branch.filter(|t| *t != wanted) {
            self.add(
                ReasonCode::Base,
                review,
                None,
                format!("the PR targets `{target}`, not `{wanted}`, the branch Flux syncs"),
                None,
            );
        }
        for (path, kind) in req.changes {
            if req.deciding_files.contains(path) {
                self.path_reason(
                    ReasonCode::PolicyChanged,
                    review,
                    format!("the PR changes `{path}`, which decides what may be merged (read from the base)"),
                    path,
                );
            }
            match kind {
                ChangeKind::Modified => self.path_reason(
                    ReasonCode::Modify,
                    review,
                    "an existing file is modified; only new orders are merged without review".into(),
                    path,
                ),
                ChangeKind::Deleted => self.path_reason(
                    ReasonCode::Delete,
                    review,
                    "a file is deleted; Flux prunes, so this deletes the resources it declares".into(),
                    path,
                ),
                ChangeKind::Added => {}
            }
            let shaped = crate::model::orders::is_order_path(req.ws.repo.orders, path) && path.split('/').count() == 4;
            if !shaped {
                self.path_reason(
                    ReasonCode::NonOrderPath,
                    review,
                    "not an order file (`<cluster>/<namespace>/<Kind>/<name>.yaml`); only order files are auto-merged"
                        .into(),
                    path,
                );
            } else if *kind != ChangeKind::Deleted && req.ws.docs_in(path).filter(|d| d.is_object()).count() != 1 {
                self.path_reason(
                    ReasonCode::MultiDoc,
                    review,
                    "an order file must hold exactly one document".into(),
                    path,
                );
            }
        }
        for (path, kind) in req.special {
            self.path_reason(
                ReasonCode::Mode,
                review,
                format!("the PR adds or changes a {kind}; orders are regular files"),
                path,
            );
        }
        for path in req.conflicts {
            self.path_reason(
                ReasonCode::Conflict,
                review,
                "changed by the PR and on the base since the PR branched; rebase and re-evaluate".into(),
                path,
            );
        }
        let max = req.policy.max_files.unwrap_or(1);
        let places: BTreeSet<String> = post.iter().filter(|o| o.changed).map(Order::place).collect();
        if req.changes.len() > max || places.len() > 1 {
            self.add(
                ReasonCode::Multi,
                review,
                None,
                format!(
                    "the PR changes {} file(s) in {} namespace(s); auto-merge takes at most {max} file(s) in one namespace",
                    req.changes.len(),
                    places.len()
                ),
                None,
            );
        }
    }

    /// S4: no error finding in the changed files or in the clusters or namespaces they touch.
    fn lint(&mut self) {
        let req = self.req;
        let ws = req.ws;
        let mut areas: BTreeSet<String> = BTreeSet::new();
        for (path, _) in req.changes {
            let seg: Vec<&str> = path.split('/').collect();
            if seg.len() >= 2 {
                areas.insert(match ws.repo.orders {
                    Some(Layout::Namespaces) => format!("{}/{}/", seg[0], seg[1]),
                    _ => format!("{}/", seg[0]),
                });
            }
        }
        let changed: BTreeSet<&str> = req.changes.iter().map(|(p, _)| p.as_str()).collect();
        let errors: Vec<&Diagnostic> = req
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && !NOT_BLOCKING.contains(&d.rule))
            .filter(|d| {
                let rel = ws.sources.get(d.primary.span.file).rel.as_str();
                changed.contains(rel) || areas.iter().any(|a| rel.starts_with(a.as_str()))
            })
            .collect();
        for d in errors {
            self.add(
                ReasonCode::Lint,
                Decision::Reject,
                Some(d.rule.as_str().to_string()),
                d.message.clone(),
                Some(d.primary.span),
            );
        }
    }

    /// S13: author and branch; S9's precondition: CODEOWNERS exists.
    fn identity(&mut self, post: &[Order]) {
        let req = self.req;
        let review = Decision::ReviewRequired;
        match req.author {
            None => self.add(
                ReasonCode::Author,
                review,
                None,
                "the PR author is unknown (pass --author); ownership cannot be verified".into(),
                None,
            ),
            Some(a) => {
                let bots = req.policy.bots.as_deref().unwrap_or(&[]);
                if let Some(allowed) = &req.policy.authors {
                    if !allowed.iter().chain(bots).any(|x| x.trim_start_matches('@') == a) {
                        self.add(
                            ReasonCode::Author,
                            review,
                            None,
                            format!("`{a}` is not an author whose PRs are auto-merged (policy `authors`)"),
                            None,
                        );
                    }
                }
            }
        }
        if let (Some(pattern), Some(branch)) = (&req.policy.branch_pattern, req.branch) {
            if !regex::Regex::new(pattern).is_ok_and(|r| r.is_match(branch)) {
                self.add(
                    ReasonCode::Author,
                    review,
                    None,
                    format!("branch `{branch}` does not match the generator's pattern `{pattern}`"),
                    None,
                );
            }
        }
        if req.codeowners.is_none() && post.iter().any(|o| o.changed) {
            self.add(
                ReasonCode::Owner,
                review,
                Some("gate-codeowners-present".into()),
                "the base has no CODEOWNERS: who owns a namespace cannot be verified".into(),
                None,
            );
        }
    }

    /// The per-order conditions: kinds, scope, protected clusters, ownership, pinning, field
    /// limits, sensitive conditions and CEL rules.
    fn order(&mut self, o: &Order) {
        let req = self.req;
        let policy = req.policy;
        let review = Decision::ReviewRequired;
        let head = o.doc.head_span();
        let kind_at = o.doc.kind_span();
        let blocks: Vec<(usize, &Block)> = matching(policy, o).collect();
        let kind = o.kind().to_string();
        // Q5: allowed and denied kinds.
        for (i, b) in &blocks {
            let denied = b.denied_kinds.as_ref().is_some_and(|d| d.contains(&kind))
                || b.allowed_kinds.as_ref().is_some_and(|a| !a.contains(&kind));
            if denied {
                self.add(
                    ReasonCode::KindDenied,
                    Decision::Reject,
                    Some(block_name(*i, b)),
                    format!("`{kind}` may not be ordered in `{}`", o.place()),
                    Some(kind_at),
                );
            }
        }
        // S5: the auto-merge allowlist (policy, else the XRD's opt-in annotation).
        let listed = policy.auto_merge_kinds.iter().flatten().any(|k| *k == kind)
            || blocks
                .iter()
                .any(|(_, b)| b.auto_merge_kinds.iter().flatten().any(|k| *k == kind));
        let opted_in = req.ws.order_xrd(o.doc).is_some_and(|(x, _)| {
            x.0.annotation("openportal.dev/auto-merge")
                .and_then(|n| n.scalar_text())
                .as_deref()
                == Some("true")
        });
        if !listed && !opted_in {
            self.add(
                ReasonCode::Kind,
                review,
                None,
                format!("`{kind}` is not on the auto-merge allowlist (policy `auto-merge-kinds`, or the XRD annotation `openportal.dev/auto-merge: \"true\"`)"),
                Some(kind_at),
            );
        }
        // S7: cluster-scoped kinds and the platform's `system` namespace.
        if !o.namespaced || o.namespace == "system" {
            self.add(
                ReasonCode::ClusterScoped,
                review,
                None,
                if o.namespaced {
                    "orders in `system/` are platform infrastructure".to_string()
                } else {
                    format!("`{kind}` is cluster-scoped: it creates cluster-wide resources")
                },
                Some(kind_at),
            );
        }
        // S8: protected clusters.
        let protected = policy
            .protected_clusters
            .iter()
            .flatten()
            .any(|g| !o.cluster.is_empty() && glob_match(g, o.cluster));
        if protected {
            self.add(
                ReasonCode::Prod,
                review,
                None,
                format!("cluster `{}` is protected: every order needs a review", o.cluster),
                Some(head),
            );
        }
        // S9: the requester owns the namespace folder.
        if let Some(co) = req.codeowners {
            let owners = co.owners_of(o.rel);
            let strength = if protected { Decision::Reject } else { review };
            match requester(req, o) {
                None if req.author.is_some() => self.add(
                    ReasonCode::Owner,
                    strength,
                    Some("gate-owner-consistency".into()),
                    "the PR comes from the Backstage bot but the order names no owner annotation".into(),
                    Some(head),
                ),
                None => {}
                Some(who) if !owns(policy, &owners, &who) => {
                    let owned_by = if owners.is_empty() {
                        "no one".to_string()
                    } else {
                        owners.join(" ")
                    };
                    self.add(
                        ReasonCode::Owner,
                        strength,
                        Some("CODEOWNERS".into()),
                        format!("{who} does not own `{}/` (owned by {owned_by})", o.place()),
                        Some(head),
                    );
                }
                Some(_) => {}
            }
        }
        // S11: composition pinning or a manual update policy.
        let spec = o.doc.spec();
        for path in [
            &["crossplane", "compositionRef"][..],
            &["crossplane", "compositionRevisionRef"],
            &["crossplane", "compositionSelector"],
            &["compositionRef"],
            &["compositionRevisionRef"],
            &["compositionSelector"],
        ] {
            if let Some(n) = spec.and_then(|s| s.path(path)) {
                self.add(
                    ReasonCode::Pinning,
                    review,
                    None,
                    format!("`spec.{}` pins the composition", path.join(".")),
                    Some(o.doc.span(n)),
                );
            }
        }
        for path in [
            &["crossplane", "compositionUpdatePolicy"][..],
            &["compositionUpdatePolicy"],
        ] {
            if let Some(n) = spec.and_then(|s| s.path(path)).filter(|n| n.as_str() == Some("Manual")) {
                self.add(
                    ReasonCode::Pinning,
                    review,
                    None,
                    "`compositionUpdatePolicy: Manual` holds the order on an old composition revision".into(),
                    Some(o.doc.span(n)),
                );
            }
        }
        for (i, b) in blocks {
            self.block_rules(i, b, o);
        }
    }

    /// A block's field limits, sensitive conditions and CEL rules for one order.
    fn block_rules(&mut self, i: usize, b: &Block, o: &Order) {
        let name = block_name(i, b);
        let kind = o.kind().to_string();
        let for_kind = |k: &Option<String>| k.as_ref().is_none_or(|k| *k == kind);
        let at = |path: &str| {
            let node = o.doc.root.deepest(path);
            o.doc.span(node)
        };
        for f in b.fields.iter().flatten().filter(|f| for_kind(&f.kind)) {
            let decision = strength(f.level);
            let Some(value) = field(&o.object, &f.field) else {
                continue;
            };
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let mut broken: Vec<String> = Vec::new();
            for (limit, is_max) in [(&f.max, true), (&f.min, false)] {
                let Some(limit) = limit else { continue };
                let (Ok(v), Ok(l)) = (Quantity::parse(&text), Quantity::parse(&limit.text())) else {
                    broken.push(format!("`{}` is not a number or quantity", f.field));
                    continue;
                };
                if (is_max && v > l) || (!is_max && v < l) {
                    broken.push(format!(
                        "`{}` is {text}, {} {}",
                        f.field,
                        if is_max {
                            "above the maximum"
                        } else {
                            "below the minimum"
                        },
                        limit.text()
                    ));
                }
            }
            if let Some(values) = &f.one_of {
                if !values.contains(&text) {
                    broken.push(format!("`{}` is `{text}`, not one of {}", f.field, values.join(", ")));
                }
            }
            if let Some(p) = &f.pattern {
                if !regex::Regex::new(p).is_ok_and(|r| r.is_match(&text)) {
                    broken.push(format!("`{}` is `{text}`, which does not match `{p}`", f.field));
                }
            }
            for m in broken {
                let message = f.message.as_ref().map_or(m.clone(), |msg| format!("{msg} ({m})"));
                let code = if decision == Decision::Reject {
                    ReasonCode::FieldHard
                } else {
                    ReasonCode::FieldSoft
                };
                self.add(code, decision, Some(name.clone()), message, Some(at(&f.field)));
            }
        }
        for s in b.sensitive.iter().flatten().filter(|s| for_kind(&s.kind)) {
            let hit = match &s.when {
                None => cel::Evaluation::True,
                Some(expr) => self.eval(expr, o),
            };
            let message = s.message.clone().unwrap_or_else(|| match &s.when {
                Some(w) => format!("`{kind}` where `{w}` needs a review"),
                None => format!("`{kind}` needs a review"),
            });
            match hit {
                cel::Evaluation::True => self.add(
                    ReasonCode::Custom(s.reason.clone()),
                    Decision::ReviewRequired,
                    Some(name.clone()),
                    message,
                    Some(o.doc.head_span()),
                ),
                cel::Evaluation::False => {}
                cel::Evaluation::Error(e) => self.cel_error(&name, s.when.as_deref().unwrap_or(""), &e, o),
            }
        }
        for c in b.cel.iter().flatten().filter(|c| for_kind(&c.kind)) {
            match self.eval(&c.expression, o) {
                cel::Evaluation::True => {}
                cel::Evaluation::False => {
                    let decision = strength(c.level);
                    let code = if decision == Decision::Reject {
                        ReasonCode::CelHard
                    } else {
                        ReasonCode::CelSoft
                    };
                    let message = c
                        .message
                        .clone()
                        .unwrap_or_else(|| format!("`{}` is false", c.expression));
                    self.add(code, decision, Some(name.clone()), message, Some(o.doc.head_span()));
                }
                cel::Evaluation::Error(e) => self.cel_error(&name, &c.expression, &e, o),
            }
        }
    }

    fn eval(&mut self, expression: &str, o: &Order) -> cel::Evaluation {
        match self.program(expression) {
            Some(p) => cel::evaluate(p, &o.object),
            None => cel::Evaluation::Error("the expression does not compile".into()),
        }
    }

    fn cel_error(&mut self, name: &str, expression: &str, error: &str, o: &Order) {
        self.add(
            ReasonCode::PolicyError,
            Decision::ReviewRequired,
            Some(name.to_string()),
            format!("`{expression}` cannot be evaluated for this order ({error}); it does not pass"),
            Some(o.doc.head_span()),
        );
    }

    /// S10: counts and sums, before and after, for every group the PR touches.
    fn quotas(&mut self, pre: &[Order], post: &[Order]) {
        let req = self.req;
        let Some(blocks) = &req.policy.rules else { return };
        // Groups touched: those of changed orders after, and of changed or deleted ones before.
        let changed_paths: BTreeSet<&str> = req.changes.iter().map(|(p, _)| p.as_str()).collect();
        for (i, b) in blocks.iter().enumerate() {
            let name = block_name(i, b);
            for c in b.count.iter().flatten() {
                let per = c.per.unwrap_or_default();
                let what = c.kind.clone().unwrap_or_else(|| "orders".into());
                let take = |o: &&Order| selects(b, o) && c.kind.as_ref().is_none_or(|k| k == o.kind());
                let count = |set: &[Order]| {
                    let mut m: BTreeMap<String, (i128, Option<Span>)> = BTreeMap::new();
                    for o in set.iter().filter(take) {
                        let e = m.entry(self.group(per, o)).or_insert((0, None));
                        e.0 += 1;
                        if o.changed {
                            e.1 = Some(o.doc.head_span());
                        }
                    }
                    m
                };
                let (before, after) = (count(pre), count(post));
                let unit = quantity::PLAIN;
                let q = |n: i128| Quantity {
                    nanos: n * 1_000_000_000,
                    unit,
                };
                let touched = touched(pre, post, &changed_paths, |o| take(&o), |o| self.group(per, o));
                for g in touched {
                    let b4 = before.get(&g).map_or(0, |x| x.0);
                    let (af, at) = after.get(&g).map_or((0, None), |x| (x.0, x.1));
                    let limits = (c.soft.map(|s| q(i128::from(s))), c.hard.map(|h| q(i128::from(h))));
                    self.quota(
                        &name,
                        format!("count {what} per {} {g}", per_name(per)),
                        q(b4),
                        q(af),
                        limits,
                        at,
                    );
                }
            }
            for s in b.sum.iter().flatten() {
                let per = s.per.unwrap_or_default();
                let soft = s.soft.as_ref().and_then(|l| Quantity::parse(&l.text()).ok());
                let hard = s.hard.as_ref().and_then(|l| Quantity::parse(&l.text()).ok());
                let unit = hard.or(soft).map_or(quantity::PLAIN, |q| q.unit);
                let take = |o: &&Order| selects(b, o) && o.kind() == s.kind;
                let mut errors: Vec<(String, Span)> = Vec::new();
                let mut sum = |set: &[Order], this: &mut Self| {
                    let mut m: BTreeMap<String, (Quantity, Option<Span>)> = BTreeMap::new();
                    for o in set.iter().filter(take) {
                        if let Some(w) = &s.when {
                            match this.eval(w, o) {
                                cel::Evaluation::True => {}
                                cel::Evaluation::False => continue,
                                cel::Evaluation::Error(e) => {
                                    errors.push((
                                        format!("`{w}` cannot be evaluated ({e}); it does not pass"),
                                        o.doc.head_span(),
                                    ));
                                    continue;
                                }
                            }
                        }
                        let e = m.entry(this.group(per, o)).or_insert((Quantity::zero(unit), None));
                        if o.changed {
                            e.1 = Some(o.doc.span(o.doc.root.deepest(&s.field)));
                        }
                        let Some(v) = field(&o.object, &s.field) else { continue };
                        let text = match v {
                            serde_json::Value::String(t) => t.clone(),
                            other => other.to_string(),
                        };
                        match Quantity::parse(&text) {
                            Ok(q) => e.0 = e.0.plus(q),
                            Err(err) => errors.push((err, o.doc.span(o.doc.root.deepest(&s.field)))),
                        }
                    }
                    m
                };
                let before = sum(pre, self);
                let after = sum(post, self);
                for (message, span) in errors {
                    self.add(
                        ReasonCode::PolicyError,
                        Decision::ReviewRequired,
                        Some(name.clone()),
                        message,
                        Some(span),
                    );
                }
                let touched = touched(pre, post, &changed_paths, |o| take(&o), |o| self.group(per, o));
                for g in touched {
                    let zero = Quantity::zero(unit);
                    let b4 = before.get(&g).map_or(zero, |x| x.0);
                    let (af, at) = after.get(&g).map_or((zero, None), |x| (x.0, x.1));
                    let label = format!("sum {}.{} per {} {g}", s.kind, s.field, per_name(per));
                    self.quota(&name, label, b4, af, (soft, hard), at);
                }
            }
        }
    }

    /// Records a quota's use; a breach the PR makes worse is a reason.
    fn quota(
        &mut self,
        name: &str,
        label: String,
        before: Quantity,
        after: Quantity,
        (soft, hard): (Option<Quantity>, Option<Quantity>),
        at: Option<Span>,
    ) {
        let unit = hard.or(soft).map_or(after.unit, |q| q.unit);
        let show = |q: Quantity| q.with_unit(unit).to_string();
        let usage = QuotaUse {
            quota: label.clone(),
            before: show(before),
            after: show(after),
            soft: soft.map(show),
            hard: hard.map(show),
        };
        let worse = after > before;
        let breach = if hard.is_some_and(|h| after > h) && worse {
            Some((ReasonCode::QuotaHard, Decision::Reject, "hard", hard))
        } else if soft.is_some_and(|s| after > s) && worse {
            Some((ReasonCode::QuotaSoft, Decision::ReviewRequired, "soft", soft))
        } else {
            None
        };
        if let Some((code, decision, level, Some(limit))) = breach {
            self.add(
                code,
                decision,
                Some(name.to_string()),
                format!(
                    "{label}: {} → {} is over the {level} limit {}",
                    show(before),
                    show(after),
                    show(limit)
                ),
                at,
            );
            if let Some(r) = self.reasons.last_mut() {
                r.quota = Some(usage.clone());
            }
        }
        self.quotas.push(usage);
    }

    /// The group key of an order for a quota.
    fn group(&self, per: Per, o: &Order) -> String {
        match per {
            Per::Namespace => o.place(),
            Per::Cluster => {
                if o.cluster.is_empty() {
                    "(all)".into()
                } else {
                    o.cluster.to_string()
                }
            }
            Per::Team => self
                .req
                .codeowners
                .map(|c| c.owners_of(o.rel).join(" "))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "(unowned)".into()),
        }
    }
}

/// The groups of the orders the PR adds, modifies or deletes.
fn touched<'o>(
    pre: &'o [Order<'o>],
    post: &'o [Order<'o>],
    changed: &BTreeSet<&str>,
    take: impl Fn(&Order) -> bool,
    group: impl Fn(&Order) -> String,
) -> BTreeSet<String> {
    post.iter()
        .filter(|o| o.changed)
        .chain(pre.iter().filter(|o| changed.contains(o.rel)))
        .filter(|o| take(o))
        .map(group)
        .collect()
}

fn per_name(per: Per) -> &'static str {
    match per {
        Per::Namespace => "namespace",
        Per::Cluster => "cluster",
        Per::Team => "team",
    }
}

fn strength(level: Option<Strength>) -> Decision {
    match level.unwrap_or_default() {
        Strength::Hard => Decision::Reject,
        Strength::Soft => Decision::ReviewRequired,
    }
}

fn block_name(i: usize, b: &Block) -> String {
    b.name.clone().unwrap_or_else(|| format!("policy.rules[{i}]"))
}

/// True when a block's selector matches an order.
fn selects(b: &Block, o: &Order) -> bool {
    let Some(sel) = &b.selector else { return true };
    sel.cluster.as_ref().is_none_or(|g| glob_match(g, o.cluster))
        && sel.namespace.as_ref().is_none_or(|g| glob_match(g, o.namespace))
        && sel.kinds.as_ref().is_none_or(|k| k.iter().any(|k| k == o.kind()))
}

fn matching<'p>(policy: &'p Policy, o: &'p Order) -> impl Iterator<Item = (usize, &'p Block)> {
    policy
        .rules
        .iter()
        .flatten()
        .enumerate()
        .filter(move |(_, b)| selects(b, o))
}
