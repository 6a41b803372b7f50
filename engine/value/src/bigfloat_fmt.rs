//! Go's shortest decimal formatting of a binary float (`big.Float.Text('f', -1)`): the
//! fewest digits that still round back to the same 512-bit value.

use super::bigfloat::BigFloat;
use num_bigint::BigUint;
use num_traits::{One, Zero};

/// A decimal `0.d1d2d3… × 10^exp` with no trailing zero digits (Go's `decimal`).
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// The exact decimal of `m × 2^shift`.
    fn of(m: &BigUint, shift: i64) -> Decimal {
        if m.is_zero() {
            return Decimal {
                mant: Vec::new(),
                exp: 0,
            };
        }
        let (digits, frac) = if shift >= 0 {
            ((m << shift as u64).to_string(), 0)
        } else {
            let n = (-shift) as u64;
            (
                (m * BigUint::from(5u32).pow(n as u32)).to_string(),
                n as i64,
            )
        };
        let mut mant = digits.into_bytes();
        let exp = mant.len() as i64 - frac;
        while mant.last() == Some(&b'0') {
            mant.pop();
        }
        Decimal { mant, exp }
    }

    fn at(&self, i: usize) -> u8 {
        self.mant.get(i).copied().unwrap_or(b'0')
    }

    fn round_down(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        self.mant.truncate(n);
        while self.mant.last() == Some(&b'0') {
            self.mant.pop();
        }
    }

    fn round_up(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let mut i = n;
        while i > 0 && self.mant[i - 1] >= b'9' {
            i -= 1;
        }
        if i == 0 {
            self.mant = vec![b'1'];
            self.exp += 1;
            return;
        }
        self.mant[i - 1] += 1;
        self.mant.truncate(i);
    }

    fn round(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let up = if self.mant[n] == b'5' && n + 1 == self.mant.len() {
            n > 0 && (self.mant[n - 1] - b'0') & 1 != 0
        } else {
            self.mant[n] >= b'5'
        };
        if up {
            self.round_up(n)
        } else {
            self.round_down(n)
        }
    }
}

/// Rounds `d` (the exact decimal of `x`) to the shortest decimal that reads back as `x`.
fn round_shortest(d: &mut Decimal, x: &BigFloat) {
    if d.mant.is_empty() {
        return;
    }
    // Normalize the mantissa to PREC + 1 bits so its lsb is half an ulp of x.
    let bits = x.mant.bits() as i64;
    let mut exp = x.exp;
    let s = bits - (x.prec as i64 + 1);
    let mant = if s < 0 {
        &x.mant << (-s) as u64
    } else {
        &x.mant >> s as u64
    };
    exp += s;
    let lower = Decimal::of(&(&mant - BigUint::one()), exp);
    let upper = Decimal::of(&(&mant + BigUint::one()), exp);
    let inclusive = !mant.bit(1);
    for i in 0..d.mant.len() {
        let (l, m, u) = (lower.at(i), d.mant[i], upper.at(i));
        let okdown = l != m || inclusive && i + 1 == lower.mant.len();
        let okup = m != u && (inclusive || m + 1 < u || i + 1 < upper.mant.len());
        match (okdown, okup) {
            (true, true) => return d.round(i + 1),
            (true, false) => return d.round_down(i + 1),
            (false, true) => return d.round_up(i + 1),
            _ => {}
        }
    }
}

/// Formats as Go's `x.Text('f', -1)`: plain notation, shortest digits, `+Inf`/`-Inf`.
pub fn format_shortest(x: &BigFloat) -> String {
    if x.inf {
        return if x.neg { "-Inf".into() } else { "+Inf".into() };
    }
    let mut out = String::new();
    if x.neg {
        out.push('-');
    }
    if x.mant.is_zero() {
        out.push('0');
        return out;
    }
    let mut d = Decimal::of(&x.mant, x.exp);
    round_shortest(&mut d, x);
    if d.exp > 0 {
        let m = (d.mant.len() as i64).min(d.exp) as usize;
        out.push_str(std::str::from_utf8(&d.mant[..m]).unwrap_or("0"));
        for _ in m as i64..d.exp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    let prec = (d.mant.len() as i64 - d.exp).max(0);
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let idx = d.exp + i;
            out.push(if idx < 0 {
                '0'
            } else {
                d.at(idx as usize) as char
            });
        }
    }
    out
}
