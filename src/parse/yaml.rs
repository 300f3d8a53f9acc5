//! YAML text → spanned node tree, multi-document, in one pass over granit-parser events.
//!
//! Scalars are resolved the way the Kubernetes API server reads YAML (go-yaml v2, YAML 1.1
//! booleans such as `yes`/`on`, leading-zero octals). Aliases are expanded under a node and
//! depth budget so that alias bombs end in a diagnostic, never in a hang. Nothing here knows
//! about Kubernetes kinds; problems are returned as data for the `yaml-*` rules.

use crate::parse::text::code;
use granit_parser::{Event, Marker, Parser, ScalarStyle};
use std::collections::HashMap;

/// What anchors and aliases may copy in one file (all its documents together), unless the
/// caller sets other [`Limits`]: nodes.
pub const ALIAS_NODE_BUDGET: usize = 1_000_000;
/// What anchors and aliases may copy in one file: bytes of keys and scalars.
pub const ALIAS_BYTE_BUDGET: usize = 64 << 20;
/// The most nodes (scalars, mappings, sequences) one file may hold: above any file under the
/// default size limit of 5 MiB, far below what exhausts memory.
pub const NODE_BUDGET: usize = 4_000_000;

/// The expansion budget of one file. Remembering an anchor and expanding an alias each copy
/// the anchored subtree: both count, so neither large scalars behind aliases, nor nested
/// anchors, nor many small bombs in separate documents can grow the tree past the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Nodes copied.
    pub alias_nodes: usize,
    /// Key and scalar bytes copied.
    pub alias_bytes: usize,
    /// Nodes the file itself holds (before alias expansion).
    pub nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            alias_nodes: ALIAS_NODE_BUDGET,
            alias_bytes: ALIAS_BYTE_BUDGET,
            nodes: NODE_BUDGET,
        }
    }
}
/// Maximum nesting depth of the built tree (after alias expansion).
pub const MAX_DEPTH: usize = 256;

/// A resolved YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or empty.
    Null,
    /// A boolean (YAML 1.1 spellings included, as Kubernetes reads them).
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (every quoted scalar, and plain scalars that resolve to nothing else).
    Str(String),
    /// A mapping, in source order.
    Map(Vec<Entry>),
    /// A sequence.
    Seq(Vec<Node>),
}

/// A node of the tree with its byte span in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Start byte offset.
    pub start: u32,
    /// End byte offset.
    pub end: u32,
    /// The value.
    pub value: Value,
    /// True when the scalar was written quoted or as a block scalar.
    pub quoted: bool,
}

/// One `key: value` pair of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key text.
    pub key: String,
    /// Start byte offset of the key.
    pub key_start: u32,
    /// End byte offset of the key.
    pub key_end: u32,
    /// The value node.
    pub value: Node,
}

/// One YAML document of a file.
#[derive(Clone, Debug)]
pub struct Document {
    /// The root node.
    pub root: std::sync::Arc<Node>,
}

/// What went wrong while reading a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not YAML (or over a limit): the document is dropped.
    Syntax,
    /// A mapping key that is itself a mapping or sequence: valid YAML, but Kubernetes (whose
    /// objects are JSON, with string keys) cannot read it. The document is dropped.
    ComplexKey,
    /// A key appears twice in one mapping; `first` is the earlier key's span.
    DuplicateKey {
        /// Span of the first occurrence.
        first: (u32, u32),
    },
}

/// A problem found while parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Which kind.
    pub kind: ProblemKind,
    /// Start byte offset.
    pub start: u32,
    /// End byte offset.
    pub end: u32,
    /// Human-readable description.
    pub message: String,
}

/// The result of parsing one file.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The documents that parsed (empty documents are skipped, like kubectl does).
    pub docs: Vec<Document>,
    /// Syntax errors and duplicate keys.
    pub problems: Vec<Problem>,
}

impl Node {
    /// The mapping entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    /// The string, if this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The boolean, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
    /// The integer, if this is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }
    /// The number as f64, if this is an integer or a float.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }
    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
    /// The entry for `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }
    /// The value for `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut n = self;
        for k in keys {
            n = n.get(k)?;
        }
        Some(n)
    }
    /// The string at a path of mapping keys.
    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys)?.as_str()
    }
    /// A short name of the value's type, as Kubernetes names it.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Map(_) => "object",
            Value::Seq(_) => "array",
        }
    }
    /// The scalar rendered as text (for messages and comparisons).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Null => Some("null".into()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Str(s) => Some(s.clone()),
            _ => None,
        }
    }
    /// The value as JSON (for CEL evaluation); non-finite floats become null.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => serde_json::Value::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                serde_json::Value::Object(entries.iter().map(|e| (e.key.clone(), e.value.to_json())).collect())
            }
        }
    }
    /// Follows a dotted field path (`spec.items[0].name`, as CEL reports it) as far as it goes.
    pub fn deepest(&self, path: &str) -> &Node {
        let mut n = self;
        for seg in path.split('.').filter(|s| !s.is_empty()) {
            let (key, index) = match seg.split_once('[') {
                Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
                None => (seg, None),
            };
            let next = if key.is_empty() { Some(n) } else { n.get(key) };
            let Some(mut next) = next else { break };
            if let Some(i) = index {
                match next.as_seq().and_then(|s| s.get(i)) {
                    Some(item) => next = item,
                    None => break,
                }
            }
            n = next;
        }
        n
    }
    /// True when both nodes hold the same value (spans ignored, mappings in any order).
    pub fn same_as(&self, other: &Node) -> bool {
        match (&self.value, &other.value) {
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|e| b.iter().any(|f| f.key == e.key && e.value.same_as(&f.value)))
            }
            (Value::Seq(a), Value::Seq(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y)),
            (a, b) => a == b,
        }
    }
    /// Number of nodes in this subtree and its height.
    /// (nodes, height, key and scalar bytes) of the subtree.
    fn measure(&self) -> (usize, usize, usize) {
        match &self.value {
            Value::Map(m) => m.iter().fold((1, 1, 0), |(n, h, b), e| {
                let (cn, ch, cb) = e.value.measure();
                (n + cn + 1, h.max(ch + 1), b + cb + e.key.len())
            }),
            Value::Seq(s) => s.iter().fold((1, 1, 0), |(n, h, b), c| {
                let (cn, ch, cb) = c.measure();
                (n + cn, h.max(ch + 1), b + cb)
            }),
            Value::Str(t) => (1, 1, t.len()),
            _ => (1, 1, 8),
        }
    }
}

fn offset(m: &Marker) -> u32 {
    m.byte_offset().unwrap_or(m.index()) as u32
}

/// Resolves a plain scalar the way go-yaml v2 (and so `kubectl` and the API server) does.
pub fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => return Value::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::Str(s.to_string());
    }
    if let Some(i) = parse_int(s) {
        return Value::Int(i);
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    let numeric = plain
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && plain.bytes().any(|b| b.is_ascii_digit());
    if numeric {
        if let Ok(f) = plain.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(s.to_string())
}

fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(h) = clean.strip_prefix("0x") {
        (16, h.to_string())
    } else if let Some(b) = clean.strip_prefix("0b") {
        (2, b.to_string())
    } else if let Some(o) = clean.strip_prefix("0o") {
        (8, o.to_string())
    } else if clean.len() > 1 && clean.starts_with('0') && clean.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        (8, clean[1..].to_string())
    } else {
        (10, clean)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i64::from_str_radix(&digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

enum Frame {
    Map {
        start: u32,
        anchor: usize,
        entries: Vec<Entry>,
        index: Option<HashMap<String, usize>>,
        key: Option<(String, u32, u32)>,
        merges: Vec<Node>,
        /// The pending key is a mapping or sequence: its entry is left out.
        complex: bool,
    },
    Seq {
        start: u32,
        anchor: usize,
        items: Vec<Node>,
    },
}

struct Builder {
    stack: Vec<Frame>,
    /// Anchored subtrees: (node, nodes, height, bytes).
    anchors: HashMap<usize, (Node, usize, usize, usize)>,
    /// What is left of the file's budget (not reset between documents).
    left: Limits,
    root: Option<Node>,
    problems: Vec<Problem>,
    /// The current document has a complex key (reported; the document is dropped).
    complex_key: bool,
}

impl Builder {
    fn new(limits: Limits) -> Self {
        Builder {
            stack: Vec::new(),
            anchors: HashMap::new(),
            left: limits,
            root: None,
            problems: Vec::new(),
            complex_key: false,
        }
    }

    fn reset(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.root = None;
        self.complex_key = false;
    }

    /// Takes `nodes` and `bytes` from the file's budget; false when it does not hold them.
    fn spend(&mut self, nodes: usize, bytes: usize) -> bool {
        match (
            self.left.alias_nodes.checked_sub(nodes),
            self.left.alias_bytes.checked_sub(bytes),
        ) {
            (Some(n), Some(b)) => {
                self.left.alias_nodes = n;
                self.left.alias_bytes = b;
                true
            }
            _ => false,
        }
    }

    /// Remembers an anchored node; false when copying it would exceed the budget.
    fn remember(&mut self, anchor: usize, node: &Node) -> bool {
        if anchor == 0 {
            return true;
        }
        let (n, h, bytes) = node.measure();
        if !self.spend(n, bytes) {
            return false;
        }
        self.anchors.insert(anchor, (node.clone(), n, h, bytes));
        true
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    /// Attaches a finished node to its parent.
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                index,
                key,
                merges,
                complex,
                ..
            }) => match key.take() {
                None => {
                    let text = match &node.value {
                        Value::Str(s) => s.clone(),
                        Value::Map(_) | Value::Seq(_) => {
                            // One finding per key: a complex key nested in this one is part
                            // of the same defect.
                            self.problems.retain(|p| {
                                !(p.kind == ProblemKind::ComplexKey && p.start >= node.start && p.end <= node.end)
                            });
                            self.problems.push(Problem {
                                kind: ProblemKind::ComplexKey,
                                start: node.start,
                                end: node.end.max(node.start + 1),
                                message: format!(
                                    "this mapping key is a {}: valid YAML, but Kubernetes cannot read it \
                                     (objects are JSON, whose keys are strings)",
                                    if matches!(node.value, Value::Map(_)) {
                                        "mapping"
                                    } else {
                                        "sequence"
                                    }
                                ),
                            });
                            self.complex_key = true;
                            *complex = true;
                            String::new()
                        }
                        other => scalar_key_text(other),
                    };
                    *key = Some((text, node.start, node.end));
                }
                Some((k, ks, ke)) => {
                    if std::mem::take(complex) {
                        return;
                    }
                    if k == "<<" && !node.quoted {
                        merges.push(node);
                        return;
                    }
                    if index.is_none() && entries.len() >= 16 {
                        *index = Some(entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i)).collect());
                    }
                    let existing = match index {
                        Some(ix) => ix.get(&k).copied(),
                        None => entries.iter().position(|e| e.key == k),
                    };
                    match existing {
                        Some(i) => {
                            let first = (entries[i].key_start, entries[i].key_end);
                            self.problems.push(Problem {
                                kind: ProblemKind::DuplicateKey { first },
                                start: ks,
                                end: ke,
                                message: format!("duplicate key {code0}", code0 = code(&k)),
                            });
                            entries[i] = Entry {
                                key: k,
                                key_start: ks,
                                key_end: ke,
                                value: node,
                            };
                        }
                        None => {
                            if let Some(ix) = index {
                                ix.insert(k.clone(), entries.len());
                            }
                            entries.push(Entry {
                                key: k,
                                key_start: ks,
                                key_end: ke,
                                value: node,
                            });
                        }
                    }
                }
            },
        }
    }
}

fn scalar_key_text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.clone(),
        _ => String::new(),
    }
}

fn scalar_node(text: &str, style: ScalarStyle, tag: Option<&granit_parser::Tag>, start: u32, end: u32) -> Node {
    let quoted = !matches!(style, ScalarStyle::Plain);
    // go-yaml v2 resolves the core tags `!!int`, `!!float`, `!!bool` and `!!null` (even on a
    // quoted scalar); a scalar with any other tag, the non-specific `!` included, stays the
    // string it reads.
    let value = match tag.map(|t| t.core_suffix()) {
        None if quoted => Value::Str(text.to_string()),
        None => resolve_plain(text),
        Some(Some("int" | "float" | "bool" | "null")) => resolve_plain(text),
        Some(_) => Value::Str(text.to_string()),
    };
    Node {
        start,
        end,
        value,
        quoted,
    }
}

/// Parses a (possibly multi-document) YAML text under the default [`Limits`].
pub fn parse(text: &str) -> Parsed {
    parse_with(text, Limits::default())
}

/// The problem for a file whose anchors and aliases exceed its budget: the rest of the file
/// is not read.
fn budget_problem(s: u32, e: u32, limits: Limits) -> Problem {
    Problem {
        kind: ProblemKind::Syntax,
        start: s,
        end: e,
        message: format!(
            "anchors and aliases would copy more than {} nodes or {} bytes in this file (an alias bomb?; \
             config `limits.yaml-alias-nodes`, `limits.yaml-alias-bytes`); the rest of the file is skipped",
            limits.alias_nodes, limits.alias_bytes
        ),
    }
}

/// Parses a (possibly multi-document) YAML text; anchors and aliases may copy at most
/// `limits` in the whole file.
pub fn parse_with(text: &str, limits: Limits) -> Parsed {
    let mut out = Parsed::default();
    let mut options = granit_parser::Options::default();
    options.set_emit_comments(false);
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut b = Builder::new(limits);
    // Set when the budget is spent: the problem is reported and the file ends there.
    let mut spent: Option<Problem> = None;
    loop {
        let next = parser.next_event();
        let (event, span) = match next {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let at = offset(e.marker()).min(text.len() as u32);
                let end = next_char_end(text, at);
                out.problems.push(Problem {
                    kind: ProblemKind::Syntax,
                    start: at,
                    end,
                    message: e.kind().to_string(),
                });
                b.reset();
                match parser.proceed_next_document() {
                    Ok(true) => continue,
                    _ => break,
                }
            }
        };
        let (s, e) = (offset(&span.start), offset(&span.end));
        let mut fatal: Option<Problem> = None;
        if matches!(
            event,
            Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..)
        ) {
            if b.left.nodes == 0 {
                out.problems.push(Problem {
                    kind: ProblemKind::Syntax,
                    start: s,
                    end: e,
                    message: format!(
                        "the file holds more than {} YAML nodes (config `limits.yaml-nodes`); the rest of the file is skipped",
                        limits.nodes
                    ),
                });
                break;
            }
            b.left.nodes -= 1;
        }
        match event {
            Event::DocumentStart(..) => b.reset(),
            Event::DocumentEnd => {
                if let Some(root) = b.root.take() {
                    // A document with a complex key is reported (yaml-complex-key) and not
                    // checked further: Kubernetes cannot read it at all.
                    if !root.is_null() && !b.complex_key {
                        out.docs.push(Document {
                            root: std::sync::Arc::new(root),
                        });
                    }
                }
                b.reset();
            }
            Event::Scalar(v, style, anchor, tag) => {
                let node = scalar_node(&v, style, tag.as_deref(), s, e);
                if !b.remember(anchor, &node) {
                    spent = Some(budget_problem(s, e, limits));
                }
                if b.expecting_key() {
                    // Keys keep their text: `y:` or `on:` name a field, not a boolean.
                    b.push(Node {
                        value: Value::Str(v.into_owned()),
                        ..node
                    });
                } else {
                    b.push(node);
                }
            }
            Event::MappingStart(_, anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    fatal = Some(depth_problem(s, e));
                } else {
                    b.stack.push(Frame::Map {
                        start: s,
                        anchor,
                        entries: Vec::new(),
                        index: None,
                        key: None,
                        merges: Vec::new(),
                        complex: false,
                    });
                }
            }
            Event::SequenceStart(_, anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    fatal = Some(depth_problem(s, e));
                } else {
                    b.stack.push(Frame::Seq {
                        start: s,
                        anchor,
                        items: Vec::new(),
                    });
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    start,
                    anchor,
                    mut entries,
                    merges,
                    ..
                }) = b.stack.pop()
                {
                    apply_merges(&mut entries, merges);
                    let node = Node {
                        start,
                        end: e.max(start),
                        value: Value::Map(entries),
                        quoted: false,
                    };
                    if !b.remember(anchor, &node) {
                        spent = Some(budget_problem(start, e.max(start), limits));
                    }
                    b.push(node);
                }
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { start, anchor, items }) = b.stack.pop() {
                    let node = Node {
                        start,
                        end: e.max(start),
                        value: Value::Seq(items),
                        quoted: false,
                    };
                    if !b.remember(anchor, &node) {
                        spent = Some(budget_problem(start, e.max(start), limits));
                    }
                    b.push(node);
                }
            }
            Event::Alias(id) => match b.anchors.get(&id) {
                Some(&(ref node, count, height, bytes)) => {
                    if b.stack.len() + height > MAX_DEPTH {
                        fatal = Some(depth_problem(s, e));
                    } else {
                        let mut node = node.clone();
                        if b.spend(count, bytes) {
                            node.start = s;
                            node.end = e;
                            b.push(node);
                        } else {
                            spent = Some(budget_problem(s, e, limits));
                        }
                    }
                }
                None => {
                    fatal = Some(Problem {
                        kind: ProblemKind::Syntax,
                        start: s,
                        end: e,
                        message: "alias to an unknown anchor".into(),
                    })
                }
            },
            _ => {}
        }
        if let Some(p) = spent.take() {
            out.problems.push(p);
            break;
        }
        if let Some(p) = fatal {
            out.problems.push(p);
            b.reset();
            match parser.proceed_next_document() {
                Ok(true) => continue,
                _ => break,
            }
        }
    }
    out.problems.append(&mut b.problems);
    out
}

fn depth_problem(s: u32, e: u32) -> Problem {
    Problem {
        kind: ProblemKind::Syntax,
        start: s,
        end: e,
        message: format!("nesting deeper than {MAX_DEPTH} levels; document skipped"),
    }
}

/// Adds the entries of `<<` merge sources that the mapping does not set itself, first source
/// first (go-yaml v2's order). Linear: keys seen are kept in a set.
fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    if merges.is_empty() {
        return;
    }
    let mut seen: std::collections::HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
    for m in merges {
        let sources: Vec<Node> = match m.value {
            Value::Map(_) => vec![m],
            Value::Seq(items) => items,
            _ => continue,
        };
        for src in sources {
            if let Value::Map(src_entries) = src.value {
                for se in src_entries {
                    if seen.insert(se.key.clone()) {
                        entries.push(se);
                    }
                }
            }
        }
    }
}

fn next_char_end(text: &str, at: u32) -> u32 {
    let at = at as usize;
    match text.get(at..).and_then(|t| t.chars().next()) {
        Some(c) if c != '\n' && c != '\r' => (at + c.len_utf8()) as u32,
        _ => at as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_per_file_and_stop_the_file() {
        let limits = Limits {
            alias_nodes: 100,
            alias_bytes: 1_000,
            nodes: 50,
        };
        let p = parse_with("---\na: [1, 2]\n---\nb: [1, 2, 3]\n", limits);
        assert_eq!(p.docs.len(), 2);
        assert!(p.problems.is_empty());
        let many: String = (0..40).map(|i| format!("k{i}: v\n")).collect();
        let p = parse_with(&format!("first: 1\n---\n{many}"), limits);
        assert_eq!(
            p.docs.len(),
            1,
            "the first document is kept, the one over the budget is not"
        );
        assert!(p.problems[0].message.contains("limits.yaml-nodes"), "{:?}", p.problems);
        // The alias budget spans documents: each document alone is under it, together not.
        let doc = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a]\n";
        let p = parse_with(
            &format!("---\n{doc}").repeat(5),
            Limits {
                nodes: 10_000,
                ..limits
            },
        );
        assert!(p.docs.len() < 5);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(p.problems[0].message.contains("limits.yaml-alias-nodes"));
        // A large scalar behind an alias counts its bytes.
        let big = "x".repeat(600);
        let p = parse_with(
            &format!("a: &a {big}\nb: *a\n"),
            Limits {
                nodes: 10_000,
                ..limits
            },
        );
        assert!(p.problems[0].message.contains("bytes"), "{:?}", p.problems);
    }

    #[test]
    fn spans_are_bytes() {
        let t = "a: \"ü€\"\nb: x\n";
        let p = parse(t);
        let root = &p.docs[0].root;
        let b = root.entry("b").unwrap();
        assert_eq!(&t[b.key_start as usize..b.key_end as usize], "b");
        assert_eq!(&t[b.value.start as usize..b.value.end as usize], "x");
    }

    #[test]
    fn resolves_like_kubernetes() {
        assert_eq!(resolve_plain("yes"), Value::Bool(true));
        assert_eq!(resolve_plain("0755"), Value::Int(493));
        assert_eq!(resolve_plain("15.10"), Value::Float(15.1));
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        assert_eq!(resolve_plain("v1"), Value::Str("v1".into()));
        assert_eq!(resolve_plain("-"), Value::Str("-".into()));
        assert_eq!(resolve_plain("inf"), Value::Str("inf".into()));
        assert_eq!(resolve_plain("1.2.3"), Value::Str("1.2.3".into()));
        // Tags as go-yaml v2 reads them: core tags resolve, every other tag leaves a string.
        let p = parse("- ! 12\n- !foo 12\n- !!int \"12\"\n- !!str 12\n- 12\n");
        let items: Vec<&Value> = p.docs[0].root.as_seq().unwrap().iter().map(|n| &n.value).collect();
        let s = |t: &str| Value::Str(t.into());
        assert_eq!(items, [&s("12"), &s("12"), &Value::Int(12), &s("12"), &Value::Int(12)]);
    }

    #[test]
    fn duplicate_keys_and_multi_doc() {
        let p = parse("a: 1\na: 2\n---\nb: [1, 2]\n---\n# only a comment\n");
        assert_eq!(p.docs.len(), 2);
        assert!(matches!(p.problems[0].kind, ProblemKind::DuplicateKey { .. }));
        assert_eq!(p.docs[0].root.get("a").unwrap().as_i64(), Some(2));
    }

    #[test]
    fn complex_keys_are_one_problem_each_and_drop_their_document() {
        let p = parse("? [a, b]\n: 1\n? [c]\n: 2\n{{[x]: y}: z}: 3\n---\nok: 1\n");
        let kinds: Vec<&ProblemKind> = p.problems.iter().map(|p| &p.kind).collect();
        assert_eq!(kinds, [&ProblemKind::ComplexKey; 3], "{:?}", p.problems);
        assert_eq!(p.docs.len(), 1, "only the readable document is kept");
        assert!(p.docs[0].root.get("ok").is_some());
    }

    #[test]
    fn recovers_after_a_bad_document() {
        let p = parse("a: [1\n---\nb: 2\n");
        assert!(!p.problems.is_empty());
        assert!(p.docs.iter().any(|d| d.root.get("b").is_some()), "{p:?}");
    }

    #[test]
    fn merge_keys_and_aliases() {
        let p = parse("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n");
        let d = p.docs[0].root.get("derived").unwrap();
        assert_eq!(d.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(d.get("y").unwrap().as_i64(), Some(3));
    }
}

/// Maps byte offsets inside a scalar's value back to byte offsets in the file. Exact for
/// literal block scalars (`|`), which is how templates are written; other styles map every
/// offset to the scalar's start.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// (offset of a value line, offset of that line's content in the file)
    lines: Vec<(u32, u32)>,
    fallback: u32,
}

impl OffsetMap {
    /// Builds the map for `node` (a string scalar) in `text`.
    pub fn new(text: &str, node: &Node) -> Self {
        let fallback = node.start;
        let mut map = OffsetMap {
            lines: Vec::new(),
            fallback,
        };
        let Some(value) = node.as_str() else {
            return map;
        };
        let start = (node.start as usize).min(text.len());
        // The scalar starts at its first content character; its header (`|`, `|-`, `|2`…) ends
        // the previous line.
        let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
        if line_start == 0 || !text[line_start..start].trim().is_empty() {
            return map;
        }
        let header_line_start = text[..line_start - 1].rfind('\n').map_or(0, |p| p + 1);
        let header = text[header_line_start..line_start - 1]
            .split(" #")
            .next()
            .unwrap_or("")
            .trim_end();
        let literal = header.rsplit([' ', '\t']).next().is_some_and(|t| t.starts_with('|'));
        if !literal {
            return map;
        }
        let indent = start - line_start;
        let mut file_off = line_start;
        let mut value_off = 0usize;
        for vline in value.split('\n') {
            if file_off > text.len() {
                break;
            }
            let sline = text[file_off..].split('\n').next().unwrap_or("");
            let skip = indent.min(sline.len() - sline.trim_start_matches(' ').len());
            map.lines.push((value_off as u32, (file_off + skip) as u32));
            value_off += vline.len() + 1;
            file_off += sline.len() + 1;
        }
        map
    }

    /// The file offset of value offset `off`.
    pub fn to_file(&self, off: usize) -> u32 {
        let off = off as u32;
        match self.lines.binary_search_by(|(v, _)| v.cmp(&off)) {
            Ok(i) => self.lines[i].1,
            Err(0) => self.fallback,
            Err(i) => self.lines[i - 1].1 + (off - self.lines[i - 1].0),
        }
    }
}
#[cfg(test)]
mod offset_tests {
    #[test]
    fn block_scalar_offsets() {
        let text = "x:\n  template: |\n    line one\n    {{ x }}\n";
        let p = super::parse(text);
        let node = p.docs[0].root.path(&["x", "template"]).expect("template");
        let map = super::OffsetMap::new(text, node);
        let value = node.as_str().expect("str");
        let at = value.find("{{").expect("action");
        assert_eq!(&text[map.to_file(at) as usize..][..7], "{{ x }}", "node {node:?}");
    }
}

/// Every string scalar under `node`, in document order.
pub fn string_nodes<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.value {
        Value::Str(_) => out.push(node),
        Value::Map(entries) => entries.iter().for_each(|e| string_nodes(&e.value, out)),
        Value::Seq(items) => items.iter().for_each(|i| string_nodes(i, out)),
        _ => {}
    }
}
