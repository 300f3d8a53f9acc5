//! The scaffolder's `${{ … }}` Nunjucks expressions: finding them in a string, tokenising and
//! parsing a body into what it reads, and the filters and context variables it may name.

use crate::parse::text::code;

/// True when a string holds a scaffolder expression (`${{ … }}`), which cannot be judged as a
/// literal.
pub fn has_expression(s: &str) -> bool {
    s.contains("${{")
}

/// Nunjucks's built-in filters and the ones Backstage's scaffolder adds.
pub const FILTERS: &[&str] = &[
    "abs",
    "batch",
    "capitalize",
    "center",
    "d",
    "default",
    "dictsort",
    "dump",
    "e",
    "escape",
    "first",
    "float",
    "forceescape",
    "groupby",
    "indent",
    "int",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "nl2br",
    "random",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "string",
    "striptags",
    "sum",
    "title",
    "trim",
    "truncate",
    "upper",
    "urlencode",
    "urlize",
    "wordcount",
    // Backstage's scaffolder.
    "parseRepoUrl",
    "parseEntityRef",
    "pick",
    "projectSlug",
];

/// The variables of the scaffolder's template context (NunjucksWorkflowRunner's
/// `TemplateContext`); a skeleton sees none of them, only `values`.
pub const CONTEXT_ROOTS: &[&str] = &[
    "parameters",
    "steps",
    "secrets",
    "user",
    "each",
    "environment",
    "context",
];

/// One `${{ … }}` in a string.
#[derive(Debug, Clone, Copy)]
pub struct Expression<'a> {
    /// The whole `${{ … }}` (to `}}`, or to the end when unclosed).
    pub whole: &'a str,
    /// The text between the delimiters.
    pub inner: &'a str,
    /// False when no `}}` closes it.
    pub closed: bool,
}

/// The `${{ … }}` expressions of a string. The body ends at the first `}}` outside a string
/// literal.
pub fn expressions(s: &str) -> Vec<Expression<'_>> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(at) = s[rest..].find("${{") {
        let start = rest + at;
        let body = start + 3;
        let bytes = s.as_bytes();
        let (mut i, mut quote) = (body, None::<u8>);
        let mut end = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(_) if b == b'\\' => i += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'}' && bytes.get(i + 1) == Some(&b'}') => {
                    end = Some(i);
                    break;
                }
                None => {}
            }
            i += 1;
        }
        match end {
            Some(e) => {
                out.push(Expression {
                    whole: &s[start..e + 2],
                    inner: &s[body..e],
                    closed: true,
                });
                rest = e + 2;
            }
            None => {
                out.push(Expression {
                    whole: &s[start..],
                    inner: &s[body..],
                    closed: false,
                });
                break;
            }
        }
    }
    out
}

/// A token of a Nunjucks expression.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Str(String),
    Num,
    Punct(&'a str),
}

fn tokenize(s: &str) -> Result<Vec<Tok<'_>>, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$') {
                i += 1;
            }
            out.push(Tok::Ident(&s[start..i]));
        } else if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.' || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Num);
        } else if c == b'"' || c == b'\'' {
            let mut text = String::new();
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Err("a string literal is not closed".into()),
                    Some(b'\\') => {
                        if let Some(ch) = s.get(i + 1..).and_then(|r| r.chars().next()) {
                            text.push(ch);
                            i += 1 + ch.len_utf8();
                        } else {
                            i += 1;
                        }
                    }
                    Some(&b) if b == c => {
                        i += 1;
                        break;
                    }
                    Some(_) => {
                        let ch = s[i..].chars().next().unwrap_or(' ');
                        text.push(ch);
                        i += ch.len_utf8();
                    }
                }
            }
            out.push(Tok::Str(text));
        } else {
            let two = s.get(i..i + 2).unwrap_or("");
            let three = s.get(i..i + 3).unwrap_or("");
            if matches!(two, "||" | "&&") {
                let word = if two == "||" { "or" } else { "and" };
                return Err(format!(
                    "{code0} is not a Nunjucks operator; use {code1}",
                    code0 = code(&two),
                    code1 = code(&word)
                ));
            }
            let op = if matches!(three, "===" | "!==") {
                three
            } else if matches!(two, "==" | "!=" | "<=" | ">=" | "//" | "**") {
                two
            } else if b"()[]{}.,:|+-*/%<>=~?!".contains(&c) {
                &s[i..i + 1]
            } else {
                return Err(format!(
                    "unexpected character {code0}",
                    code0 = code(&(s[i..].chars().next().unwrap_or(' ')))
                ));
            };
            i += op.len();
            out.push(Tok::Punct(op));
        }
    }
    Ok(out)
}

const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "true",
    "false",
    "True",
    "False",
    "none",
    "None",
    "null",
    "undefined",
];

/// What an expression reads: variable paths from their root, and the filters it applies.
#[derive(Debug, Default)]
pub struct Uses {
    /// Variable paths: the root then each `.name` / `['name']` segment (a computed segment
    /// ends the path).
    pub paths: Vec<Vec<String>>,
    /// Filter names.
    pub filters: Vec<String>,
}

/// Parses an expression body: checks brackets and operands, and lists what it reads.
pub fn analyse(inner: &str) -> Result<Uses, String> {
    let toks = tokenize(inner)?;
    if toks.is_empty() {
        return Err("the expression is empty".into());
    }
    let mut uses = Uses::default();
    let mut stack: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let prev = i.checked_sub(1).map(|p| &toks[p]);
        match &toks[i] {
            Tok::Punct(p @ ("(" | "[" | "{")) => stack.push(p),
            Tok::Punct(p @ (")" | "]" | "}")) => {
                let open = match *p {
                    ")" => "(",
                    "]" => "[",
                    _ => "{",
                };
                if stack.pop() != Some(open) {
                    return Err(format!("{code0} does not close anything", code0 = code(&p)));
                }
            }
            Tok::Punct("|") => match toks.get(i + 1) {
                Some(Tok::Ident(f)) => {
                    uses.filters.push(f.to_string());
                    i += 1;
                }
                _ => return Err("`|` must be followed by a filter name".into()),
            },
            Tok::Ident(name) => {
                let member = matches!(prev, Some(Tok::Punct(".")));
                let test = matches!(prev, Some(Tok::Ident("is")))
                    || matches!(
                        (prev, i.checked_sub(2).map(|p| &toks[p])),
                        (Some(Tok::Ident("not")), Some(Tok::Ident("is")))
                    );
                let key = stack.last() == Some(&"{") && matches!(toks.get(i + 1), Some(Tok::Punct(":")));
                let call = matches!(toks.get(i + 1), Some(Tok::Punct("(")));
                if !(member || test || key || KEYWORDS.contains(name) || (call && is_global(name))) {
                    let mut path = vec![name.to_string()];
                    let mut j = i + 1;
                    loop {
                        match (toks.get(j), toks.get(j + 1), toks.get(j + 2)) {
                            (Some(Tok::Punct(".")), Some(Tok::Ident(seg)), _) => {
                                path.push(seg.to_string());
                                j += 2;
                            }
                            (Some(Tok::Punct("[")), Some(Tok::Str(seg)), Some(Tok::Punct("]"))) => {
                                path.push(seg.clone());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    uses.paths.push(path);
                    // The segments are consumed; brackets among them are balanced.
                    i = j;
                    continue;
                }
            }
            Tok::Punct(".") if !matches!(toks.get(i + 1), Some(Tok::Ident(_))) => {
                return Err("`.` must be followed by a name".into());
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(open) = stack.last() {
        return Err(format!("{code0} is not closed", code0 = code(&open)));
    }
    if let Some(Tok::Punct(p)) = toks.last() {
        if !matches!(*p, ")" | "]" | "}") {
            return Err(format!("the expression ends with {code0}", code0 = code(&p)));
        }
    }
    Ok(uses)
}

fn is_global(name: &str) -> bool {
    matches!(name, "range" | "cycler" | "joiner")
}

/// The parameter a value is wholly made of (`${{ parameters.name }}`, possibly through
/// filters), with whether filters apply; `None` for anything else.
pub fn sole_parameter(value: &str) -> Option<(String, bool)> {
    let exprs = expressions(value);
    let [e] = exprs.as_slice() else { return None };
    if e.whole.len() != value.trim().len() {
        return None;
    }
    let uses = analyse(e.inner).ok()?;
    match uses.paths.as_slice() {
        [path] if path.len() == 2 && path[0] == "parameters" => Some((path[1].clone(), !uses.filters.is_empty())),
        _ => None,
    }
}

/// The step a `steps.<id>…` path names, and the rest of the path.
pub fn step_reference(path: &[String]) -> Option<(&str, &[String])> {
    match path {
        [root, id, rest @ ..] if root == "steps" => Some((id.as_str(), rest)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::backstage::reference::EntityRef;

    #[test]
    fn references_and_filters() {
        let u = analyse(" steps['publish'].output.remoteUrl | default('x') ").unwrap();
        assert_eq!(u.paths, vec![vec!["steps", "publish", "output", "remoteUrl"]]);
        assert_eq!(u.filters, vec!["default"]);
        let u = analyse("parameters.name if parameters.x is defined else user.entity.metadata.name").unwrap();
        let roots: Vec<&str> = u.paths.iter().map(|p| p[0].as_str()).collect();
        assert_eq!(roots, vec!["parameters", "parameters", "user"]);
        let u = analyse("{ a: parameters.b, 'c': 1 } | dump").unwrap();
        assert_eq!(u.paths, vec![vec!["parameters", "b"]]);
        assert!(analyse("parameters.name }").is_err());
        assert!(analyse("(parameters.name").is_err());
        assert!(analyse("parameters.").is_err());
        assert!(analyse("'open").is_err());
        assert!(analyse("  ").is_err());
        assert!(analyse("parameters.name |").is_err());
    }

    #[test]
    fn arbitrary_text_never_panics() {
        // A deterministic spread of ASCII, punctuation, quotes and multi-byte characters.
        let alphabet: Vec<char> = "ab_.$|()[]{}'\"\\:,+-=<>!~? 0éß€😀\n".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut s = String::from("${{");
            seed = seed.rotate_left(5) ^ 0x9e37_79b9_7f4a_7c15;
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            if seed.is_multiple_of(3) {
                s.push_str("}}");
            }
            for e in expressions(&s) {
                let _ = analyse(e.inner);
            }
            let _ = EntityRef::parse(&s).problem();
        }
    }

    #[test]
    fn expressions_in_strings() {
        let e = expressions("a ${{ x }} b ${{ '}}' }} c ${{ y");
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].inner, " x ");
        assert_eq!(e[1].inner, " '}}' ");
        assert!(!e[2].closed);
    }
}
