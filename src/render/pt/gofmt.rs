//! A minimal Go `fmt.Sprintf` for `string.fmt` and combine patches: the verbs
//! `%s %v %d %f %x %q %t %%` with width, precision and the `-` and `0` flags.

use serde_json::Value;

/// Go's `%v` of a JSON value.
pub fn go_v(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<_> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys.iter().map(|k| format!("{k}:{}", go_v(&m[*k]))).collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

fn pad(s: String, width: Option<usize>, left: bool, zero: bool) -> String {
    let Some(w) = width else { return s };
    let n = s.chars().count();
    if n >= w {
        return s;
    }
    let fill = w - n;
    if left {
        format!("{s}{}", " ".repeat(fill))
    } else if zero {
        match s.strip_prefix('-') {
            Some(rest) => format!("-{}{rest}", "0".repeat(fill)),
            None => format!("{}{s}", "0".repeat(fill)),
        }
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

/// Go's `tooLarge` bound on a width or precision.
const TOO_LARGE: usize = 1_000_000;

/// `fmt.Sprintf(format, args...)`; missing or surplus arguments print as Go prints them.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    let mut next = 0usize;
    'verbs: while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let (mut left, mut zero) = (false, false);
        while let Some(&f) = chars.peek() {
            match f {
                '-' => left = true,
                '0' => zero = true,
                '+' | ' ' | '#' => {}
                _ => break,
            }
            chars.next();
        }
        // Go's parsenum: a number past 1e6 is "crazy long", and the rest of the format is
        // consumed (printed as a missing verb), which also bounds the padding.
        let mut width = None;
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
            let w = width.unwrap_or(0);
            if w > TOO_LARGE {
                out.push_str("%!(NOVERB)");
                break 'verbs;
            }
            width = Some(w * 10 + d as usize);
            chars.next();
        }
        let mut prec = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = 0;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                if p > TOO_LARGE {
                    out.push_str("%!(NOVERB)");
                    break 'verbs;
                }
                p = p * 10 + d as usize;
                chars.next();
            }
            prec = Some(p);
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        let s = match (verb, arg) {
            ('s' | 'v', v) => {
                let s = go_v(v);
                match prec {
                    Some(p) if verb == 's' => s.chars().take(p).collect(),
                    _ => s,
                }
            }
            ('d', Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
            ('f' | 'F', Value::Number(n)) => format!("{:.*}", prec.unwrap_or(6), n.as_f64().unwrap_or(0.0)),
            ('x', Value::Number(n)) if n.is_i64() => format!("{:x}", n.as_i64().unwrap_or(0)),
            ('x', Value::String(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
            ('q', Value::String(s)) => serde_json::to_string(s).unwrap_or_default(),
            ('t', Value::Bool(b)) => b.to_string(),
            (v, a) => format!("%!{v}({})", go_type(a)),
        };
        out.push_str(&pad(s, width, left, zero && !left));
    }
    if next < args.len() {
        let extra: Vec<String> = args[next..].iter().map(go_type).collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

fn go_type(v: &Value) -> String {
    let t = match v {
        Value::Null => return "<nil>".to_string(),
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    };
    format!("{t}={}", go_v(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn verbs() {
        assert_eq!(sprintf("%s-%s", &[json!("a"), json!("b")]), "a-b");
        assert_eq!(
            sprintf("%05d|%-3d|%3d", &[json!(42), json!(1), json!(7)]),
            "00042|1  |  7"
        );
        assert_eq!(
            sprintf("%.2f %t %q %x", &[json!(1.5), json!(true), json!("x"), json!(255)]),
            "1.50 true \"x\" ff"
        );
        assert_eq!(sprintf("%v %%", &[json!([1, "a"])]), "[1 a] %");
        assert_eq!(sprintf("%d", &[json!("a")]), "%!d(string=a)");
        assert_eq!(sprintf("%s %s", &[json!("a")]), "a %!s(MISSING)");
    }

    #[test]
    fn crazy_widths_are_bounded_as_in_go() {
        assert_eq!(
            sprintf("x%99999999999999999999s", &[json!("a")]),
            "x%!(NOVERB)%!(EXTRA string=a)"
        );
        assert!(sprintf("%.99999999999999999999f", &[json!(1.0)]).starts_with("%!(NOVERB)"));
        assert_eq!(sprintf("%3s", &[json!("a")]), "  a");
    }
}
