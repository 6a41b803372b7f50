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

fn timeadd(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let t = parse_time(str_arg(a, 0), 0)?;
    let d = go_duration(str_arg(a, 1)).map_err(FnError::new)?;
    let r = t
        .checked_add_signed(d)
        .ok_or_else(|| FnError::new("time out of range"))?;
    Ok(Value::string(
        r.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    ))
}

/// Go's `time.ParseDuration`.
fn go_duration(s: &str) -> Result<chrono::Duration, String> {
    let bad = || format!("time: invalid duration {s:?}");
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Ok(chrono::Duration::zero());
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut nanos: f64 = 0.0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if n == 0 {
            return Err(bad());
        }
        let value: f64 = rest[..n].parse().map_err(|_| bad())?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            unit => return Err(format!("time: unknown unit {unit:?} in duration {s:?}")),
        };
        nanos += value * scale;
        rest = &rest[u..];
    }
    let nanos = if neg { -nanos } else { nanos };
    Ok(chrono::Duration::nanoseconds(nanos.round() as i64))
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
