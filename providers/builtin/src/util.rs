//! Small helpers shared by the builtin resource types.

use autostack_lang::{Number, Type, Value};
use autostack_provider_sdk::ApplyError;
use std::collections::BTreeMap;

/// An attribute of an object value (null when absent).
pub fn get(v: &Value, k: &str) -> Value {
    v.as_entries()
        .and_then(|m| m.get(k))
        .cloned()
        .unwrap_or_else(Value::null)
}

/// A string attribute ("" when absent or null).
pub fn get_str(v: &Value, k: &str) -> String {
    get(v, k).as_str().unwrap_or_default().to_string()
}

/// An integer attribute.
pub fn get_i64(v: &Value, k: &str) -> Option<i64> {
    get(v, k).as_number().and_then(Number::to_i64)
}

/// A bool attribute with a default.
pub fn get_bool(v: &Value, k: &str, default: bool) -> bool {
    get(v, k).as_bool().unwrap_or(default)
}

/// `v` with the given attributes replaced.
pub fn with(v: &Value, attrs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let marks = v.marks();
    let mut m: BTreeMap<String, Value> = v.as_entries().cloned().unwrap_or_default();
    for (k, x) in attrs {
        m.insert(k.to_string(), x);
    }
    Value::object(m).mark(marks)
}

/// `n` bytes from the operating system's random source.
pub fn os_random(n: usize) -> Result<Vec<u8>, ApplyError> {
    use std::io::Read;
    let mut buf = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| ApplyError::new("Random source unavailable", e.to_string()))?;
    Ok(buf)
}

/// A uniformly random integer in `0..n` (n > 0) from the OS source, without modulo bias.
pub fn os_random_below(n: u64) -> Result<u64, ApplyError> {
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let b = os_random(8)?;
        let x = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        if x < zone {
            return Ok(x % n);
        }
    }
}

/// A `map(string)` type, for `keepers` and `triggers`.
pub fn string_map() -> Type {
    Type::map(Type::String)
}

/// Parses a Go duration (`"1h30m"`, `"2.5s"`, `"300ms"`, `"-1m"`).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("time: invalid duration {s:?}");
    let t = s.trim();
    let (neg, mut rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if rest == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            u => return Err(format!("time: unknown unit {u:?} in duration {s:?}")),
        };
        total += n * scale;
        rest = &rest[unit_len..];
    }
    if neg {
        return Err(format!("duration must not be negative: {s:?}"));
    }
    Ok(std::time::Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("1h30m").unwrap().as_secs(), 5400);
        assert_eq!(parse_duration("2.5s").unwrap().as_millis(), 2500);
        assert_eq!(parse_duration("300ms").unwrap().as_millis(), 300);
        assert_eq!(parse_duration("0").unwrap().as_secs(), 0);
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("1d").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
