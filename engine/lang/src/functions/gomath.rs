//! float64 math that reproduces Go's `math.Log` and `math.Pow` bit for bit on amd64 (the
//! platform Terraform's results are taken from), so `log` and `pow` print the same digits.
//!
//! Go's `Log` on amd64 is an assembly transcription of FreeBSD's `e_log.c`; `Pow` is pure Go
//! built on `Frexp`, `Ldexp`, `Modf`, `Sqrt`, `Log` and `Exp`; `Exp` on amd64 is the SLEEF-based
//! assembly routine in its FMA variant (every CPU with AVX and FMA takes that path).

const MANT_MASK: u64 = (1 << 52) - 1;
const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;

/// Go's `math.Log` (amd64 assembly semantics).
pub fn log(x: f64) -> f64 {
    const LN2_HI: f64 = f64::from_bits(0x3fe62e42fee00000);
    const LN2_LO: f64 = f64::from_bits(0x3dea39ef35793c76);
    const L: [f64; 7] = [
        f64::from_bits(0x3fe5555555555593),
        f64::from_bits(0x3fd999999997fa04),
        f64::from_bits(0x3fd2492494229359),
        f64::from_bits(0x3fcc71c51d8e78af),
        f64::from_bits(0x3fc7466496cb03de),
        f64::from_bits(0x3fc39a09d078c69f),
        f64::from_bits(0x3fc2f112df3e5244),
    ];
    let bits = x.to_bits();
    if bits & !(1 << 63) == 0 {
        return f64::NEG_INFINITY;
    }
    if x < 0.0 {
        return f64::NAN;
    }
    if x.is_nan() || x.is_infinite() {
        return x;
    }
    // Frexp as the assembly does it: mantissa bits with exponent of 0.5, raw exponent.
    let mut f1 = f64::from_bits((bits & MANT_MASK) | 0.5f64.to_bits());
    let mut k = (((bits >> 52) & 0x7ff) as i64 - 0x3fe) as f64;
    if f1 < std::f64::consts::FRAC_1_SQRT_2 {
        f1 *= 2.0;
        k -= 1.0;
    }
    let f = f1 - 1.0;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let s4 = s2 * s2;
    let t1 = s2 * (L[0] + s4 * (L[2] + s4 * (L[4] + s4 * L[6])));
    let t2 = s4 * (L[1] + s4 * (L[3] + s4 * L[5]));
    let r = t1 + t2;
    let hfsq = 0.5 * f * f;
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

/// Go's `math.Exp` on amd64 with FMA.
pub fn exp(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2U: f64 = f64::from_bits(0x3fe62e42fefa3000);
    const LN2L: f64 = f64::from_bits(0x3d53de6af278ece6);
    const OVERFLOW: f64 = 7.09782712893384e+02;
    const C: [f64; 6] = [
        f64::from_bits(0x3efa01a01a01a01a),
        f64::from_bits(0x3f2a01a01a01a01a),
        f64::from_bits(0x3f56c16c16c16c17),
        f64::from_bits(0x3f81111111111111),
        f64::from_bits(0x3fa5555555555555),
        f64::from_bits(0x3fc5555555555555),
    ];
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x == f64::NEG_INFINITY {
        return 0.0;
    }
    if x > OVERFLOW {
        return f64::INFINITY;
    }
    let k = cvt_round(x * LOG2E);
    let kf = f64::from(k);
    let mut r = (-LN2U).mul_add(kf, x);
    r = (-LN2L).mul_add(kf, r);
    r *= 0.0625;
    let mut p = C[0];
    for c in &C[1..] {
        p = p.mul_add(r, *c);
    }
    p = p.mul_add(r, 0.5);
    p = p.mul_add(r, 1.0);
    let mut y = r * p;
    for _ in 0..3 {
        let t = y + 2.0;
        y *= t;
    }
    let t = y + 2.0;
    y = y.mul_add(t, 1.0);
    let e = i64::from(k) + 0x3ff;
    if e <= 0 {
        return 0.0;
    }
    if e >= 0x7ff {
        return f64::INFINITY;
    }
    y * f64::from_bits((e as u64) << 52)
}

/// CVTSD2SL: round to nearest even, out-of-range gives i32::MIN ("integer indefinite").
fn cvt_round(v: f64) -> i32 {
    let r = v.round_ties_even();
    if r.is_nan() || r < f64::from(i32::MIN) || r > f64::from(i32::MAX) {
        i32::MIN
    } else {
        r as i32
    }
}

/// Go's `math.Frexp`: `f = frac × 2^exp` with `0.5 <= |frac| < 1`.
pub fn frexp(f: f64) -> (f64, i64) {
    if f == 0.0 || f.is_infinite() || f.is_nan() {
        return (f, 0);
    }
    let (f, mut exp) = if f.abs() < SMALLEST_NORMAL {
        (f * (1u64 << 52) as f64, -52)
    } else {
        (f, 0)
    };
    let mut x = f.to_bits();
    exp += ((x >> 52) & 0x7ff) as i64 - 1023 + 1;
    x &= !(0x7ff << 52);
    x |= 1022 << 52;
    (f64::from_bits(x), exp)
}

/// Go's `math.Ldexp`: `frac × 2^exp`.
pub fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || frac.is_infinite() || frac.is_nan() {
        return frac;
    }
    let (frac, e) = if frac.abs() < SMALLEST_NORMAL {
        (frac * (1u64 << 52) as f64, -52)
    } else {
        (frac, 0)
    };
    let mut exp = exp.saturating_add(e);
    let mut x = frac.to_bits();
    exp = exp.saturating_add(((x >> 52) & 0x7ff) as i64 - 1023);
    if exp < -1075 {
        return 0f64.copysign(frac);
    }
    if exp > 1023 {
        return f64::INFINITY.copysign(frac);
    }
    let mut m = 1.0;
    if exp < -1022 {
        exp += 53;
        m = 1.0 / (1u64 << 53) as f64;
    }
    x &= !(0x7ff << 52);
    x |= ((exp + 1023) as u64) << 52;
    m * f64::from_bits(x)
}

fn is_odd_int(x: f64) -> bool {
    x.fract() == 0.0 && x.abs() < 9.2e18 && (x as i64) & 1 == 1
}

/// Go's `math.Pow` (Go 1.23).
pub fn pow(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if y == 1.0 {
        return x;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 {
        return match (y < 0.0, is_odd_int(y)) {
            (true, true) => f64::INFINITY.copysign(x),
            (true, false) => f64::INFINITY,
            (false, true) => x,
            (false, false) => 0.0,
        };
    }
    if y.is_infinite() {
        return if x == -1.0 {
            1.0
        } else if (x.abs() < 1.0) == (y > 0.0) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if x.is_infinite() {
        if x < 0.0 {
            return pow(1.0 / x, -y);
        }
        return if y < 0.0 { 0.0 } else { f64::INFINITY };
    }
    if y == 0.5 {
        return x.sqrt();
    }
    if y == -0.5 {
        return 1.0 / x.sqrt();
    }
    pow_general(x, y)
}

fn pow_general(x: f64, y: f64) -> f64 {
    let ya = y.abs();
    let mut yi = ya.trunc();
    let mut yf = ya - yi;
    if yf != 0.0 && x < 0.0 {
        return f64::NAN;
    }
    if yi >= (1u64 << 63) as f64 {
        return if x == -1.0 {
            1.0
        } else if (x.abs() < 1.0) == (y > 0.0) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let mut a1 = 1.0;
    let mut ae: i64 = 0;
    if yf != 0.0 {
        if yf > 0.5 {
            yf -= 1.0;
            yi += 1.0;
        }
        a1 = exp(yf * log(x));
    }
    let (mut x1, mut xe) = frexp(x);
    let mut i = yi as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_go_bit_for_bit() {
        // Expected values printed by Go 1.23 on amd64 (via terraform's pow/log).
        assert_eq!(pow(1.1, 7.0), 1.9487171000000012);
        assert_eq!(pow(10.0, 300.0), 1.0000000000000006e300);
        assert_eq!(pow(2.0, 0.3), 1.2311444133449163);
        assert_eq!(pow(10.0, 0.25), 1.778279410038923);
        assert_eq!(pow(7.5, 2.7), 230.49707106142748);
        assert_eq!(pow(1.0001, 12345.678), 3.4366806414318827);
        assert_eq!(pow(3.0, -2.2), 0.08919350686224783);
        assert_eq!(log(50.0) / log(10.0), 1.6989700043360185);
        assert_eq!(log(7.0) / log(3.0), 1.7712437491614224);
        assert_eq!(log(1000.0) / log(10.0), 2.9999999999999996);
        assert_eq!(log(123456789.0) / log(2.0), 26.879430932860476);
        assert_eq!(pow(0.5, 1074.5), 5e-324);
        assert!(pow(-2.0, 0.5).is_nan());
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(ldexp(0.5, 4), 8.0);
    }
}
