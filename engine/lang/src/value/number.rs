//! PLACEHOLDER being replaced by the arbitrary-precision implementation (same API).

use std::cmp::Ordering;
use std::fmt;

/// An arbitrary-precision number with Terraform's semantics (512-bit binary float, like cty).
#[derive(Debug, Clone)]
pub struct Number(f64);

impl Number {
    /// Parses a decimal literal (`12`, `-1.5e3`) as cty.ParseNumberVal does.
    pub fn parse(s: &str) -> Option<Number> {
        s.trim().parse::<f64>().ok().map(Number)
    }
    /// The nearest number to an f64 (exact: every finite f64 is representable).
    pub fn from_f64(f: f64) -> Number {
        Number(f)
    }
    /// The nearest f64.
    pub fn to_f64(&self) -> f64 {
        self.0
    }
    /// The exact i64 when the number is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        (self.0.fract() == 0.0 && self.0.abs() < 9.2e18).then_some(self.0 as i64)
    }
    /// True when the number has no fractional part (infinities are not integers).
    pub fn is_integer(&self) -> bool {
        self.0.is_finite() && self.0.fract() == 0.0
    }
    /// True for ±infinity.
    pub fn is_infinite(&self) -> bool {
        self.0.is_infinite()
    }
    /// +Inf.
    pub fn infinity() -> Number {
        Number(f64::INFINITY)
    }
    /// -Inf.
    pub fn neg_infinity() -> Number {
        Number(f64::NEG_INFINITY)
    }
    /// self + rhs; None for Inf + -Inf.
    pub fn add(&self, rhs: &Number) -> Option<Number> {
        Some(Number(self.0 + rhs.0))
    }
    /// self - rhs; None for Inf - Inf.
    pub fn sub(&self, rhs: &Number) -> Option<Number> {
        Some(Number(self.0 - rhs.0))
    }
    /// self * rhs; None for 0 * Inf.
    pub fn mul(&self, rhs: &Number) -> Option<Number> {
        Some(Number(self.0 * rhs.0))
    }
    /// self / rhs (x/0 is ±Inf); None for 0/0 and Inf/Inf.
    pub fn div(&self, rhs: &Number) -> Option<Number> {
        Some(Number(self.0 / rhs.0))
    }
    /// cty's Modulo.
    pub fn rem(&self, rhs: &Number) -> Option<Number> {
        Some(Number(self.0 % rhs.0))
    }
    /// -self.
    pub fn neg(&self) -> Number {
        Number(-self.0)
    }
    /// |self|.
    pub fn abs(&self) -> Number {
        Number(self.0.abs())
    }
    /// Largest integer ≤ self.
    pub fn floor(&self) -> Number {
        Number(self.0.floor())
    }
    /// Smallest integer ≥ self.
    pub fn ceil(&self) -> Number {
        Number(self.0.ceil())
    }
    /// -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        if self.0 > 0.0 {
            1
        } else if self.0 < 0.0 {
            -1
        } else {
            0
        }
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number(i as f64)
    }
}

impl PartialEq for Number {
    fn eq(&self, o: &Number) -> bool {
        self.0 == o.0
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
        self.0.total_cmp(&o.0)
    }
}
impl std::hash::Hash for Number {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.to_bits().hash(h)
    }
}
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
