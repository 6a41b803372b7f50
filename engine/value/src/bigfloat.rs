//! A binary floating-point number with a 512-bit mantissa and round-half-to-even, the
//! arithmetic cty does with Go's `big.Float`, and Go's shortest decimal formatting
//! (`Text('f', -1)`), so that numbers print exactly as Terraform prints them.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;

/// Mantissa precision in bits (cty's number precision).
pub const PREC: u64 = 512;

/// A finite value `(-1)^neg × mant × 2^exp`, or an infinity; `mant` is odd or zero
/// (canonical), so equal values have equal representations.
#[derive(Debug, Clone)]
pub struct BigFloat {
    /// Sign (true for negative, including negative zero).
    pub neg: bool,
    /// Infinity (mant and exp unused).
    pub inf: bool,
    /// The mantissa (≤ 512 bits, odd unless zero).
    pub mant: BigUint,
    /// The binary exponent.
    pub exp: i64,
    /// Precision in bits results are rounded to (512 for literals, 53 for values that came
    /// from float64 math, as with Go's big.Float).
    pub prec: u64,
}

fn pow10(n: u64) -> BigUint {
    BigUint::from(10u32).pow(n as u32)
}

impl BigFloat {
    /// Zero with a sign.
    pub fn zero(neg: bool) -> Self {
        BigFloat {
            neg,
            inf: false,
            mant: BigUint::zero(),
            exp: 0,
            prec: PREC,
        }
    }

    /// ±infinity.
    pub fn infinity(neg: bool) -> Self {
        BigFloat {
            neg,
            inf: true,
            mant: BigUint::zero(),
            exp: 0,
            prec: PREC,
        }
    }

    /// True for ±0.
    pub fn is_zero(&self) -> bool {
        !self.inf && self.mant.is_zero()
    }

    /// `m × 2^e` rounded to 512 bits (half to even), with `sticky` meaning that the true
    /// value is slightly larger in magnitude than `m × 2^e` (a nonzero discarded remainder).
    pub fn round(neg: bool, m: BigUint, e: i64, sticky: bool, prec: u64) -> Self {
        let bits = m.bits();
        let (mut m, mut e) = (m, e);
        if bits > prec {
            let k = bits - prec;
            let q = &m >> k;
            let r = &m - (&q << k);
            let half = BigUint::one() << (k - 1);
            let up = match r.cmp(&half) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => sticky || q.is_odd(),
            };
            m = if up { q + 1u32 } else { q };
            e += k as i64;
        } else if sticky {
            // Exact within precision except for the sticky remainder, which is below half an
            // ulp (callers provide at least two guard bits), so it rounds away.
        }
        Self::canonical(neg, m, e, prec)
    }

    fn canonical(neg: bool, m: BigUint, e: i64, prec: u64) -> Self {
        if m.is_zero() {
            return BigFloat {
                prec,
                ..BigFloat::zero(neg)
            };
        }
        let tz = m.trailing_zeros().unwrap_or(0);
        BigFloat {
            neg,
            inf: false,
            mant: m >> tz,
            exp: e + tz as i64,
            prec,
        }
    }

    /// An exact integer.
    pub fn from_int(neg: bool, m: BigUint) -> Self {
        Self::round(neg, m, 0, false, PREC)
    }

    /// `num / den` rounded to 512 bits (den > 0).
    fn quotient(
        neg: bool,
        num: &BigUint,
        num_exp: i64,
        den: &BigUint,
        den_exp: i64,
        prec: u64,
    ) -> Self {
        if num.is_zero() {
            return BigFloat::zero(neg);
        }
        // Scale so the quotient has at least PREC + 2 bits, then keep the remainder as a
        // sticky bit: that is enough for correct rounding.
        let shift = (prec as i64 + 2 + den.bits() as i64 - num.bits() as i64).max(0) as u64;
        let (q, r) = (num << shift).div_rem(den);
        let (q, e) = (
            (q << 1u32) | BigUint::from(u32::from(!r.is_zero())),
            num_exp - den_exp - shift as i64 - 1,
        );
        Self::round(neg, q, e, false, prec)
    }

    /// Parses a decimal literal as `big.ParseFloat(s, 10, 512, ToNearestEven)` does.
    pub fn parse_decimal(s: &str) -> Option<Self> {
        let (neg, body) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (mantissa, exp10) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()?),
            None => (body, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int_part.is_empty() && frac_part.is_empty()
            || !int_part
                .bytes()
                .chain(frac_part.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let digits: String = [int_part, frac_part].concat();
        let d = BigUint::parse_bytes(digits.as_bytes(), 10)?;
        let e10 = exp10.checked_sub(frac_part.len() as i64)?;
        if d.is_zero() {
            return Some(BigFloat::zero(neg));
        }
        // Beyond these the value is certainly out of any useful range; Go would produce ±Inf
        // or 0 too (its exponent is bounded), and computing 10^huge would never finish.
        if e10 > 400_000 {
            return Some(BigFloat::infinity(neg));
        }
        if e10 < -400_000 {
            return Some(BigFloat::zero(neg));
        }
        Some(if e10 >= 0 {
            Self::round(neg, d * pow10(e10 as u64), 0, false, PREC)
        } else {
            Self::quotient(neg, &d, 0, &pow10((-e10) as u64), 0, PREC)
        })
    }

    /// The exact value of an f64.
    pub fn from_f64(f: f64) -> Self {
        if f.is_infinite() {
            return BigFloat::infinity(f < 0.0);
        }
        if f == 0.0 || f.is_nan() {
            return BigFloat {
                prec: 53,
                ..BigFloat::zero(f.is_sign_negative())
            };
        }
        let bits = f.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, e) = if exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp - 1075)
        };
        Self::canonical(f < 0.0, BigUint::from(m), e, 53)
    }

    /// The nearest f64.
    pub fn to_f64(&self) -> f64 {
        let sign = if self.neg { -1.0 } else { 1.0 };
        if self.inf {
            return sign * f64::INFINITY;
        }
        if self.mant.is_zero() {
            return sign * 0.0;
        }
        // Round to 53 bits first (half to even), then scale: exact except for subnormals.
        let bits = self.mant.bits();
        let (m, e) = if bits > 53 {
            let r = BigFloat::round_bits(&self.mant, 53);
            (r.0, self.exp + r.1)
        } else {
            (self.mant.clone(), self.exp)
        };
        let m = m.to_f64().unwrap_or(f64::INFINITY);
        sign * m * 2f64.powi(e.clamp(-1100, 1100) as i32)
    }

    fn round_bits(m: &BigUint, prec: u64) -> (BigUint, i64) {
        let k = m.bits() - prec;
        let q = m >> k;
        let r = m - (&q << k);
        let half = BigUint::one() << (k - 1);
        let up = r > half || (r == half && q.is_odd());
        (if up { q + 1u32 } else { q }, k as i64)
    }

    /// Exact value aligned to a common exponent: `(mant << (exp - e), e)`.
    fn aligned(&self, e: i64) -> BigUint {
        &self.mant << (self.exp - e) as u64
    }

    /// Sum, rounded; `None` for +Inf + -Inf.
    pub fn add(&self, o: &Self) -> Option<Self> {
        match (self.inf, o.inf) {
            (true, true) if self.neg != o.neg => return None,
            (true, _) => return Some(self.clone()),
            (_, true) => return Some(o.clone()),
            _ => {}
        }
        let prec = self.prec.max(o.prec);
        if self.is_zero() && o.is_zero() {
            return Some(BigFloat {
                prec,
                ..BigFloat::zero(self.neg && o.neg)
            });
        }
        if self.is_zero() {
            return Some(BigFloat { prec, ..o.clone() }.rounded());
        }
        if o.is_zero() {
            return Some(
                BigFloat {
                    prec,
                    ..self.clone()
                }
                .rounded(),
            );
        }
        let prec = self.prec.max(o.prec);
        let e = self.exp.min(o.exp);
        if (self.exp - o.exp).unsigned_abs() > 4 * PREC + 64 {
            // The smaller operand only affects rounding through a sticky bit.
            let (big, small) = if self.exp > o.exp {
                (self, o)
            } else {
                (o, self)
            };
            let shift = PREC as i64 + 4;
            let m = (&big.mant << shift as u64) * 2u32;
            let m = if big.neg == small.neg {
                m + 1u32
            } else {
                m - 1u32
            };
            return Some(Self::round(big.neg, m, big.exp - shift - 1, false, prec));
        }
        let (a, b) = (self.aligned(e), o.aligned(e));
        Some(if self.neg == o.neg {
            Self::round(self.neg, a + b, e, false, prec)
        } else if a >= b {
            let neg = if a == b { false } else { self.neg };
            Self::round(neg, a - b, e, false, prec)
        } else {
            Self::round(o.neg, b - a, e, false, prec)
        })
    }

    /// Re-rounds to the value's own precision (after the precision grew or shrank).
    fn rounded(self) -> Self {
        if self.inf || self.mant.is_zero() {
            return self;
        }
        let (neg, prec, exp) = (self.neg, self.prec, self.exp);
        Self::round(neg, self.mant, exp, false, prec)
    }

    /// Negation.
    pub fn neg(&self) -> Self {
        BigFloat {
            neg: !self.neg,
            ..self.clone()
        }
    }

    /// Product, rounded; `None` for 0 × Inf.
    pub fn mul(&self, o: &Self) -> Option<Self> {
        let neg = self.neg != o.neg;
        if self.inf || o.inf {
            return if self.is_zero() || o.is_zero() {
                None
            } else {
                Some(BigFloat::infinity(neg))
            };
        }
        Some(Self::round(
            neg,
            &self.mant * &o.mant,
            self.exp + o.exp,
            false,
            self.prec.max(o.prec),
        ))
    }

    /// Quotient, rounded; x/0 is ±Inf, `None` for 0/0 and Inf/Inf.
    pub fn div(&self, o: &Self) -> Option<Self> {
        let neg = self.neg != o.neg;
        match (self.inf, o.inf, self.is_zero(), o.is_zero()) {
            (true, true, _, _) | (_, _, true, true) => None,
            (true, false, _, _) => Some(BigFloat::infinity(neg)),
            (false, true, _, _) => Some(BigFloat::zero(neg)),
            (_, _, _, true) => Some(BigFloat::infinity(neg)),
            _ => Some(Self::quotient(
                neg,
                &self.mant,
                self.exp,
                &o.mant,
                o.exp,
                self.prec.max(o.prec),
            )),
        }
    }

    /// The integer part (toward zero), as `big.Float.Int` gives it; `None` for infinities.
    pub fn trunc_int(&self) -> Option<(bool, BigUint)> {
        if self.inf {
            return None;
        }
        let m = if self.exp >= 0 {
            &self.mant << self.exp as u64
        } else {
            &self.mant >> (-self.exp) as u64
        };
        Some((self.neg && !m.is_zero(), m))
    }

    /// Compares by value (-0 == 0).
    pub fn cmp_value(&self, o: &Self) -> Ordering {
        let sign = |x: &Self| {
            if x.is_zero() {
                0
            } else if x.neg {
                -1
            } else {
                1
            }
        };
        let (sa, sb) = (sign(self), sign(o));
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let mag = match (self.inf, o.inf) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ => {
                let e = self.exp.min(o.exp);
                let (la, lb) = (
                    self.mant.bits() as i64 + self.exp,
                    o.mant.bits() as i64 + o.exp,
                );
                if la != lb {
                    la.cmp(&lb)
                } else {
                    self.aligned(e).cmp(&o.aligned(e))
                }
            }
        };
        if sa < 0 {
            mag.reverse()
        } else {
            mag
        }
    }
}
