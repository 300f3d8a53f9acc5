//! A scanner for Go `text/template` sources (function-go-templating inputs). It does not
//! execute anything: it finds actions, checks their nesting, declared variables and quoting,
//! extracts the composite-resource field paths a template reads, and builds a "skeleton" of
//! the template (actions blanked out, byte offsets kept) that can be parsed as YAML.

use std::collections::HashMap;

/// One `{{ … }}` action.
#[derive(Debug, Clone)]
pub struct Action {
    /// Offset of `{{`.
    pub start: usize,
    /// Offset just past `}}`.
    pub end: usize,
    /// The text between the delimiters and trim markers.
    pub body: String,
    /// Offset of `body` in the template.
    pub body_start: usize,
}

/// A parse error with its offset in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TplError {
    /// Start offset.
    pub start: usize,
    /// End offset.
    pub end: usize,
    /// What is wrong, phrased like Go's parser.
    pub message: String,
}

/// A field path of the composite resource read by the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldUse {
    /// Path segments below the XR root, e.g. `["spec", "replicas"]`.
    pub path: Vec<String>,
    /// Start offset in the template.
    pub start: usize,
    /// End offset in the template.
    pub end: usize,
}

/// The result of scanning a template.
#[derive(Debug, Default, Clone)]
pub struct Scan {
    /// All actions in order (comments included).
    pub actions: Vec<Action>,
    /// The first parse error, if any (Go stops at the first one too).
    pub error: Option<TplError>,
    /// Paths of the XR the template reads.
    pub fields: Vec<FieldUse>,
    /// The template with every action replaced by filler of the same length.
    pub skeleton: String,
}

const XR_ROOT: &str = ".observed.composite.resource";

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Chain(String),
    Str(String),
    Ident(String),
    Var(String),
    Declare,
    Assign,
    Other,
}

/// Scans a template.
pub fn scan(src: &str) -> Scan {
    let mut out = Scan::default();
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut skeleton: Vec<u8> = bytes.to_vec();
    let mut lines = Lines::default();
    while let Some(rel) = src[i..].find("{{") {
        let start = i + rel;
        let mut p = start + 2;
        if bytes.get(p) == Some(&b'-') && matches!(bytes.get(p + 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            p += 1;
        }
        let body_start = p;
        let close = match find_close(src, p) {
            Ok(c) => c,
            Err(e) => {
                out.error.get_or_insert(e);
                break;
            }
        };
        let mut body_end = close;
        if body_end > body_start
            && bytes[body_end - 1] == b'-'
            && body_end >= 2
            && matches!(bytes[body_end - 2], b' ' | b'\t' | b'\n' | b'\r')
        {
            body_end -= 1;
        }
        let end = close + 2;
        out.actions.push(Action {
            start,
            end,
            body: src[body_start..body_end.max(body_start)].to_string(),
            body_start,
        });
        blank(&mut skeleton, src, start, end, &mut lines);
        i = end;
    }
    // An action alone on its line leaves only spaces; inline actions become a word.
    out.skeleton = String::from_utf8(skeleton).unwrap_or_default();
    if out.error.is_none() {
        if let Some(e) = check_structure(&out.actions) {
            out.error = Some(e);
        }
    }
    out.fields = field_uses(&out.actions);
    out
}

/// The line around the actions of a scan, found incrementally: actions come in order, so each
/// byte of the template is searched for a newline at most once or twice however many actions
/// share a line.
#[derive(Default)]
struct Lines {
    /// Where the newline search before the current action stopped, and the line start found.
    searched_to: usize,
    line_start: usize,
    /// The end of the line found last (`None`: not searched yet).
    line_end: Option<usize>,
}

impl Lines {
    /// (start, end) of the line holding `start..end` (end: before its newline).
    fn around(&mut self, src: &str, start: usize, end: usize) -> (usize, usize) {
        if let Some(nl) = src[self.searched_to..start].rfind('\n') {
            self.line_start = self.searched_to + nl + 1;
        }
        self.searched_to = start;
        let line_end = match self.line_end {
            // The first newline after an earlier action's end is the first after this one's.
            Some(e) if e >= end => e,
            _ => src[end..].find('\n').map_or(src.len(), |p| end + p),
        };
        self.line_end = Some(line_end);
        (self.line_start, line_end)
    }
}

/// Replaces an action by filler of the same byte length: spaces when the action is alone on its
/// line (control flow), otherwise `x` characters so the YAML around it still has a value.
fn blank(skel: &mut [u8], src: &str, start: usize, end: usize, lines: &mut Lines) {
    let (line_start, line_end) = lines.around(src, start, end);
    // Only whitespace before the action on its line and after it (stopping at the first
    // other character, so a long line is not scanned per action).
    let alone = src[line_start..start].chars().rev().all(char::is_whitespace)
        && src[end..line_end].chars().all(char::is_whitespace);
    for b in skel[start..end].iter_mut() {
        if *b != b'\n' && *b != b'\r' {
            *b = if alone { b' ' } else { b'x' };
        }
    }
}

fn find_close(src: &str, mut p: usize) -> Result<usize, TplError> {
    let b = src.as_bytes();
    let open = p;
    if src[p..].trim_start().starts_with("/*") {
        let c = src[p..].find("*/").ok_or_else(|| unclosed(open, "comment"))?;
        let after = p + c + 2;
        let rest = &src[after..];
        let ws = rest.len() - rest.trim_start_matches([' ', '-']).len();
        if src[after + ws..].starts_with("}}") {
            return Ok(after + ws);
        }
        return Err(TplError {
            start: open - 2,
            end: after,
            message: "comment ends before closing delimiter".into(),
        });
    }
    while p < b.len() {
        match b[p] {
            b'"' => {
                p += 1;
                while p < b.len() && b[p] != b'"' {
                    if b[p] == b'\\' {
                        p += 1;
                    }
                    if b[p.min(b.len() - 1)] == b'\n' {
                        return Err(TplError {
                            start: p,
                            end: p,
                            message: "unterminated quoted string".into(),
                        });
                    }
                    p += 1;
                }
                if p >= b.len() {
                    return Err(unclosed(open, "action"));
                }
            }
            b'`' => {
                p += 1;
                while p < b.len() && b[p] != b'`' {
                    p += 1;
                }
                if p >= b.len() {
                    return Err(TplError {
                        start: open,
                        end: open,
                        message: "unterminated raw quoted string".into(),
                    });
                }
            }
            b'}' if b.get(p + 1) == Some(&b'}') => return Ok(p),
            _ => {}
        }
        p += 1;
    }
    Err(unclosed(open, "action"))
}

fn unclosed(at: usize, what: &str) -> TplError {
    TplError {
        start: at.saturating_sub(2),
        end: at,
        message: format!("unclosed {what}"),
    }
}

fn tokens(body: &str) -> Vec<(Tok, usize, usize)> {
    let b = body.as_bytes();
    let mut out = Vec::new();
    let mut p = 0;
    while p < b.len() {
        let c = b[p];
        let s = p;
        if c.is_ascii_whitespace() {
            p += 1;
            continue;
        }
        if c == b'"' {
            p += 1;
            let mut val = String::new();
            while p < b.len() && b[p] != b'"' {
                if b[p] == b'\\' && p + 1 < b.len() {
                    p += 1;
                }
                val.push(b[p] as char);
                p += 1;
            }
            p += 1;
            out.push((Tok::Str(val), s, p.min(b.len())));
        } else if c == b'`' {
            p += 1;
            let vs = p;
            while p < b.len() && b[p] != b'`' {
                p += 1;
            }
            out.push((Tok::Str(body[vs..p.min(b.len())].to_string()), s, (p + 1).min(b.len())));
            p += 1;
        } else if c == b':' && b.get(p + 1) == Some(&b'=') {
            out.push((Tok::Declare, s, p + 2));
            p += 2;
        } else if c == b'=' && b.get(p + 1) != Some(&b'=') {
            out.push((Tok::Assign, s, p + 1));
            p += 1;
        } else if c == b'.' || c == b'$' {
            p += 1;
            while p < b.len() && (b[p].is_ascii_alphanumeric() || b[p] == b'_' || b[p] == b'.') {
                p += 1;
            }
            let t = &body[s..p];
            if c == b'$' {
                out.push((Tok::Var(t.to_string()), s, p));
            } else {
                out.push((Tok::Chain(t.to_string()), s, p));
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while p < b.len() && (b[p].is_ascii_alphanumeric() || b[p] == b'_' || b[p] == b'.') {
                p += 1;
            }
            out.push((Tok::Ident(body[s..p].to_string()), s, p));
        } else {
            p += 1;
            // Skip over other runs (numbers, operators, parentheses) a character at a time.
            out.push((Tok::Other, s, p));
        }
    }
    out
}

fn var_name(t: &str) -> &str {
    match t[1..].find('.') {
        Some(i) => &t[..i + 1],
        None => t,
    }
}

fn keyword(body: &str) -> &str {
    let t = body.trim_start();
    let end = t.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(t.len());
    &t[..end]
}

fn check_structure(actions: &[Action]) -> Option<TplError> {
    // Each open block keeps its keyword, its action and the variables declared in it.
    let mut stack: Vec<(&str, &Action, Vec<String>)> = vec![("", actions.first()?, vec!["$".into()])];
    let at = |a: &Action, m: String| {
        Some(TplError {
            start: a.start,
            end: a.end,
            message: m,
        })
    };
    for a in actions {
        let body = a.body.trim();
        if body.starts_with("/*") {
            continue;
        }
        if body.is_empty() {
            return at(a, "missing value for command".into());
        }
        let depth: i32 = body.bytes().fold(0, |d, c| d + (c == b'(') as i32 - (c == b')') as i32);
        if depth != 0 && !body.contains('"') && !body.contains('`') {
            return at(a, "unbalanced parentheses in action".into());
        }
        let kw = keyword(body);
        let toks = tokens(&a.body);
        // Variable use and declaration.
        let mut declared_here = Vec::new();
        // For each token, whether the first later token that is not a variable or other is
        // `:=` (one backward pass, so a long run of variables stays linear).
        let mut declare_follows = vec![false; toks.len()];
        let mut next_is_declare = false;
        for (k, (t, _, _)) in toks.iter().enumerate().rev() {
            declare_follows[k] = next_is_declare;
            if !matches!(t, Tok::Var(_) | Tok::Other) {
                next_is_declare = *t == Tok::Declare;
            }
        }
        for (k, (t, _, _)) in toks.iter().enumerate() {
            if let Tok::Var(v) = t {
                let name = var_name(v).to_string();
                let declares = declare_follows[k] && !v.contains('.');
                if declares {
                    declared_here.push(name);
                } else if !stack.iter().any(|(_, _, vars)| vars.contains(&name)) && !declared_here.contains(&name) {
                    return at(a, format!("undefined variable \"{name}\""));
                }
            }
        }
        match kw {
            "if" | "range" | "with" | "define" | "block" => {
                stack.push((if kw == "block" { "define" } else { kw }, a, declared_here));
                continue;
            }
            "else" => {
                let top = stack.last().map(|s| s.0).unwrap_or("");
                if stack.len() < 2 || !matches!(top, "if" | "range" | "with") {
                    return at(a, "unexpected {{else}}".into());
                }
                // `else if x := …` declares into the same block.
                if let Some(top) = stack.last_mut() {
                    top.2.extend(declared_here);
                }
                continue;
            }
            "end" => {
                if stack.len() < 2 {
                    return at(a, "unexpected {{end}}".into());
                }
                stack.pop();
                continue;
            }
            "break" | "continue" if !stack.iter().any(|s| s.0 == "range") => {
                return at(a, format!("{{{{{kw}}}}} outside {{{{range}}}}"));
            }
            _ => {}
        }
        if let Some(top) = stack.last_mut() {
            top.2.extend(declared_here);
        }
    }
    if stack.len() > 1 {
        let (kw, a, _) = stack.last().expect("len > 1");
        return at(a, format!("unclosed {{{{{kw}}}}} action: missing {{{{end}}}}"));
    }
    None
}

fn xr_path(chain: &str, aliases: &HashMap<String, Vec<String>>) -> Option<Vec<String>> {
    let (base, rest): (Vec<String>, &str) = if let Some(rest) = chain.strip_prefix(XR_ROOT) {
        if !(rest.is_empty() || rest.starts_with('.')) {
            return None;
        }
        (Vec::new(), rest)
    } else if chain.starts_with('$') {
        let name = var_name(chain);
        (aliases.get(name)?.clone(), &chain[name.len()..])
    } else {
        return None;
    };
    let mut path = base;
    path.extend(rest.split('.').filter(|s| !s.is_empty()).map(str::to_string));
    Some(path)
}

fn field_uses(actions: &[Action]) -> Vec<FieldUse> {
    let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
    let mut out = Vec::new();
    for a in actions {
        let toks = tokens(&a.body);
        let off = a.body_start;
        let mut k = 0;
        while k < toks.len() {
            let (t, s, e) = &toks[k];
            match t {
                Tok::Var(v) if toks.get(k + 1).is_some_and(|t| t.0 == Tok::Declare) => {
                    let rhs: Vec<&(Tok, usize, usize)> = toks[k + 2..].iter().collect();
                    if let [(Tok::Chain(c) | Tok::Var(c), _, _)] = rhs.as_slice() {
                        if let Some(p) = xr_path(c, &aliases) {
                            aliases.insert(v.clone(), p);
                        }
                    }
                }
                Tok::Chain(c) | Tok::Var(c) => {
                    if let Some(path) = xr_path(c, &aliases) {
                        let is_index_target = k > 0 && toks[k - 1].0 == Tok::Ident("index".into());
                        if is_index_target {
                            let mut full = path.clone();
                            let mut end = *e;
                            for (t2, _, e2) in &toks[k + 1..] {
                                match t2 {
                                    Tok::Str(s2) => {
                                        full.push(s2.clone());
                                        end = *e2;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(FieldUse {
                                path: full,
                                start: off + s,
                                end: off + end,
                            });
                        } else if !path.is_empty() {
                            out.push(FieldUse {
                                path,
                                start: off + s,
                                end: off + e,
                            });
                        }
                    }
                }
                Tok::Ident(f) if f == "dig" => {
                    // dig "a" "b" <default> <map>
                    let mut args = Vec::new();
                    for tk in &toks[k + 1..] {
                        match &tk.0 {
                            Tok::Ident(x) if x == "|" => break,
                            Tok::Other => break,
                            _ => args.push(tk),
                        }
                    }
                    if args.len() >= 3 {
                        if let (Tok::Chain(c) | Tok::Var(c), _, me) = args[args.len() - 1] {
                            if let Some(mut path) = xr_path(c, &aliases) {
                                let keys = &args[..args.len() - 2];
                                if keys.iter().all(|t| matches!(t.0, Tok::Str(_))) {
                                    for kt in keys {
                                        if let Tok::Str(s2) = &kt.0 {
                                            path.push(s2.clone());
                                        }
                                    }
                                    let start = keys.first().map_or(*s, |kt| kt.1);
                                    out.push(FieldUse {
                                        path,
                                        start: off + start,
                                        end: off + me,
                                    });
                                    k += args.len() + 1;
                                    continue;
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            k += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unclosed_if() {
        let s = scan("{{ if .x }}\na: 1\n");
        assert!(s.error.unwrap().message.contains("unclosed {{if}}"));
    }

    #[test]
    fn finds_unclosed_action() {
        assert!(scan("a: {{ .x }\n").error.unwrap().message.contains("unclosed action"));
    }

    #[test]
    fn undefined_variable() {
        let s = scan("{{ $a := 1 }}{{ $b }}");
        assert_eq!(s.error.unwrap().message, "undefined variable \"$b\"");
        assert!(scan("{{ range $i, $v := .x }}{{ $v }}{{ end }}").error.is_none());
        assert!(scan("{{ range $i, $v := .x }}{{ end }}{{ $v }}").error.is_some());
    }

    #[test]
    fn field_paths() {
        let s = scan(
            "{{ $xr := .observed.composite.resource }}{{ $xr.spec.size }}{{ .observed.composite.resource.spec.name }}\
             {{ index .observed.composite.resource.spec \"a-b\" }}{{ dig \"spec\" \"tier\" \"x\" $xr }}",
        );
        let paths: Vec<String> = s.fields.iter().map(|f| f.path.join(".")).collect();
        assert_eq!(paths, ["spec.size", "spec.name", "spec.a-b", "spec.tier"]);
    }

    #[test]
    fn skeleton_keeps_offsets() {
        let src = "a: {{ .x }}\n{{- if .y }}\nb: 1\n{{- end }}\n";
        let s = scan(src);
        assert_eq!(s.skeleton.len(), src.len());
        assert!(s.skeleton.starts_with("a: xxxxxxxx\n"));
    }
}
