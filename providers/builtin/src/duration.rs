//! Go's duration syntax (`time.ParseDuration`): "300ms", "1.5h", "1m30s", "-2h45m".

const UNITS: [(&str, u64); 8] = [
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Splits leading ASCII digits off `s`.
fn digits(s: &str) -> (&str, &str) {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Parses a Go duration into signed nanoseconds, with Go's error messages.
pub(crate) fn parse_go_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {orig:?}");
    let (neg, mut s) = match orig.as_bytes().first() {
        Some(b'-') => (true, &orig[1..]),
        Some(b'+') => (false, &orig[1..]),
        _ => (false, orig),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        let (whole, rest) = digits(s);
        let (frac, rest) = match rest.strip_prefix('.') {
            Some(r) => digits(r),
            None => ("", rest),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(invalid());
        }
        let unit_end = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (unit, rest) = rest.split_at(unit_end);
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {orig:?}"));
        }
        let Some(&(_, scale)) = UNITS.iter().find(|(u, _)| *u == unit) else {
            return Err(format!("time: unknown unit {unit:?} in duration {orig:?}"));
        };
        let value = component(whole, frac, scale).ok_or_else(invalid)?;
        total = total.checked_add(value).ok_or_else(invalid)?;
        s = rest;
    }
    signed(total, neg).ok_or_else(invalid)
}

/// `whole.frac` × `scale` nanoseconds, or `None` on overflow.
fn component(whole: &str, frac: &str, scale: u64) -> Option<u64> {
    let w: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut v = w.checked_mul(scale)?;
    if !frac.is_empty() {
        // Like Go: the fraction is applied in floating point and truncated.
        let f: f64 = format!("0.{frac}").parse().ok()?;
        v = v.checked_add((f * scale as f64) as u64)?;
    }
    (v <= 1 << 63).then_some(v)
}

fn signed(total: u64, neg: bool) -> Option<i64> {
    if neg {
        if total == 1 << 63 {
            Some(i64::MIN)
        } else {
            i64::try_from(total).ok().map(|v| -v)
        }
    } else {
        i64::try_from(total).ok()
    }
}

/// The time to wait for a duration: negative durations do not wait at all.
pub(crate) fn to_std(nanos: i64) -> std::time::Duration {
    std::time::Duration::from_nanos(u64::try_from(nanos).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::parse_go_duration as p;

    #[test]
    fn valid_durations() {
        assert_eq!(p("0"), Ok(0));
        assert_eq!(p("1s"), Ok(1_000_000_000));
        assert_eq!(p("30s"), Ok(30_000_000_000));
        assert_eq!(p("1m30s"), Ok(90_000_000_000));
        assert_eq!(p("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(p("300ms"), Ok(300_000_000));
        assert_eq!(p("-1.5s"), Ok(-1_500_000_000));
        assert_eq!(p("+2m"), Ok(120_000_000_000));
        assert_eq!(p("1h2m3s4ms5us6ns"), Ok(3_723_004_005_006));
        assert_eq!(p("2µs"), Ok(2_000));
        assert_eq!(p(".5s"), Ok(500_000_000));
        assert_eq!(p("5.s"), Ok(5_000_000_000));
        assert_eq!(p("2562047h"), Ok(2562047 * 3_600_000_000_000));
    }

    #[test]
    fn invalid_durations() {
        assert_eq!(p(""), Err("time: invalid duration \"\"".into()));
        assert_eq!(p("1"), Err("time: missing unit in duration \"1\"".into()));
        assert_eq!(
            p("10x"),
            Err("time: unknown unit \"x\" in duration \"10x\"".into())
        );
        assert_eq!(p("s"), Err("time: invalid duration \"s\"".into()));
        assert_eq!(p("."), Err("time: invalid duration \".\"".into()));
        assert_eq!(p("-"), Err("time: invalid duration \"-\"".into()));
        assert!(p("1.2.3s").is_err());
        assert!(p("3000000h").is_err());
        assert!(p("99999999999999999999s").is_err());
        assert!(p("1 s").is_err());
    }

    #[test]
    fn negative_does_not_wait() {
        assert_eq!(super::to_std(-5), std::time::Duration::ZERO);
        assert_eq!(
            super::to_std(5_000_000),
            std::time::Duration::from_millis(5)
        );
    }
}
