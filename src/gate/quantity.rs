//! Kubernetes resource quantities (`128Mi`, `250m`, `1.5G`, `2e3`) as exact integers of
//! nano-units, so that sums and comparisons are exact decimal arithmetic (no floats).
//! Like `resource.Quantity`, precision below one nano-unit is rounded up.

use crate::parse::text::code;
use std::fmt;

/// A quantity in nano-units, with the suffix family it was written in (for display).
/// Equality and order compare the value only (`1Gi == 1024Mi`).
#[derive(Debug, Clone, Copy)]
pub struct Quantity {
    /// The value × 10⁹.
    pub nanos: i128,
    /// How to display it: the suffix of the written value.
    pub unit: Unit,
}

/// A display unit: a suffix and its value in nano-units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// The suffix (`Gi`, `m`, `""`).
    pub suffix: &'static str,
    /// 10⁹ × its multiplier.
    pub nanos: i128,
}

const NANO: i128 = 1_000_000_000;
const UNITS: &[(&str, i128)] = &[
    ("Ki", NANO << 10),
    ("Mi", NANO << 20),
    ("Gi", NANO << 30),
    ("Ti", NANO << 40),
    ("Pi", NANO << 50),
    ("Ei", NANO << 60),
    ("n", 1),
    ("u", 1_000),
    ("m", 1_000_000),
    ("", NANO),
    ("k", NANO * 1_000),
    ("M", NANO * 1_000_000),
    ("G", NANO * 1_000_000_000),
    ("T", NANO * 1_000_000_000_000),
    ("P", NANO * 1_000_000_000_000_000),
    ("E", NANO * 1_000_000_000_000_000_000),
];

/// The unit without a suffix.
pub const PLAIN: Unit = Unit {
    suffix: "",
    nanos: NANO,
};

impl Quantity {
    /// Zero, displayed like `unit`.
    pub fn zero(unit: Unit) -> Quantity {
        Quantity { nanos: 0, unit }
    }

    /// Parses a quantity; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Quantity, String> {
        let bad = |why: &str| format!("{code0} is not a Kubernetes quantity: {why}", code0 = code(&text));
        let s = text.trim();
        let (negative, s) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let number_len = s.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(s.len());
        let (number, suffix) = s.split_at(number_len);
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        if int.is_empty() && frac.is_empty() || frac.contains('.') {
            return Err(bad("expected a number"));
        }
        if int.len() + frac.len() > 30 {
            return Err(bad("too many digits"));
        }
        let mut mantissa: i128 = 0;
        for d in int.bytes().chain(frac.bytes()) {
            mantissa = mantissa * 10 + i128::from(d - b'0');
        }
        let mut scale10 = -(frac.len() as i32);
        let unit = match UNITS.iter().find(|(s, _)| *s == suffix) {
            Some((s, n)) => Unit { suffix: s, nanos: *n },
            None => {
                let exp = suffix
                    .strip_prefix(['e', 'E'])
                    .and_then(|e| e.parse::<i32>().ok())
                    .filter(|e| e.abs() <= 40)
                    .ok_or_else(|| {
                        bad("unknown suffix (use n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent)")
                    })?;
                scale10 += exp;
                PLAIN
            }
        };
        // value = mantissa × 10^scale10 × unit.nanos (nano-units), rounded up.
        let mut nanos = mantissa.checked_mul(unit.nanos).ok_or_else(|| bad("out of range"))?;
        if scale10 >= 0 {
            for _ in 0..scale10 {
                nanos = nanos.checked_mul(10).ok_or_else(|| bad("out of range"))?;
            }
        } else {
            let div = 10i128
                .checked_pow(scale10.unsigned_abs())
                .ok_or_else(|| bad("out of range"))?;
            nanos = nanos / div + i128::from(nanos % div != 0);
        }
        Ok(Quantity {
            nanos: if negative { -nanos } else { nanos },
            unit,
        })
    }

    /// The quantity of a YAML scalar (numbers and strings).
    pub fn of_node(node: &crate::parse::yaml::Node) -> Result<Quantity, String> {
        use crate::parse::yaml::Value;
        match &node.value {
            Value::Int(i) => Ok(Quantity {
                nanos: i128::from(*i) * NANO,
                unit: PLAIN,
            }),
            Value::Float(f) => Quantity::parse(&format!("{f}")),
            Value::Str(s) => Quantity::parse(s),
            _ => Err("not a number or quantity".to_string()),
        }
    }

    /// The sum, displayed like `self`.
    pub fn plus(self, other: Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_add(other.nanos),
            unit: self.unit,
        }
    }

    /// The same value displayed in `unit`.
    pub fn with_unit(self, unit: Unit) -> Quantity {
        Quantity {
            nanos: self.nanos,
            unit,
        }
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.nanos.cmp(&other.nanos))
    }
}

impl fmt::Display for Quantity {
    /// The exact value in its unit: `1.5Gi`, `250m`, `3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let n = self.nanos.unsigned_abs();
        let unit = self.unit.nanos.unsigned_abs();
        let int = n / unit;
        let mut rem = n % unit;
        let mut frac = String::new();
        // Every unit is 2^a·10^b nano-units, so the expansion terminates; cap it anyway.
        while rem != 0 && frac.len() < 30 {
            rem *= 10;
            frac.push(char::from(b'0' + (rem / unit) as u8));
            rem %= unit;
        }
        let dot = if frac.is_empty() { "" } else { "." };
        write!(f, "{sign}{int}{dot}{frac}{}", self.unit.suffix)
    }
}

#[cfg(test)]
mod tests {
    use super::Quantity;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn suffixes_and_exponents_are_exact() {
        assert_eq!(q("1Ki").nanos, 1024 * 1_000_000_000);
        assert_eq!(q("1.5Gi"), q("1536Mi"));
        assert_eq!(q("250m").nanos, 250_000_000);
        assert_eq!(q("1k"), q("1000"));
        assert_eq!(q("2e3"), q("2k"));
        assert_eq!(q("1.5E-3"), q("1.5m"));
        assert_eq!(q("1E").nanos, 1_000_000_000_000_000_000 * 1_000_000_000);
        assert_eq!(q("0.1").plus(q("0.2")), q("300m"));
        assert_eq!(q("-1.5").nanos, -1_500_000_000);
        assert_eq!(q(".5Mi"), q("512Ki"));
    }

    #[test]
    fn below_a_nano_unit_rounds_up() {
        assert_eq!(q("0.1n").nanos, 1);
        assert_eq!(q("1e-10").nanos, 1);
    }

    #[test]
    fn comparisons_cross_suffix_families() {
        assert!(q("1Gi") > q("1G"));
        assert!(q("1000Mi") < q("1Gi"));
        assert!(q("20Gi") >= q("10Gi").plus(q("10Gi")));
    }

    #[test]
    fn display_keeps_the_unit() {
        assert_eq!(q("1.5Gi").to_string(), "1.5Gi");
        assert_eq!(q("10Gi").plus(q("512Mi")).to_string(), "10.5Gi");
        assert_eq!(q("250m").to_string(), "250m");
        assert_eq!(q("3").to_string(), "3");
        assert_eq!(q("1Mi").with_unit(q("1Gi").unit).to_string(), "0.0009765625Gi");
    }

    #[test]
    fn malformed_quantities_are_errors() {
        for bad in [
            "",
            "Gi",
            "1.2.3",
            "1Gb",
            "1e",
            "1e999",
            "abc",
            "99999999999999999999999999999999Ei",
        ] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
    }
}
