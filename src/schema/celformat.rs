//! Formatting as the Kubernetes API server's CEL does it: `string.format(list)` (cel-go's
//! `ext.Strings` version 2, the one Kubernetes enables, with its `en_US` number printing:
//! `%f` groups thousands, `%e` writes `3.140000×10⁰⁰`), and the named formats of the
//! Kubernetes `format` library (`format.dns1123Label().validate(s)`,
//! `format.named('uri')`), whose messages are apimachinery's validation messages, word
//! for word, since a `messageExpression` may show them.

use crate::schema::celfns::{duration_string, rfc3339_nano, type_name};
use kube_cel::cel::extractors::This;
use kube_cel::cel::objects::{Opaque, OptionalValue};
use kube_cel::cel::{Context, ExecutionError, FunctionContext, Value};
use std::sync::Arc;

/// Registers `format` (on strings), `format.<name>()`, `format.named()` and `validate`,
/// replacing kube-cel's.
pub fn register(ctx: &mut Context<'_>) {
    ctx.add_function("format", string_format);
    for (name, _) in FORMATS {
        ctx.add_function(&format!("format.{name}"), move |_: &FunctionContext| {
            Ok::<_, ExecutionError>(Value::Opaque(Arc::new(Format(name))))
        });
    }
    ctx.add_function("format.named", |name: Arc<String>| {
        Ok::<_, ExecutionError>(Value::Opaque(Arc::new(
            match FORMATS.iter().find(|(n, _)| *n == name.as_str()) {
                Some((n, _)) => OptionalValue::of(Value::Opaque(Arc::new(Format(n)))),
                None => OptionalValue::none(),
            },
        )))
    });
    ctx.add_function("validate", validate);
}

// ---------------------------------------------------------------------------------------
// string.format

/// How a value is written by `%s` at the top level (`top`) or inside a list or map (where
/// strings are quoted, doubles fixed to six places, timestamps and durations written as
/// CEL calls).
fn format_s(v: &Value, top: bool) -> Result<String, String> {
    Ok(match v {
        Value::String(s) if top => s.to_string(),
        Value::String(s) => crate::schema::celurl::go_quote(s),
        Value::Bytes(b) if top => String::from_utf8_lossy(b).into_owned(),
        Value::Bytes(b) => format!("b{}", crate::schema::celurl::go_quote(&String::from_utf8_lossy(b))),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        Value::Float(f) if top => go_float_g(*f),
        Value::Float(f) if f.is_nan() || f.is_infinite() => format!("\"{}\"", go_float_g(*f)),
        Value::Float(f) => format!("{f:.6}"),
        Value::Timestamp(t) if top => rfc3339_nano(t),
        Value::Timestamp(t) => format!("timestamp(\"{}\")", rfc3339_nano(t)),
        Value::Duration(d) if top => duration_string(d),
        Value::Duration(d) => format!("duration(\"{}\")", duration_string(d)),
        Value::List(items) => {
            let parts: Result<Vec<String>, String> = items.iter().map(|i| format_s(i, false)).collect();
            format!("[{}]", parts?.join(", "))
        }
        Value::Map(m) => {
            let mut pairs = Vec::with_capacity(m.map.len());
            for (k, v) in m.map.iter() {
                let key = match Value::from(k.clone()) {
                    Value::String(s) => crate::schema::celurl::go_quote(&s),
                    other @ (Value::Int(_) | Value::UInt(_) | Value::Bool(_)) => format_s(&other, true)?,
                    other => {
                        return Err(format!(
                            "no formatting function for map key of type {}",
                            type_name(&other)
                        ))
                    }
                };
                pairs.push((key, format_s(v, false)?));
            }
            pairs.sort();
            let parts: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Opaque(o) if o.runtime_type_name() == "type" => type_name_of(v),
        other => {
            return Err(format!(
                "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given {}",
                type_name(other)
            ))
        }
    })
}

fn type_name_of(v: &Value) -> String {
    match v {
        Value::Opaque(o) => o
            .downcast_ref::<crate::schema::celfns::CelType>()
            .map_or_else(|| "type".to_string(), |t| t.0.clone()),
        _ => type_name(v),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` (the shortest representation; exponent
/// from 1e21 up and below 1e-4), as CEL's `string(double)` writes a double.
pub fn go_float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // The shortest round-trip digits and the decimal exponent.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, digits) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m.replace('.', "")),
        None => (false, mantissa.replace('.', "")),
    };
    let sign = if neg { "-" } else { "" };
    // Go's 'g' with shortest precision uses %e when exp < -4 || exp >= eprec, where eprec
    // is the digit count (at least 21 when shortest).
    let eprec = (digits.len() as i32).max(21);
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let (es, ev) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
        return format!("{sign}{first}{frac}e{es}{ev:02}");
    }
    if exp < 0 {
        return format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize));
    }
    let point = exp as usize + 1;
    if digits.len() <= point {
        format!("{sign}{digits}{}", "0".repeat(point - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
    }
}

/// A double's value for `%f` / `%e`: a double, or the strings `NaN`, `Infinity`,
/// `-Infinity`.
fn as_double(v: &Value, clause: &str) -> Result<f64, String> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::String(s) if s.as_str() == "NaN" => Ok(f64::NAN),
        Value::String(s) if s.as_str() == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s.as_str() == "-Infinity" => Ok(f64::NEG_INFINITY),
        other => Err(format!(
            "{clause} clause can only be used on doubles, was given {}",
            type_name(other)
        )),
    }
}

fn special(f: f64) -> Option<String> {
    if f.is_nan() {
        Some("NaN".into())
    } else if f.is_infinite() {
        Some(if f > 0.0 { "∞".into() } else { "-∞".into() })
    } else {
        None
    }
}

/// `%.Nf` as `en_US` prints it: thousands grouped with `,`.
fn fixed(f: f64, precision: usize) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    let plain = format!("{:.*}", precision, f.abs());
    let (int, frac) = plain
        .split_once('.')
        .map_or((plain.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if f.is_sign_negative() && plain.chars().any(|c| matches!(c, '1'..='9')) {
        "-"
    } else {
        ""
    };
    match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `%.Ne` as Kubernetes' `en_US` printer writes it: `3.140000×10⁰⁰`.
fn scientific(f: f64, precision: usize) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    let sci = format!("{:.*e}", precision, f);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let digits: String = format!("{:02}", exp.unsigned_abs())
        .chars()
        .map(|d| SUPERSCRIPT[d.to_digit(10).unwrap_or(0) as usize])
        .collect();
    format!("{mantissa}×10{}{digits}", if exp < 0 { "⁻" } else { "" })
}

fn clause(verb: char, precision: Option<usize>, v: &Value) -> Result<String, String> {
    match verb {
        's' => format_s(v, true),
        'd' => match v {
            Value::Int(i) => Ok(i.to_string()),
            Value::UInt(u) => Ok(u.to_string()),
            other => Err(format!(
                "decimal clause can only be used on integers, was given {}",
                type_name(other)
            )),
        },
        'f' => Ok(fixed(as_double(v, "fixed-point")?, precision.unwrap_or(6))),
        'e' => Ok(scientific(as_double(v, "scientific")?, precision.unwrap_or(6))),
        'b' => match v {
            Value::Int(i) => Ok(if *i < 0 {
                format!("-{:b}", i.unsigned_abs())
            } else {
                format!("{i:b}")
            }),
            Value::UInt(u) => Ok(format!("{u:b}")),
            Value::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
            other => Err(format!(
                "only integers and bools can be formatted as binary, was given {}",
                type_name(other)
            )),
        },
        'o' => match v {
            Value::Int(i) => Ok(if *i < 0 {
                format!("-{:o}", i.unsigned_abs())
            } else {
                format!("{i:o}")
            }),
            Value::UInt(u) => Ok(format!("{u:o}")),
            other => Err(format!(
                "octal clause can only be used on integers, was given {}",
                type_name(other)
            )),
        },
        'x' | 'X' => {
            let s = match v {
                Value::Int(i) if *i < 0 => format!("-{:x}", i.unsigned_abs()),
                Value::Int(i) => format!("{i:x}"),
                Value::UInt(u) => format!("{u:x}"),
                Value::String(s) => s.bytes().map(|b| format!("{b:02x}")).collect(),
                Value::Bytes(b) => b.iter().map(|b| format!("{b:02x}")).collect(),
                other => {
                    return Err(format!(
                        "only integers, byte buffers, and strings can be formatted as hex, was given {}",
                        type_name(other)
                    ))
                }
            };
            Ok(if verb == 'X' { s.to_uppercase() } else { s })
        }
        other => Err(format!("unrecognized formatting clause \"{other}\"")),
    }
}

/// Formats `pattern` with `args` as cel-go's `string.format` does; the error texts are
/// cel-go's.
pub fn format_with(pattern: &str, args: &[Value]) -> Result<String, String> {
    let b = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len());
    let (mut i, mut arg) = (0usize, 0usize);
    let mut literal_from = 0usize;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        out.push_str(&pattern[literal_from..i]);
        if b.get(i + 1) == Some(&b'%') {
            out.push('%');
            i += 2;
            literal_from = i;
            continue;
        }
        let Some(value) = args.get(arg) else {
            return Err(format!("index {arg} out of range"));
        };
        if i + 1 >= b.len() {
            return Err("unexpected end of string".to_string());
        }
        let mut j = i + 1;
        let mut precision = None;
        if b[j] == b'.' {
            j += 1;
            let start = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j >= b.len() {
                return Err("could not parse formatting clause: error while parsing precision: could not find end of precision specifier".to_string());
            }
            precision = Some(pattern[start..j].parse::<usize>().map_err(|_| {
                format!(
                    "could not parse formatting clause: error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing {}: invalid syntax",
                    crate::schema::celurl::go_quote(&pattern[start..j])
                )
            })?);
        }
        let verb = pattern[j..].chars().next().unwrap_or('%');
        if !matches!(verb, 's' | 'd' | 'f' | 'e' | 'b' | 'x' | 'X' | 'o') {
            return Err(format!(
                "could not parse formatting clause: unrecognized formatting clause \"{verb}\""
            ));
        }
        let text = clause(verb, precision, value).map_err(|e| format!("error during formatting: {e}"))?;
        out.push_str(&text);
        i = j + verb.len_utf8();
        literal_from = i;
        arg += 1;
    }
    out.push_str(&pattern[literal_from..]);
    Ok(out)
}

fn string_format(
    ftx: &FunctionContext,
    This(pattern): This<Arc<String>>,
    args: Value,
) -> Result<Value, ExecutionError> {
    let Value::List(args) = args else {
        return Err(ftx.error(format!(
            "no matching overload for 'format' applied to 'string.({})'",
            type_name(&args)
        )));
    };
    format_with(&pattern, &args)
        .map(|s| Value::String(Arc::new(s)))
        .map_err(|e| ftx.error(e))
}

// ---------------------------------------------------------------------------------------
// Named formats

/// A named format (`format.dns1123Label()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format(&'static str);

impl Opaque for Format {
    fn runtime_type_name(&self) -> &str {
        "kubernetes.NamedFormat"
    }
}

type Validator = fn(&str) -> Vec<String>;

/// The formats of the Kubernetes `format` library and their validations.
const FORMATS: &[(&str, Validator)] = &[
    ("dns1123Label", |s| dns1123_label(s)),
    ("dns1123Subdomain", |s| dns1123_subdomain(s)),
    ("dns1035Label", |s| dns1035_label(s)),
    ("qualifiedName", |s| qualified_name(s)),
    ("dns1123LabelPrefix", |s| dns1123_label(&mask_trailing_dash(s))),
    ("dns1123SubdomainPrefix", |s| dns1123_subdomain(&mask_trailing_dash(s))),
    ("dns1035LabelPrefix", |s| dns1035_label(&mask_trailing_dash(s))),
    ("labelValue", |s| label_value(s)),
    ("uri", |s| {
        crate::schema::celurl::parse_request_uri(s).err().into_iter().collect()
    }),
    ("uuid", |s| {
        if uuid(s) {
            vec![]
        } else {
            vec!["does not match the UUID format".into()]
        }
    }),
    ("byte", |s| {
        if base64(s) {
            vec![]
        } else {
            vec!["invalid base64".into()]
        }
    }),
    ("date", |s| if date(s) { vec![] } else { vec!["invalid date".into()] }),
    ("datetime", |s| {
        if datetime(s) {
            vec![]
        } else {
            vec!["invalid datetime".into()]
        }
    }),
];

fn validate(ftx: &FunctionContext, This(this): This<Value>, s: Arc<String>) -> Result<Value, ExecutionError> {
    let name = match &this {
        Value::Opaque(o) => o.downcast_ref::<Format>().map(|f| f.0),
        _ => None,
    };
    let Some((_, check)) = name.and_then(|n| FORMATS.iter().find(|(f, _)| *f == n)) else {
        return Err(ftx.error(format!(
            "no matching overload for 'validate' applied to '{}'",
            type_name(&this)
        )));
    };
    let errors = check(&s);
    Ok(Value::Opaque(Arc::new(if errors.is_empty() {
        OptionalValue::none()
    } else {
        OptionalValue::of(Value::List(Arc::new(
            errors.into_iter().map(|e| Value::String(Arc::new(e))).collect(),
        )))
    })))
}

/// apimachinery's `RegexError`: the message, its examples and the regular expression.
fn regex_error(msg: &str, re: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{re}')");
    }
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{e}', "));
    }
    out.push_str(&format!("regex used for validation is '{re}')"));
    out
}

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

/// apimachinery's `maskTrailingDash` for the `…Prefix` formats (a generated name is
/// appended): a trailing `-` of a name longer than one character is replaced, together
/// with the character before it, by `a`.
fn mask_trailing_dash(s: &str) -> String {
    if s.len() > 1 && s.ends_with('-') {
        // The character before the dash is dropped too, as apimachinery does.
        let mut cut = s.len() - 2;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}a", &s[..cut])
    } else {
        s.to_string()
    }
}

/// True when `s` matches `^(pattern)$` (the patterns are apimachinery's and
/// kube-openapi's, RE2 syntax, which `regex` shares).
fn full_match(pattern: &'static str, s: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<&'static str, regex::Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    let re = cache.entry(pattern).or_insert_with(|| {
        regex::Regex::new(&format!("^(?:{pattern})$")).unwrap_or_else(|_| regex::Regex::new("$^").expect("empty"))
    });
    re.is_match(s)
}

fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !full_match(DNS1123_LABEL_FMT, s) {
        if full_match(DNS1123_SUBDOMAIN_FMT, s) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if !full_match(DNS1123_SUBDOMAIN_FMT, s) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !full_match(DNS1035_LABEL_FMT, s) {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

const LABEL_KEY_MSG: &str =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// apimachinery's `content.IsLabelKey` (`IsQualifiedName`).
fn qualified_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                let mut p = Vec::new();
                if prefix.len() > 253 {
                    p.push("must be no more than 253 bytes".to_string());
                }
                if !full_match(DNS1123_SUBDOMAIN_FMT, prefix) {
                    p.push(regex_error(
                        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                        DNS1123_SUBDOMAIN_FMT,
                        &["example.com"],
                    ));
                }
                errs.extend(p.into_iter().map(|m| format!("prefix part {m}")));
            }
            *name
        }
        _ => {
            return vec![format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_MSG, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
            )]
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 bytes".to_string());
    }
    if !full_match(LABEL_KEY_FMT, name) {
        errs.push(format!(
            "name part {}",
            regex_error(LABEL_KEY_MSG, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    errs
}

/// apimachinery's `content.IsLabelValue`.
fn label_value(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push("must be no more than 63 bytes".to_string());
    }
    if !full_match(LABEL_VALUE_FMT, s) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// kube-openapi's `uuid` pattern.
fn uuid(s: &str) -> bool {
    full_match(
        "(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}",
        s,
    )
}

/// govalidator's `IsBase64` pattern.
fn base64(s: &str) -> bool {
    full_match(
        "(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})",
        s,
    )
}

/// Go's `time.Parse("2006-01-02", s)`: four-digit year, two-digit month and day, a day
/// that exists.
fn date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| s[r].parse::<u32>().ok())
            .flatten()
    };
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_some(),
        _ => false,
    }
}

/// kube-openapi's `IsDateTime`: the part before the first `t` (case-insensitive) a date,
/// the part after it `hh:mm:ss[.frac](z|±hh:mm)` with hours, minutes and seconds in range.
fn datetime(s: &str) -> bool {
    if s.len() < 4 {
        return false;
    }
    let lower = s.to_lowercase();
    let parts: Vec<&str> = lower.split('t').collect();
    if parts.len() < 2 || !date(parts[0]) {
        return false;
    }
    static TIME: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = TIME.get_or_init(|| {
        regex::Regex::new(r"^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$").expect("pattern")
    });
    let Some(m) = re.captures(parts[1]) else {
        return false;
    };
    let part = |i: usize| m.get(i).map_or("", |g| g.as_str());
    part(1) <= "23" && part(2) <= "59" && part(3) <= "59"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_format_as_kubernetes_does() {
        let s = |v: &str| Value::String(Arc::new(v.to_string()));
        assert_eq!(
            format_with(
                "%d %s %f %s %s",
                &[
                    Value::Int(1),
                    s("abc"),
                    Value::Float(1.0),
                    Value::Duration(chrono::Duration::minutes(1)),
                    Value::Timestamp(crate::schema::celvalue::timestamp("2000-01-01T00:00:00.000Z").expect("ts")),
                ]
            ),
            Ok("1 abc 1.000000 60s 2000-01-01T00:00:00Z".to_string())
        );
        assert_eq!(
            format_with("%e", &[Value::Float(3.25)]),
            Ok("3.250000×10⁰⁰".to_string())
        );
        assert_eq!(
            format_with("%.2e", &[Value::Float(-0.000314)]),
            Ok("-3.14×10⁻⁰⁴".to_string())
        );
        assert_eq!(
            format_with("%.3f", &[Value::Float(1234567.5)]),
            Ok("1,234,567.500".to_string())
        );
        assert_eq!(
            format_with("%o %b %x %X", &[Value::Int(8), Value::Int(5), s("hi"), Value::Int(255)]),
            Ok("10 101 6869 FF".to_string())
        );
        assert_eq!(format_with("%s", &[Value::Float(0.000000002)]), Ok("2e-09".to_string()));
        assert_eq!(
            format_with(
                "%s",
                &[Value::List(Arc::new(vec![s("a"), Value::Float(2.71), Value::Int(3)]))]
            ),
            Ok(r#"["a", 2.710000, 3]"#.to_string())
        );
        assert_eq!(format_with("100%% %s", &[s("x")]), Ok("100% x".to_string()));
        assert_eq!(format_with("%s %s", &[s("x")]), Err("index 1 out of range".to_string()));
        assert_eq!(
            format_with("%d", &[s("x")]),
            Err("error during formatting: decimal clause can only be used on integers, was given string".to_string())
        );
        assert_eq!(
            format_with("%z", &[s("x")]),
            Err("could not parse formatting clause: unrecognized formatting clause \"z\"".to_string())
        );
        assert_eq!(go_float_g(1e21), "1e+21");
        assert_eq!(go_float_g(123456.0), "123456");
        assert_eq!(go_float_g(0.0001), "0.0001");
        assert_eq!(go_float_g(2.5), "2.5");
    }

    /// Messages from apimachinery's validation (`IsDNS1123Label`, `IsQualifiedName`, …).
    #[test]
    fn named_formats_say_what_apimachinery_says() {
        let check = |name: &str, s: &str| (FORMATS.iter().find(|(n, _)| *n == name).expect("format").1)(s);
        assert!(check("dns1123Label", "my-name").is_empty());
        assert_eq!(
            check("dns1123Label", "contains a space"),
            vec!["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]
        );
        assert_eq!(check("dns1123Label", "a.b"), vec!["must not contain dots"]);
        assert_eq!(
            check("dns1123Label", &"a".repeat(64)),
            vec!["must be no more than 63 characters"]
        );
        assert!(check("dns1123SubdomainPrefix", "mysubdomain.prefix.-").is_empty());
        assert!(check("dns1123LabelPrefix", "my-label-prefix-").is_empty());
        assert!(check("dns1035LabelPrefix", "my-label-prefix-").is_empty());
        assert_eq!(check("dns1035Label", "1abc").len(), 1);
        assert!(check("qualifiedName", "apiextensions.k8s.io/v1beta1").is_empty());
        assert_eq!(check("qualifiedName", "/x"), vec!["prefix part must be non-empty"]);
        assert_eq!(check("qualifiedName", "a/b/c").len(), 1);
        assert!(check("labelValue", "").is_empty());
        assert_eq!(check("labelValue", "-x").len(), 1);
        assert!(check("uri", "http://example.com").is_empty());
        assert_eq!(
            check("uri", "example"),
            vec![r#"parse "example": invalid URI for request"#]
        );
        assert!(check("uuid", "123e4567-e89b-12d3-a456-426614174000").is_empty());
        assert_eq!(check("uuid", "123e4567"), vec!["does not match the UUID format"]);
        assert!(check("byte", "aGVsbG8=").is_empty());
        assert_eq!(check("byte", "aGVsbG8"), vec!["invalid base64"]);
        assert!(check("date", "2021-01-01").is_empty());
        assert_eq!(check("date", "2021-02-30"), vec!["invalid date"]);
        assert!(check("datetime", "2021-01-01T00:00:00Z").is_empty());
        assert!(check("datetime", "2021-01-01T00:00:00.123+01:00").is_empty());
        assert_eq!(check("datetime", "2021-01-01T24:00:00Z"), vec!["invalid datetime"]);
    }
}
