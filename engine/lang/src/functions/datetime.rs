//! Date and time functions: timestamp, plantimestamp, formatdate, timeadd, timecmp.

use super::{rt, str_arg, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::{Type, Value};
use chrono::{DateTime, Datelike, FixedOffset, SecondsFormat, Timelike, Utc};

pub(super) fn register(f: &mut Functions) {
    let s = |n| Param::new(n, Type::String);
    f.add(
        "timestamp",
        Function::new(vec![], Ret::Fixed(rt::string), |ctx, _| {
            Ok(if ctx.plan_mode {
                Value::Unknown(Type::String)
            } else {
                Value::string(now())
            })
        }),
    );
    f.add(
        "plantimestamp",
        Function::new(vec![], Ret::Fixed(rt::string), |_, _| {
            Ok(Value::string(now()))
        }),
    );
    f.add(
        "formatdate",
        Function::new(
            vec![s("format"), s("time")],
            Ret::Fixed(rt::string),
            formatdate,
        ),
    );
    f.add(
        "timeadd",
        Function::new(
            vec![s("timestamp"), s("duration")],
            Ret::Fixed(rt::string),
            timeadd,
        ),
    );
    f.add(
        "timecmp",
        Function::new(
            vec![s("timestamp_a"), s("timestamp_b")],
            Ret::Fixed(rt::number),
            timecmp,
        ),
    );
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses an RFC 3339 timestamp with Go's error wording for the common mistakes.
pub(crate) fn parse_time(s: &str, arg: usize) -> Result<DateTime<FixedOffset>, FnError> {
    DateTime::parse_from_rfc3339(s).map_err(|_| {
        let year_ok = s.len() >= 4 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        let detail = if year_ok { format!("parsing time {s:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {s:?} as RFC3339") } else { format!("cannot use {s:?} as year") };
        FnError::arg(arg, format!("not a valid RFC3339 timestamp: {detail}"))
    })
}

/// Formats an offset as `+05:30` (`colon`) or `+0530`.
fn offset(t: &DateTime<FixedOffset>, colon: bool) -> String {
    let secs = t.offset().local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
    if colon {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
    }
}

fn verb(t: &DateTime<FixedOffset>, v: &str) -> Result<String, String> {
    let h12 = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    let utc = t.offset().local_minus_utc() == 0;
    Ok(match v {
        "YYYY" => format!("{:04}", t.year()),
        "YY" => format!("{:02}", t.year() % 100),
        "MMMM" => t.format("%B").to_string(),
        "MMM" => t.format("%b").to_string(),
        "MM" => format!("{:02}", t.month()),
        "M" => t.month().to_string(),
        "DD" => format!("{:02}", t.day()),
        "D" => t.day().to_string(),
        "EEEE" => t.format("%A").to_string(),
        "EEE" => t.format("%a").to_string(),
        "hh" => format!("{:02}", t.hour()),
        "h" => t.hour().to_string(),
        "HH" => format!("{h12:02}"),
        "H" => h12.to_string(),
        "AA" => if t.hour() < 12 { "AM" } else { "PM" }.into(),
        "aa" => if t.hour() < 12 { "am" } else { "pm" }.into(),
        "mm" => format!("{:02}", t.minute()),
        "m" => t.minute().to_string(),
        "ss" => format!("{:02}", t.second()),
        "s" => t.second().to_string(),
        "ZZZZZ" => offset(t, true),
        "ZZZZ" => offset(t, false),
        "ZZZ" => {
            if utc {
                "UTC".into()
            } else {
                offset(t, false)
            }
        }
        "Z" => {
            if utc {
                "Z".into()
            } else {
                offset(t, true)
            }
        }
        other => {
            let first = other.chars().next().unwrap_or(' ');
            let valid: &[&str] = match first {
                'Y' => &["YYYY", "YY"],
                'M' => &["MMMM", "MMM", "MM", "M"],
                'D' => &["DD", "D"],
                'E' => &["EEEE", "EEE"],
                'h' => &["hh", "h"],
                'H' => &["HH", "H"],
                'A' => &["AA"],
                'a' => &["aa"],
                'm' => &["mm", "m"],
                's' => &["ss", "s"],
                _ => &["ZZZZZ", "ZZZZ", "ZZZ", "Z"],
            };
            let must = if valid.len() == 1 {
                format!("must be {:?}", valid[0])
            } else {
                format!(
                    "must be one of {}",
                    valid
                        .iter()
                        .map(|v| format!("{v:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(format!("invalid date format verb {other:?}: {must}"));
        }
    })
}

fn formatdate(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let t = parse_time(str_arg(a, 1), 1)?;
    let spec: Vec<char> = str_arg(a, 0).chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < spec.len() {
        let c = spec[i];
        if c == '\'' {
            // 'literal' with '' as an escaped quote.
            if spec.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let end = spec[i + 1..]
                .iter()
                .position(|&x| x == '\'')
                .ok_or_else(|| FnError::arg(0, "unterminated literal '"))?;
            out.extend(&spec[i + 1..i + 1 + end]);
            i += end + 2;
        } else if c.is_ascii_alphabetic() {
            let n = spec[i..].iter().take_while(|&&x| x == c).count();
            let v: String = spec[i..i + n].iter().collect();
            out.push_str(&verb(&t, &v).map_err(|e| FnError::arg(0, e))?);
            i += n;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(Value::string(out))
}

/// cty's `timeadd`: Go's `Time.Add`, printed with `time.RFC3339`, which drops any fraction of
/// a second (truncating, as Go does).
fn timeadd(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let t = parse_time(str_arg(a, 0), 0)?;
    let d = go_duration(str_arg(a, 1)).map_err(FnError::new)?;
    let r = t
        .checked_add_signed(chrono::Duration::nanoseconds(d))
        .ok_or_else(|| FnError::new("time out of range"))?;
    Ok(Value::string(r.to_rfc3339_opts(SecondsFormat::Secs, true)))
}

/// Go's `time.ParseDuration`, in nanoseconds: integer parts exact, each fraction scaled through
/// a float64 and truncated, overflow past ±2^63 an error.
fn go_duration(s: &str) -> Result<i64, String> {
    const LIMIT: u64 = 1 << 63;
    let bad = || format!("time: invalid duration {s:?}");
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let v = leading_int(&rest[..int_len]).ok_or_else(bad)?;
        rest = &rest[int_len..];
        let (mut frac_len, mut f, mut scale) = (0, 0u64, 1f64);
        if let Some(r) = rest.strip_prefix('.') {
            frac_len = r.bytes().take_while(u8::is_ascii_digit).count();
            (f, scale) = leading_fraction(&r[..frac_len]);
            rest = &r[frac_len..];
        }
        if int_len == 0 && frac_len == 0 {
            return Err(bad());
        }
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit: u64 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            u => return Err(format!("time: unknown unit {u:?} in duration {s:?}")),
        };
        rest = &rest[unit_len..];
        if v > LIMIT / unit {
            return Err(bad());
        }
        let mut v = v * unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
        }
        total = total
            .checked_add(v)
            .filter(|t| *t <= LIMIT)
            .ok_or_else(bad)?;
    }
    match (neg, total) {
        (true, t) => Ok((t as i128).wrapping_neg() as i64),
        (false, t) if t < LIMIT => Ok(t as i64),
        _ => Err(bad()),
    }
}

/// Go's `leadingInt`: the digits as an integer, `None` past 2^63.
fn leading_int(digits: &str) -> Option<u64> {
    digits.bytes().try_fold(0u64, |x, c| {
        let y = x.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
        (x <= (1 << 63) / 10 && y <= 1 << 63).then_some(y)
    })
}

/// Go's `leadingFraction`: the digits and their power of ten, ignoring digits past overflow.
fn leading_fraction(digits: &str) -> (u64, f64) {
    let (mut x, mut scale) = (0u64, 1f64);
    for c in digits.bytes() {
        if x > (i64::MAX as u64) / 10 {
            break;
        }
        let y = x * 10 + u64::from(c - b'0');
        if y > 1 << 63 {
            break;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale)
}

fn timecmp(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let x = parse_time(str_arg(a, 0), 0)?;
    let y = parse_time(str_arg(a, 1), 1)?;
    Ok(Value::int(match x.cmp(&y) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}
