//! Numbers with Terraform's semantics: 512-bit binary floats like cty's (Go `big.Float`),
//! with a fast path for the small integers most configurations use.

use super::bigfloat::BigFloat;
use super::bigfloat_fmt::format_shortest;
use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{Signed, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// An arbitrary-precision number (cty's number type).
#[derive(Clone)]
pub struct Number(Repr);

#[derive(Clone)]
enum Repr {
    /// An exact integer (the common case; arithmetic stays here while it is exact).
    Int(i64),
    /// Everything else.
    Big(Arc<BigFloat>),
}

impl Number {
    fn big(b: BigFloat) -> Number {
        // Keep integers that fit in the fast path there, so equal values share a form.
        if !b.inf
            && b.exp >= 0
            && b.prec >= 64
            && b.mant.bits() as i64 + b.exp <= 62
            && !(b.neg && b.mant.is_zero())
        {
            if let Some(v) = (&b.mant << b.exp as u64).to_i64() {
                return Number(Repr::Int(if b.neg { -v } else { v }));
            }
        }
        Number(Repr::Big(Arc::new(b)))
    }

    fn to_big(&self) -> BigFloat {
        match &self.0 {
            Repr::Int(i) => BigFloat::from_int(*i < 0, BigUint::from(i.unsigned_abs())),
            Repr::Big(b) => (**b).clone(),
        }
    }

    /// Parses a decimal literal (`12`, `-1.5e3`, `.5`, `5.`, `+3`, `Inf`) as cty does.
    pub fn parse(s: &str) -> Option<Number> {
        if let Ok(i) = s.parse::<i64>() {
            // "-0" is negative zero, which only the general form represents.
            if i != 0 || !s.starts_with('-') {
                return Some(Number(Repr::Int(i)));
            }
        }
        let lower = s.to_ascii_lowercase();
        match lower.trim_start_matches(['+', '-']) {
            "inf" | "infinity" => return Some(Number::big(BigFloat::infinity(s.starts_with('-')))),
            _ => {}
        }
        BigFloat::parse_decimal(s).map(Number::big)
    }

    /// The exact value of an f64 (with float64 precision, as cty's `NumberFloatVal`).
    pub fn from_f64(f: f64) -> Number {
        Number(Repr::Big(Arc::new(BigFloat::from_f64(f))))
    }

    /// The nearest f64.
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Int(i) => *i as f64,
            Repr::Big(b) => b.to_f64(),
        }
    }

    /// The exact i64 when the number is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Int(i) => Some(*i),
            Repr::Big(_) => self.to_bigint()?.to_i64(),
        }
    }

    /// The exact u64 when the number is a non-negative integer in range.
    pub fn to_u64(&self) -> Option<u64> {
        self.to_bigint()?.to_u64()
    }

    /// The exact integer value, when the number is an integer.
    pub fn to_bigint(&self) -> Option<BigInt> {
        match &self.0 {
            Repr::Int(i) => Some(BigInt::from(*i)),
            Repr::Big(b) => {
                if !self.is_integer() {
                    return None;
                }
                let (neg, m) = b.trunc_int()?;
                Some(BigInt::from_biguint(
                    if neg { Sign::Minus } else { Sign::Plus },
                    m,
                ))
            }
        }
    }

    /// An exact integer.
    pub fn from_bigint(i: &BigInt) -> Number {
        match i.to_i64() {
            Some(v) => Number(Repr::Int(v)),
            None => Number::big(BigFloat::from_int(i.is_negative(), i.magnitude().clone())),
        }
    }

    /// True when the number has no fractional part (infinities are not integers).
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Int(_) => true,
            Repr::Big(b) => !b.inf && (b.exp >= 0 || b.mant.is_zero()),
        }
    }

    /// True for ±infinity.
    pub fn is_infinite(&self) -> bool {
        matches!(&self.0, Repr::Big(b) if b.inf)
    }

    /// True for ±0.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Int(i) => *i == 0,
            Repr::Big(b) => b.is_zero(),
        }
    }

    /// True below zero (−0 is not negative).
    pub fn is_negative(&self) -> bool {
        self.signum() < 0
    }

    /// +Inf.
    pub fn infinity() -> Number {
        Number::big(BigFloat::infinity(false))
    }

    /// -Inf.
    pub fn neg_infinity() -> Number {
        Number::big(BigFloat::infinity(true))
    }

    /// self + rhs; `None` for Inf + -Inf.
    pub fn add(&self, rhs: &Number) -> Option<Number> {
        if let (Repr::Int(a), Repr::Int(b)) = (&self.0, &rhs.0) {
            if let Some(c) = a.checked_add(*b) {
                return Some(Number(Repr::Int(c)));
            }
        }
        self.to_big().add(&rhs.to_big()).map(Number::big)
    }

    /// self - rhs; `None` for Inf - Inf.
    pub fn sub(&self, rhs: &Number) -> Option<Number> {
        self.add(&rhs.neg())
    }

    /// self × rhs; `None` for 0 × Inf.
    pub fn mul(&self, rhs: &Number) -> Option<Number> {
        if let (Repr::Int(a), Repr::Int(b)) = (&self.0, &rhs.0) {
            // `0 * -1` is -0 in cty, which the fast path cannot represent.
            if let Some(c) = a
                .checked_mul(*b)
                .filter(|c| *c != 0 || (*a >= 0 && *b >= 0))
            {
                return Some(Number(Repr::Int(c)));
            }
        }
        self.to_big().mul(&rhs.to_big()).map(Number::big)
    }

    /// self / rhs (x/0 is ±Inf); `None` for 0/0 and Inf/Inf.
    pub fn div(&self, rhs: &Number) -> Option<Number> {
        if let (Repr::Int(a), Repr::Int(b)) = (&self.0, &rhs.0) {
            if *b != 0 && a % b == 0 && (*a != 0 || *b > 0) {
                if let Some(c) = a.checked_div(*b) {
                    return Some(Number(Repr::Int(c)));
                }
            }
        }
        self.to_big().div(&rhs.to_big()).map(Number::big)
    }

    /// cty's `Modulo`: `self - rhs × trunc(self / rhs)`; an infinite quotient counts as 0.
    pub fn rem(&self, rhs: &Number) -> Option<Number> {
        if let (Repr::Int(a), Repr::Int(b)) = (&self.0, &rhs.0) {
            if *b != 0 {
                return a.checked_rem(*b).map(|c| Number(Repr::Int(c)));
            }
        }
        if self.is_infinite() {
            return self.mul(rhs);
        }
        if rhs.is_infinite() {
            return Some(self.clone());
        }
        let q = self.div(rhs)?;
        let t = q.trunc();
        let t = if t.is_infinite() { Number::from(0) } else { t };
        self.sub(&rhs.mul(&t)?)
    }

    /// The integer part, toward zero.
    pub fn trunc(&self) -> Number {
        match &self.0 {
            Repr::Int(_) => self.clone(),
            Repr::Big(b) => match b.trunc_int() {
                None => self.clone(),
                Some((neg, m)) => Number::from_bigint(&BigInt::from_biguint(
                    if neg { Sign::Minus } else { Sign::Plus },
                    m,
                )),
            },
        }
    }

    /// -self.
    pub fn neg(&self) -> Number {
        match &self.0 {
            Repr::Int(i) if *i != 0 && *i != i64::MIN => Number(Repr::Int(-i)),
            _ => Number::big(self.to_big().neg()),
        }
    }

    /// |self|.
    pub fn abs(&self) -> Number {
        if self.signum() < 0 {
            self.neg()
        } else {
            match &self.0 {
                Repr::Big(b) if b.neg => self.neg(),
                _ => self.clone(),
            }
        }
    }

    /// Largest integer ≤ self.
    pub fn floor(&self) -> Number {
        let t = self.trunc();
        if !self.is_integer() && self.signum() < 0 {
            t.sub(&Number::from(1)).unwrap_or(t)
        } else {
            t
        }
    }

    /// Smallest integer ≥ self.
    pub fn ceil(&self) -> Number {
        let t = self.trunc();
        if !self.is_integer() && self.signum() > 0 {
            t.add(&Number::from(1)).unwrap_or(t)
        } else {
            t
        }
    }

    /// -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        match &self.0 {
            Repr::Int(i) => i.signum() as i32,
            Repr::Big(b) if b.is_zero() => 0,
            Repr::Big(b) => {
                if b.neg {
                    -1
                } else {
                    1
                }
            }
        }
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number(Repr::Int(i))
    }
}

impl From<i32> for Number {
    fn from(i: i32) -> Number {
        Number(Repr::Int(i64::from(i)))
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Number {
        Number::from_bigint(&BigInt::from(u))
    }
}

impl From<usize> for Number {
    fn from(u: usize) -> Number {
        Number::from(u as u64)
    }
}

impl PartialEq for Number {
    fn eq(&self, o: &Number) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Number) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Number {
    fn cmp(&self, o: &Number) -> Ordering {
        match (&self.0, &o.0) {
            (Repr::Int(a), Repr::Int(b)) => a.cmp(b),
            _ => self.to_big().cmp_value(&o.to_big()),
        }
    }
}

impl std::hash::Hash for Number {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        // Integers hash by value whatever their representation; other values by their
        // canonical mantissa and exponent.
        match self.to_i64() {
            Some(i) => i.hash(h),
            None => {
                let b = self.to_big();
                (b.inf, b.neg && !b.is_zero(), b.mant.to_u64_digits(), b.exp).hash(h)
            }
        }
    }
}

impl fmt::Display for Number {
    /// Terraform's formatting: plain decimal with the shortest digits that read back as the
    /// same value; `+Inf` / `-Inf`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Int(i) => write!(f, "{i}"),
            Repr::Big(b) => f.write_str(&format_shortest(b)),
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({self})")
    }
}

#[cfg(test)]
#[path = "number_tests.rs"]
mod tests;
