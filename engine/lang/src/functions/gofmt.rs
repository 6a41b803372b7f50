//! Go's number text for `format`: `big.Float` verbs `%e %E %f %g %G` (and `Text('g'|'f', -1)`)
//! and `big.Int` verbs `%b %d %o %x %X`, with Go's flags, widths and precisions.
//!
//! Fixed-precision verbs round the number's exact binary value (round half to even on the
//! exact decimal expansion, as `big.Float` does); shortest forms use the digits the number
//! prints with (its `Display`, which is Terraform's own shortest form).

use crate::value::Number;
use num_bigint::{BigInt, BigUint};

/// Flags, width and precision of one verb.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spec {
    /// `+`: always print a sign.
    pub plus: bool,
    /// `-`: pad on the right.
    pub minus: bool,
    /// `0`: pad with zeros.
    pub zero: bool,
    /// ` `: a space where a plus sign would go.
    pub space: bool,
    /// `#`: base prefix for integers.
    pub sharp: bool,
    /// Minimum width.
    pub width: Option<usize>,
    /// Precision.
    pub prec: Option<usize>,
}

/// A decimal `0.mant × 10^exp`: digits without leading or trailing zeros (empty for zero).
#[derive(Debug, Clone, Default)]
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn from_digits(digits: &[u8], exp: i64) -> Decimal {
        let lead = digits.iter().take_while(|d| **d == b'0').count();
        let mant: Vec<u8> = digits[lead..].to_vec();
        let trail = mant.iter().rev().take_while(|d| **d == b'0').count();
        let mant = mant[..mant.len() - trail].to_vec();
        if mant.is_empty() {
            return Decimal::default();
        }
        Decimal {
            mant,
            exp: exp - lead as i64,
        }
    }

    fn at(&self, i: i64) -> u8 {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.mant.get(i))
            .copied()
            .unwrap_or(b'0')
    }

    /// Go's `decimal.round(n)`: round half to even at `n` digits.
    fn round(&mut self, n: i64) {
        let Ok(n) = usize::try_from(n) else { return };
        if n >= self.mant.len() {
            return;
        }
        let up = if self.mant[n] == b'5' && n + 1 == self.mant.len() {
            n > 0 && (self.mant[n - 1] - b'0') % 2 == 1
        } else {
            self.mant[n] >= b'5'
        };
        if !up {
            self.mant.truncate(n);
            while self.mant.last() == Some(&b'0') {
                self.mant.pop();
            }
            if self.mant.is_empty() {
                self.exp = 0;
            }
            return;
        }
        let mut k = n;
        while k > 0 && self.mant[k - 1] == b'9' {
            k -= 1;
        }
        if k == 0 {
            self.mant = vec![b'1'];
            self.exp += 1;
        } else {
            self.mant[k - 1] += 1;
            self.mant.truncate(k);
        }
    }
}

/// Parses a decimal text (`-12.5`, `1e+30`, `0.001`) into sign and decimal.
fn parse_text(s: &str) -> Option<(bool, Decimal)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (mant, e10) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i64>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let all: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
    if all.is_empty() || !all.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((neg, Decimal::from_digits(&all, int.len() as i64 + e10)))
}

/// True for negative numbers including negative zero.
fn is_negative(n: &Number) -> bool {
    n.signum() < 0 || n.to_string().starts_with('-')
}

/// The number's own (shortest) digits.
fn shortest(n: &Number) -> Decimal {
    parse_text(&n.to_string())
        .map(|(_, d)| d)
        .unwrap_or_default()
}

/// Largest binary exponent the exact expansion works with (beyond: shortest digits).
const MAX_BITS: i64 = 100_000;

/// `|n| = m × 2^e` with `m` odd, computed with exact binary scaling.
fn binary_parts(n: &Number) -> Option<(BigUint, i64)> {
    let two = Number::from(2);
    let step = Number::from(1i64 << 32);
    let mut x = n.abs();
    let mut e: i64 = 0;
    if x.signum() == 0 || x.is_infinite() {
        return None;
    }
    if !x.is_integer() {
        while !x.is_integer() {
            x = x.mul(&step)?;
            e -= 32;
            if e < -MAX_BITS {
                return None;
            }
        }
    } else {
        while let Some(q) = x.div(&step).filter(|q| q.is_integer() && q.signum() != 0) {
            x = q;
            e += 32;
            if e > MAX_BITS {
                return None;
            }
        }
    }
    while let Some(q) = x.div(&two).filter(Number::is_integer) {
        x = q;
        e += 1;
    }
    let (_, d) = parse_text(&x.to_string())?;
    let zeros = usize::try_from(d.exp - d.mant.len() as i64).ok()?;
    let digits: Vec<u8> = d
        .mant
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'0', zeros))
        .collect();
    Some((BigUint::parse_bytes(&digits, 10)?, e))
}

/// The exact decimal expansion of a finite number.
fn exact(n: &Number) -> Option<Decimal> {
    if n.signum() == 0 && !n.is_infinite() {
        return Some(Decimal::default());
    }
    let (m, e) = binary_parts(n)?;
    if e >= 0 {
        let digits = (m << e as u64).to_string();
        let len = digits.len() as i64;
        return Some(Decimal::from_digits(digits.as_bytes(), len));
    }
    let digits = (m * BigUint::from(5u32).pow(u32::try_from(-e).ok()?)).to_string();
    let len = digits.len() as i64;
    Some(Decimal::from_digits(digits.as_bytes(), len + e))
}

/// The exact integer value, when the number is a whole number.
pub fn exact_int(n: &Number) -> Option<BigInt> {
    if !n.is_integer() {
        return None;
    }
    let d = exact(n)?;
    let zeros = usize::try_from(d.exp - d.mant.len() as i64).ok()?;
    let digits: Vec<u8> = d
        .mant
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'0', zeros))
        .collect();
    let abs = if digits.is_empty() {
        BigUint::default()
    } else {
        BigUint::parse_bytes(&digits, 10)?
    };
    Some(if is_negative(n) {
        -BigInt::from(abs)
    } else {
        BigInt::from(abs)
    })
}

/// `%e`: `d.ddde±dd`.
fn fmt_e(out: &mut String, upper: bool, prec: i64, d: &Decimal) {
    out.push(char::from(d.mant.first().copied().unwrap_or(b'0')));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(char::from(d.at(i)));
        }
    }
    out.push(if upper { 'E' } else { 'e' });
    let exp = if d.mant.is_empty() { 0 } else { d.exp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    if exp.abs() < 10 {
        out.push('0');
    }
    out.push_str(&exp.abs().to_string());
}

/// `%f`: `ddd.ddd`.
fn fmt_f(out: &mut String, prec: i64, d: &Decimal) {
    if d.exp > 0 {
        for i in 0..d.exp {
            out.push(char::from(d.at(i)));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(char::from(d.at(d.exp + i)));
        }
    }
}

/// `big.Float.Append` for a finite number, without the sign; `prec < 0` means shortest.
fn append(verb: char, prec: i64, n: &Number) -> String {
    let lower = verb.to_ascii_lowercase();
    let upper = verb.is_ascii_uppercase();
    let shortest_mode = prec < 0;
    let mut prec = prec;
    let mut d = if shortest_mode {
        shortest(n)
    } else {
        exact(n).unwrap_or_else(|| shortest(n))
    };
    let len = d.mant.len() as i64;
    if shortest_mode {
        prec = match lower {
            'e' => len - 1,
            'f' => (len - d.exp).max(0),
            _ => len,
        };
    } else {
        match lower {
            'e' => d.round(1 + prec),
            'f' => d.round(d.exp + prec),
            _ => {
                prec = prec.max(1);
                d.round(prec);
            }
        }
    }
    let mut out = String::new();
    match lower {
        'e' => fmt_e(&mut out, upper, prec, &d),
        'f' => fmt_f(&mut out, prec, &d),
        _ => {
            let len = d.mant.len() as i64;
            let mut eprec = prec;
            if eprec > len && len >= d.exp {
                eprec = len;
            }
            if shortest_mode {
                eprec = 6;
            }
            let exp = d.exp - 1;
            if exp < -4 || exp >= eprec {
                fmt_e(&mut out, upper, prec.min(len) - 1, &d);
            } else {
                let p = if prec > d.exp { len } else { prec };
                fmt_f(&mut out, (p - d.exp).max(0), &d);
            }
        }
    }
    out
}

/// `big.Float.Text(verb, -1)`: shortest text with sign, `+Inf`/`-Inf` for infinities.
pub fn text_shortest(n: &Number, verb: char) -> String {
    let neg = is_negative(n);
    if n.is_infinite() {
        return if neg { "-Inf" } else { "+Inf" }.to_string();
    }
    let body = append(verb, -1, n);
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

/// `fmt.Sprintf("%<flags><width>.<prec><verb>", *big.Float)` for `e E f g G`.
pub fn format_float(verb: char, n: &Number, spec: &Spec) -> String {
    let neg = is_negative(n);
    let inf = n.is_infinite();
    let body = if inf {
        "Inf".to_string()
    } else {
        let default = if verb.eq_ignore_ascii_case(&'g') {
            -1
        } else {
            6
        };
        let prec = spec
            .prec
            .map_or(default, |p| i64::try_from(p).unwrap_or(i64::MAX));
        append(verb, prec, n)
    };
    let sign = if neg {
        "-"
    } else if inf {
        if spec.space {
            " "
        } else {
            "+"
        }
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let len = sign.len() + body.len();
    let pad = spec.width.map_or(0, |w| w.saturating_sub(len));
    if spec.zero && !inf {
        format!("{sign}{}{body}", "0".repeat(pad))
    } else if spec.minus {
        format!("{sign}{body}{}", " ".repeat(pad))
    } else {
        format!("{}{sign}{body}", " ".repeat(pad))
    }
}

/// `fmt.Sprintf("%<flags><width>.<prec><verb>", *big.Int)` for `b d o x X`.
pub fn format_int(verb: char, i: &BigInt, spec: &Spec) -> String {
    let neg = i.sign() == num_bigint::Sign::Minus;
    let radix = match verb {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let mut digits = i.magnitude().to_str_radix(radix);
    if verb == 'X' {
        digits = digits.to_ascii_uppercase();
    }
    let sign = if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let prefix = match (spec.sharp, verb) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = spec.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return String::new();
        }
    }
    let len = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = spec.width.filter(|w| *w > len) {
        let d = w - len;
        if spec.minus {
            right = d;
        } else if spec.zero && spec.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}
