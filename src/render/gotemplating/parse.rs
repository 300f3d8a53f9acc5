//! Lexer and parser of Go `text/template` sources (the action syntax of Go's
//! `text/template/parse`, written for portalint from Go's documentation and semantics).

/// A parse or execution error at a byte offset of the template.
#[derive(Debug, Clone, PartialEq)]
pub struct TplError {
    /// Offset in the template text.
    pub at: usize,
    /// What went wrong.
    pub message: String,
}

pub(crate) fn err<T>(at: usize, message: impl Into<String>) -> Result<T, TplError> {
    Err(TplError {
        at,
        message: message.into(),
    })
}

/// A literal or reference inside a command.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `.`
    Dot,
    /// `nil`
    Nil,
    /// `true` / `false`
    Bool(bool),
    /// An integer constant (also a char constant).
    Int(i64),
    /// A floating-point constant.
    Float(f64),
    /// A string constant.
    Str(String),
    /// `.a.b` — fields of dot.
    Field(Vec<String>),
    /// `$x.a.b`
    Var(String, Vec<String>),
    /// A function name.
    Ident(String),
    /// `(pipeline).a.b`
    Pipe(Box<Pipe>, Vec<String>),
}

/// One command of a pipeline: its words, at an offset.
#[derive(Debug, Clone)]
pub struct Cmd {
    pub at: usize,
    pub args: Vec<Arg>,
}

/// A pipeline, maybe declaring (`:=`) or assigning (`=`) variables.
#[derive(Debug, Clone)]
pub struct Pipe {
    pub at: usize,
    pub decl: Vec<String>,
    pub assign: bool,
    pub cmds: Vec<Cmd>,
}

/// A node of a template's tree.
#[derive(Debug, Clone)]
pub enum Node {
    Text(String),
    Action(Pipe),
    If(Pipe, Vec<Node>, Vec<Node>),
    With(Pipe, Vec<Node>, Vec<Node>),
    Range(Pipe, Vec<Node>, Vec<Node>),
    Template(usize, String, Option<Pipe>),
    Break(usize),
    Continue(usize),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Text(String),
    Open,  // {{ (trim handled in lexing)
    Close, // }}
    Ident(String),
    Field(String), // .name (without dot); "" means a lone dot
    Var(String),   // $name ("$" alone is "")
    Str(String),
    Char(i64),
    Num(String),
    LParen,
    RParen,
    Pipe,
    Decl,
    Assign,
    Comma,
    Space,
    Comment,
}

fn lex(src: &str) -> Result<Vec<(usize, Tok)>, TplError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut text = String::new();
    let mut text_at = 0;
    while i < b.len() {
        if b[i] == b'{' && b.get(i + 1) == Some(&b'{') {
            let open_at = i;
            let mut j = i + 2;
            let trim_left = b.get(j) == Some(&b'-') && b.get(j + 1).is_some_and(|c| c.is_ascii_whitespace());
            if trim_left {
                j += 1;
                let t = text.trim_end_matches([' ', '\t', '\r', '\n']).len();
                text.truncate(t);
            }
            if !text.is_empty() {
                out.push((text_at, Tok::Text(std::mem::take(&mut text))));
            }
            text.clear();
            out.push((open_at, Tok::Open));
            // comment
            let rest = &src[j..];
            let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
            let mut trim_right = false;
            if trimmed.starts_with("/*") {
                let cstart = j + (rest.len() - trimmed.len());
                let Some(end) = src[cstart..].find("*/") else {
                    return err(cstart, "unclosed comment");
                };
                let mut k = cstart + end + 2;
                while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\r' | b'\n') {
                    k += 1;
                }
                if src[k..].starts_with("-}}") && k > cstart + end + 2 {
                    trim_right = true;
                    k += 3;
                } else if src[k..].starts_with("}}") {
                    k += 2;
                } else {
                    return err(k, "comment ends before closing delimiter");
                }
                out.push((cstart, Tok::Comment));
                out.push((k, Tok::Close));
                i = k;
            } else {
                i = lex_action(src, j, &mut out, &mut trim_right)?;
            }
            if trim_right {
                while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                }
            }
            text_at = i;
            continue;
        }
        let ch = src[i..].chars().next().unwrap_or(' ');
        if text.is_empty() {
            text_at = i;
        }
        text.push(ch);
        i += ch.len_utf8();
    }
    if !text.is_empty() {
        out.push((text_at, Tok::Text(text)));
    }
    Ok(out)
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn lex_action(src: &str, mut i: usize, out: &mut Vec<(usize, Tok)>, trim_right: &mut bool) -> Result<usize, TplError> {
    let b = src.as_bytes();
    let mut depth = 0i32;
    loop {
        if i >= b.len() {
            return err(i, "unclosed action");
        }
        let c = b[i];
        if src[i..].starts_with("}}") {
            if depth > 0 {
                return err(i, "unclosed left paren");
            }
            out.push((i, Tok::Close));
            return Ok(i + 2);
        }
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if src[i..].starts_with("-}}") {
                    if depth > 0 {
                        return err(i, "unclosed left paren");
                    }
                    *trim_right = true;
                    out.push((i, Tok::Close));
                    return Ok(i + 3);
                }
                out.push((start, Tok::Space));
            }
            b'(' => {
                depth += 1;
                i += 1;
                out.push((start, Tok::LParen));
            }
            b')' => {
                depth -= 1;
                if depth < 0 {
                    return err(i, "unexpected right paren");
                }
                i += 1;
                out.push((start, Tok::RParen));
            }
            b'|' => {
                i += 1;
                out.push((start, Tok::Pipe));
            }
            b',' => {
                i += 1;
                out.push((start, Tok::Comma));
            }
            b':' => {
                if b.get(i + 1) != Some(&b'=') {
                    return err(i, "expected :=");
                }
                i += 2;
                out.push((start, Tok::Decl));
            }
            b'=' => {
                i += 1;
                out.push((start, Tok::Assign));
            }
            b'"' => {
                i += 1;
                let mut s = String::new();
                loop {
                    let Some(ch) = src[i..].chars().next() else {
                        return err(start, "unterminated quoted string");
                    };
                    if ch == '\n' {
                        return err(start, "unterminated quoted string");
                    }
                    i += ch.len_utf8();
                    if ch == '"' {
                        break;
                    }
                    if ch == '\\' {
                        let (c2, n) = unescape(src, i, '"').map_err(|m| TplError { at: i, message: m })?;
                        i += n;
                        if let Some(c2) = c2 {
                            s.push(c2);
                        }
                    } else {
                        s.push(ch);
                    }
                }
                out.push((start, Tok::Str(s)));
            }
            b'`' => {
                let Some(end) = src[i + 1..].find('`') else {
                    return err(start, "unterminated raw quoted string");
                };
                out.push((start, Tok::Str(src[i + 1..i + 1 + end].replace('\r', ""))));
                i += end + 2;
            }
            b'\'' => {
                i += 1;
                let Some(ch) = src[i..].chars().next() else {
                    return err(start, "unterminated character constant");
                };
                i += ch.len_utf8();
                let v = if ch == '\\' {
                    let (c2, n) = unescape(src, i, '\'').map_err(|m| TplError { at: i, message: m })?;
                    i += n;
                    c2.unwrap_or('\0')
                } else {
                    ch
                };
                if b.get(i) != Some(&b'\'') {
                    return err(start, "unterminated character constant");
                }
                i += 1;
                out.push((start, Tok::Char(v as i64)));
            }
            b'$' => {
                i += 1;
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
                out.push((start, Tok::Var(src[start + 1..i].to_string())));
            }
            b'.' if !b.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                i += 1;
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
                out.push((start, Tok::Field(src[start + 1..i].to_string())));
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'.'
                        || b[i] == b'_'
                        || ((b[i] == b'-' || b[i] == b'+') && matches!(b[i - 1], b'e' | b'E' | b'p' | b'P')))
                {
                    i += 1;
                }
                out.push((start, Tok::Num(src[start..i].to_string())));
            }
            _ if is_word(c) => {
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
                out.push((start, Tok::Ident(src[start..i].to_string())));
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return err(i, format!("unexpected {ch:?} in command"));
            }
        }
    }
}

fn unescape(src: &str, i: usize, quote: char) -> Result<(Option<char>, usize), String> {
    let Some(c) = src[i..].chars().next() else {
        return Err("unterminated escape".into());
    };
    let hex = |n: usize| -> Result<(Option<char>, usize), String> {
        let h = src.get(i + 1..i + 1 + n).ok_or("bad escape")?;
        let v = u32::from_str_radix(h, 16).map_err(|_| "bad escape")?;
        Ok((Some(char::from_u32(v).ok_or("bad escape")?), n + 1))
    };
    Ok(match c {
        'n' => (Some('\n'), 1),
        't' => (Some('\t'), 1),
        'r' => (Some('\r'), 1),
        'a' => (Some('\x07'), 1),
        'b' => (Some('\x08'), 1),
        'f' => (Some('\x0c'), 1),
        'v' => (Some('\x0b'), 1),
        '\\' => (Some('\\'), 1),
        'x' => return hex(2),
        'u' => return hex(4),
        'U' => return hex(8),
        '0'..='7' => {
            let h = src.get(i..i + 3).ok_or("bad escape")?;
            let v = u32::from_str_radix(h, 8).map_err(|_| "bad escape")?;
            (Some(char::from_u32(v).ok_or("bad escape")?), 3)
        }
        c if c == quote => (Some(c), 1),
        _ => return Err(format!("unknown escape sequence \\{c}")),
    })
}

/// A parsed template set: the main tree and the `define`d ones.
#[derive(Debug, Default)]
pub struct Set {
    pub main: Vec<Node>,
    pub defs: std::collections::HashMap<String, Vec<Node>>,
}

struct P {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    defs: std::collections::HashMap<String, Vec<Node>>,
    vars: Vec<Vec<String>>,
    loops: usize,
    depth: usize,
}

/// Parses `src` into a template set.
pub fn parse(src: &str) -> Result<Set, TplError> {
    let toks = lex(src)?;
    let mut p = P {
        toks,
        pos: 0,
        defs: Default::default(),
        vars: vec![vec![String::new()]],
        loops: 0,
        depth: 0,
    };
    let (main, end) = p.list()?;
    if let Some((at, kw)) = end {
        return err(at, format!("unexpected {{{{{kw}}}}}"));
    }
    Ok(Set { main, defs: p.defs })
}

const MAX_DEPTH: usize = 200;

impl P {
    fn peek(&self) -> Option<&(usize, Tok)> {
        self.toks.get(self.pos)
    }
    fn at(&self) -> usize {
        self.peek().map_or_else(|| self.toks.last().map_or(0, |t| t.0), |t| t.0)
    }
    fn next(&mut self) -> Option<(usize, Tok)> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn skip_space(&mut self) {
        while matches!(self.peek(), Some((_, Tok::Space))) {
            self.pos += 1;
        }
    }
    fn expect_close(&mut self, what: &str) -> Result<(), TplError> {
        self.skip_space();
        match self.next() {
            Some((_, Tok::Close)) => Ok(()),
            Some((at, t)) => err(at, format!("unexpected {t:?} in {what}")),
            None => err(self.at(), format!("unclosed action in {what}")),
        }
    }

    /// Parses nodes until `{{end}}`, `{{else}}` or end of input; returns the terminator.
    #[allow(clippy::type_complexity)]
    fn list(&mut self) -> Result<(Vec<Node>, Option<(usize, String)>), TplError> {
        let mut out = Vec::new();
        loop {
            let Some((at, t)) = self.next() else {
                return Ok((out, None));
            };
            match t {
                Tok::Text(s) => out.push(Node::Text(s)),
                Tok::Open => {
                    self.skip_space();
                    let Some((kat, k)) = self.peek().cloned() else {
                        return err(at, "unclosed action");
                    };
                    match k {
                        Tok::Comment => {
                            self.pos += 1;
                            self.expect_close("comment")?;
                        }
                        Tok::Ident(ref w) if w == "end" || w == "else" => {
                            self.pos += 1;
                            if w == "end" {
                                self.expect_close("end")?;
                            }
                            return Ok((out, Some((kat, w.clone()))));
                        }
                        Tok::Ident(ref w) if matches!(w.as_str(), "if" | "with" | "range") => {
                            self.pos += 1;
                            let w = w.clone();
                            out.push(self.control(&w, kat)?);
                        }
                        Tok::Ident(ref w) if w == "define" || w == "block" => {
                            self.pos += 1;
                            let w = w.clone();
                            self.skip_space();
                            let name = match self.next() {
                                Some((_, Tok::Str(s))) => s,
                                _ => return err(kat, format!("expected name in {w}")),
                            };
                            let pipe = if w == "block" {
                                self.skip_space();
                                Some(self.pipeline(false, "block")?)
                            } else {
                                self.expect_close("define")?;
                                None
                            };
                            self.depth += 1;
                            if self.depth > MAX_DEPTH {
                                return err(kat, "template nesting too deep");
                            }
                            let saved = std::mem::replace(&mut self.vars, vec![vec![String::new()]]);
                            let (body, end) = self.list()?;
                            self.vars = saved;
                            self.depth -= 1;
                            match end {
                                Some((_, e)) if e == "end" => {}
                                _ => return err(kat, format!("unexpected EOF in {w}")),
                            }
                            self.defs.insert(name.clone(), body);
                            if w == "block" {
                                out.push(Node::Template(kat, name, pipe));
                            }
                        }
                        Tok::Ident(ref w) if w == "template" => {
                            self.pos += 1;
                            self.skip_space();
                            let name = match self.next() {
                                Some((_, Tok::Str(s))) => s,
                                _ => return err(kat, "expected template name"),
                            };
                            self.skip_space();
                            let pipe = if matches!(self.peek(), Some((_, Tok::Close))) {
                                self.pos += 1;
                                None
                            } else {
                                Some(self.pipeline(false, "template")?)
                            };
                            out.push(Node::Template(kat, name, pipe));
                        }
                        Tok::Ident(ref w) if w == "break" || w == "continue" => {
                            self.pos += 1;
                            let w = w.clone();
                            if self.loops == 0 {
                                return err(kat, format!("{{{{{w}}}}} outside {{{{range}}}}"));
                            }
                            self.expect_close(&w)?;
                            out.push(if w == "break" {
                                Node::Break(kat)
                            } else {
                                Node::Continue(kat)
                            });
                        }
                        _ => {
                            let p = self.pipeline(true, "command")?;
                            out.push(Node::Action(p));
                        }
                    }
                }
                other => return err(at, format!("unexpected {other:?}")),
            }
        }
    }

    fn control(&mut self, kw: &str, at: usize) -> Result<Node, TplError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(at, "template nesting too deep");
        }
        let scope = self.vars.last().cloned().unwrap_or_default();
        self.vars.push(scope);
        self.skip_space();
        let pipe = self.pipeline(true, kw)?;
        if kw == "range" {
            self.loops += 1;
        }
        let (body, end) = self.list()?;
        if kw == "range" {
            self.loops -= 1;
        }
        let mut els = Vec::new();
        match end {
            Some((_, e)) if e == "end" => {}
            Some((eat, _)) => {
                // else, else if, else with
                self.skip_space();
                match self.peek().cloned() {
                    Some((_, Tok::Close)) => {
                        self.pos += 1;
                        let (b, end2) = self.list()?;
                        if !matches!(end2, Some((_, ref e)) if e == "end") {
                            return err(eat, format!("expected end; found {end2:?}"));
                        }
                        els = b;
                    }
                    Some((iat, Tok::Ident(w))) if w == kw && (w == "if" || w == "with") => {
                        self.pos += 1;
                        // the chained control shares this {{end}}
                        els = vec![self.control(&w, iat)?];
                    }
                    _ => return err(eat, format!("unexpected token after else in {kw}")),
                }
            }
            None => return err(at, format!("unexpected EOF in {kw}")),
        }
        self.vars.pop();
        self.depth -= 1;
        Ok(match kw {
            "if" => Node::If(pipe, body, els),
            "with" => Node::With(pipe, body, els),
            _ => Node::Range(pipe, body, els),
        })
    }

    /// Parses a pipeline up to and including `}}` (or `)` when inside parens, not consumed).
    fn pipeline(&mut self, allow_decl: bool, ctx: &str) -> Result<Pipe, TplError> {
        self.skip_space();
        let at = self.at();
        let mut decl = Vec::new();
        let mut assign = false;
        // declarations: $x := / $x, $y := / $x =
        let save = self.pos;
        if allow_decl {
            if let Some((_, Tok::Var(v))) = self.peek().cloned() {
                self.pos += 1;
                self.skip_space();
                match self.peek().cloned() {
                    Some((_, Tok::Decl)) | Some((_, Tok::Assign)) => {
                        let is_assign = matches!(self.peek(), Some((_, Tok::Assign)));
                        self.pos += 1;
                        decl.push(v);
                        assign = is_assign;
                    }
                    Some((_, Tok::Comma)) if ctx == "range" => {
                        self.pos += 1;
                        self.skip_space();
                        if let Some((_, Tok::Var(v2))) = self.peek().cloned() {
                            self.pos += 1;
                            self.skip_space();
                            match self.next() {
                                Some((_, Tok::Decl)) => decl = vec![v, v2],
                                Some((_, Tok::Assign)) => {
                                    decl = vec![v, v2];
                                    assign = true;
                                }
                                _ => return err(at, "expected := in range declaration"),
                            }
                        } else {
                            return err(at, "range can only initialize variables");
                        }
                    }
                    _ => self.pos = save,
                }
            }
        }
        if !assign {
            for d in &decl {
                if let Some(s) = self.vars.last_mut() {
                    s.push(d.clone());
                }
            }
        } else {
            for d in &decl {
                if !self.vars.last().is_some_and(|s| s.contains(d)) {
                    return err(at, format!("undefined variable \"${d}\""));
                }
            }
        }
        let mut cmds = Vec::new();
        loop {
            self.skip_space();
            let cmd = self.command()?;
            cmds.push(cmd);
            self.skip_space();
            match self.peek().cloned() {
                Some((_, Tok::Pipe)) => {
                    self.pos += 1;
                }
                Some((_, Tok::Close)) => {
                    self.pos += 1;
                    break;
                }
                Some((_, Tok::RParen)) => break,
                Some((a, t)) => return err(a, format!("unexpected {t:?} in {ctx}")),
                None => return err(at, format!("unclosed action in {ctx}")),
            }
        }
        Ok(Pipe { at, decl, assign, cmds })
    }

    fn command(&mut self) -> Result<Cmd, TplError> {
        let at = self.at();
        let mut args = Vec::new();
        loop {
            match self.peek() {
                Some((_, Tok::Space)) => {
                    self.pos += 1;
                    continue;
                }
                Some((_, Tok::Close | Tok::Pipe | Tok::RParen)) | None => break,
                _ => {}
            }
            args.push(self.operand()?);
        }
        if args.is_empty() {
            return err(at, "missing value for command");
        }
        Ok(Cmd { at, args })
    }

    fn fields(&mut self) -> Vec<String> {
        let mut f = Vec::new();
        while let Some((_, Tok::Field(n))) = self.peek().cloned() {
            if n.is_empty() {
                break;
            }
            self.pos += 1;
            f.push(n);
        }
        f
    }

    fn operand(&mut self) -> Result<Arg, TplError> {
        let Some((at, t)) = self.next() else {
            return err(self.at(), "unexpected EOF");
        };
        Ok(match t {
            Tok::Field(n) if n.is_empty() => Arg::Dot,
            Tok::Field(n) => {
                let mut f = vec![n];
                f.extend(self.fields());
                Arg::Field(f)
            }
            Tok::Var(v) => {
                if !self.vars.last().is_some_and(|s| s.contains(&v)) {
                    return err(at, format!("undefined variable \"${v}\""));
                }
                Arg::Var(v, self.fields())
            }
            Tok::Str(s) => Arg::Str(s),
            Tok::Char(c) => Arg::Int(c),
            Tok::Num(n) => number(&n).ok_or(TplError {
                at,
                message: format!("bad number syntax: {n:?}"),
            })?,
            Tok::Ident(w) => match w.as_str() {
                "true" => Arg::Bool(true),
                "false" => Arg::Bool(false),
                "nil" => Arg::Nil,
                _ => Arg::Ident(w),
            },
            Tok::LParen => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return err(at, "template nesting too deep");
                }
                let p = self.pipeline(false, "parenthesized pipeline")?;
                match self.next() {
                    Some((_, Tok::RParen)) => {}
                    _ => return err(at, "unclosed left paren"),
                }
                self.depth -= 1;
                Arg::Pipe(Box::new(p), self.fields())
            }
            other => return err(at, format!("unexpected {other:?} in operand")),
        })
    }
}

fn number(s: &str) -> Option<Arg> {
    let clean: String = s.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match clean.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let int = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(bn) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        i64::from_str_radix(bn, 2).ok()
    } else if body.len() > 1 && body.starts_with('0') && body.bytes().all(|c| c.is_ascii_digit()) {
        i64::from_str_radix(&body[1..], 8).ok()
    } else {
        body.parse::<i64>().ok()
    };
    if let Some(i) = int {
        return Some(Arg::Int(if neg { -i } else { i }));
    }
    if body.starts_with("0x") || body.is_empty() || !body.bytes().next()?.is_ascii_digit() && !body.starts_with('.') {
        return None;
    }
    let f: f64 = body.parse().ok()?;
    Some(Arg::Float(if neg { -f } else { f }))
}
