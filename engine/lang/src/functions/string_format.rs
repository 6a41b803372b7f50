//! `format` and `formatlist`: cty's printf-like verbs with Go's number formatting and
//! cty's grapheme-aware widths and precisions.

use super::gofmt::{self, Spec};
use super::{str_arg, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::display::quote;
use crate::value::{convert, Number, Type, Value};
use std::fmt::Write;
use unicode_segmentation::UnicodeSegmentation;

pub(super) fn register(f: &mut Functions) {
    let args = Param::new("args", Type::Dynamic).nullable();
    f.add(
        "format",
        Function::new(
            vec![Param::new("format", Type::String)],
            Ret::Computed(format_type),
            format,
        )
        .variadic(args.clone()),
    );
    f.add(
        "formatlist",
        Function::new(
            vec![Param::new("format", Type::String)],
            Ret::Computed(formatlist_type),
            formatlist,
        )
        .variadic(args.unknowns()),
    );
}

/// cty gives up on the type (and the value) when an argument's type is not yet known.
fn has_dynamic_arg(args: &[Value]) -> bool {
    args.iter().skip(1).any(|a| a.ty() == Type::Dynamic)
}

fn format_type(args: &[Value]) -> Type {
    if has_dynamic_arg(args) {
        Type::Dynamic
    } else {
        Type::String
    }
}

fn formatlist_type(args: &[Value]) -> Type {
    if has_dynamic_arg(args) {
        Type::Dynamic
    } else {
        Type::list(Type::String)
    }
}

/// A formatting failure; `arg` is set for the "too many arguments" argument error.
struct FmtError {
    arg: Option<usize>,
    message: String,
}

fn fail(message: String) -> FmtError {
    FmtError { arg: None, message }
}

fn format(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    if has_dynamic_arg(args) {
        return Ok(Value::Unknown(Type::Dynamic));
    }
    let values = args.get(1..).unwrap_or_default();
    match format_values(str_arg(args, 0), values) {
        Ok(s) => Ok(Value::string(s)),
        Err(FmtError {
            arg: Some(i),
            message,
        }) => Err(FnError::arg(i, message)),
        Err(e) => Err(FnError::new(e.message)),
    }
}

/// One verb as parsed from the format string.
struct Verb<'a> {
    raw: &'a str,
    offset: usize,
    /// The explicit `[n]` argument number (Go `int` arithmetic: it may wrap).
    arg: Option<i64>,
    mode: char,
    spec: Spec,
    /// Width and precision digits, for Go's `fmt` (numbers) and cty's padding (others).
    width: Option<&'a str>,
    prec: Option<&'a str>,
}

/// Decimal digits as a Go `int` (wrapping on overflow, as cty's scanner does).
fn wrap_num(d: &str) -> i64 {
    d.bytes().fold(0i64, |n, b| {
        n.wrapping_mul(10).wrapping_add(i64::from(b - b'0'))
    })
}

/// Go `fmt`'s `parsenum`: `None` when the number is too large (more than about 1e6).
fn go_num(d: &str) -> Option<usize> {
    let mut n: usize = 0;
    for b in d.bytes() {
        if n > 1_000_000 {
            return None;
        }
        n = n * 10 + usize::from(b - b'0');
    }
    Some(n)
}

/// Formats all of `fmt`, consuming `args` (cty's `formatFSM`).
fn format_values(fmt: &str, args: &[Value]) -> Result<String, FmtError> {
    let mut out = String::new();
    let mut next_arg: i64 = 1;
    let mut highest: i64 = 0;
    let mut rest = fmt;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let start = fmt.len() - rest.len() + i;
        if fmt[start + 1..].starts_with('%') {
            out.push('%');
            rest = &fmt[start + 2..];
            continue;
        }
        let verb = parse_verb(fmt, start)?;
        let num = verb.arg.unwrap_or(next_arg);
        highest = highest.max(num);
        append_verb(&mut out, &verb, num, args)?;
        next_arg = num.wrapping_add(1);
        rest = &fmt[start + verb.raw.len()..];
    }
    out.push_str(rest);
    if highest < args.len() as i64 {
        let message = if highest == 0 {
            "too many arguments; no verbs in format string".to_string()
        } else {
            format!("too many arguments; only {highest} used by format string")
        };
        return Err(FmtError {
            arg: usize::try_from(highest + 1).ok(),
            message,
        });
    }
    Ok(out)
}

/// Go's `%q` for a rune (`'x'`).
fn quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".to_string(),
        '"' => "'\"'".to_string(),
        c => {
            let q = quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

/// The scanner's error for the character at `i` (or the end of the string).
fn scan_error(fmt: &str, i: usize) -> FmtError {
    match fmt.get(i..).and_then(|t| t.chars().next()) {
        None => fail(format!(
            "invalid format string starting at offset {}",
            fmt.len()
        )),
        Some(c) => fail(format!(
            "unrecognized format character {} at offset {i}",
            quote_rune(c)
        )),
    }
}

/// Parses `%[flags][width][.prec][[n]]verb` at `start` (cty's format grammar).
fn parse_verb(fmt: &str, start: usize) -> Result<Verb<'_>, FmtError> {
    let b = fmt.as_bytes();
    let mut i = start + 1;
    let mut spec = Spec::default();
    let bad = |i: usize| scan_error(fmt, i);
    i = parse_flags(b, i, &mut spec);
    let mut width = None;
    if b.get(i).is_some_and(|c| (b'1'..=b'9').contains(c)) {
        let end = digits_end(b, i);
        width = Some(&fmt[i..end]);
        i = end;
    }
    let mut prec = None;
    if b.get(i) == Some(&b'.') {
        let end = digits_end(b, i + 1);
        prec = Some(&fmt[i + 1..end]);
        i = end;
    }
    let mut arg = None;
    if b.get(i) == Some(&b'[') {
        i += 1;
        if !b.get(i).is_some_and(|c| (b'1'..=b'9').contains(c)) {
            return Err(bad(i));
        }
        let end = digits_end(b, i);
        if b.get(end) != Some(&b']') {
            return Err(bad(end));
        }
        arg = Some(wrap_num(&fmt[i..end]));
        i = end + 1;
    }
    match b.get(i) {
        Some(c) if c.is_ascii_alphabetic() => Ok(Verb {
            raw: &fmt[start..=i],
            offset: start,
            arg,
            mode: char::from(*c),
            spec,
            width,
            prec,
        }),
        _ => Err(bad(i)),
    }
}

/// Reads the flag characters `0#-+ ` into `spec`; returns the position after them.
fn parse_flags(b: &[u8], mut i: usize, spec: &mut Spec) -> usize {
    while let Some(&c) = b.get(i) {
        match c {
            b'0' => spec.zero = true,
            b'#' => spec.sharp = true,
            b'-' => spec.minus = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            _ => break,
        }
        i += 1;
    }
    i
}

/// Where a run of decimal digits starting at `start` ends.
fn digits_end(b: &[u8], start: usize) -> usize {
    let mut i = start;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// Largest padding cty's `formatPadWidth` is allowed to build here (Go would try to
/// allocate any size, failing with a panic or running out of memory).
const MAX_PAD: i64 = 100_000_000;

/// cty's `formatAppend` for one verb.
fn append_verb(
    out: &mut String,
    verb: &Verb<'_>,
    num: i64,
    args: &[Value],
) -> Result<(), FmtError> {
    let raw = quote(verb.raw);
    let at = verb.offset;
    let idx = num.wrapping_sub(1);
    if idx < 0 {
        return Err(fail(format!(
            "panic in function implementation: runtime error: index out of range [{idx}]"
        )));
    }
    let Some(arg) = usize::try_from(idx).ok().and_then(|i| args.get(i)) else {
        return Err(fail(format!(
            "not enough arguments for {raw} at {at}: need index {num} but have {} total",
            args.len()
        )));
    };
    if verb.mode != 'v' && arg.is_null() {
        return Err(fail(format!(
            "unsupported value for {raw} at {at}: null value cannot be formatted"
        )));
    }
    let unsupported = |e: String| fail(format!("unsupported value for {raw} at {at}: {e}"));
    let to = |t: Type| convert(arg, &t).map_err(|e| unsupported(e.to_string()));
    let text = match verb.mode {
        'v' => pad(&as_is(arg, verb.spec.sharp).map_err(unsupported)?, verb)?,
        't' => {
            let b = to(Type::Bool)?.as_bool() == Some(true);
            (if b { "true" } else { "false" }).to_string()
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = to(Type::Number)?;
            let n = n.as_number().cloned().unwrap_or_else(|| 0.into());
            number_verb(verb, &n).ok_or_else(|| unsupported("an integer is required".into()))?
        }
        's' | 'q' => {
            let s = to(Type::String)?;
            let s = truncate(s.as_str().unwrap_or_default(), verb.prec.map(wrap_num));
            let s = if verb.mode == 'q' {
                json_string(s)
            } else {
                s.to_string()
            };
            pad(&s, verb)?
        }
        m => {
            return Err(fail(format!(
                "unsupported format verb {} in {raw} at offset {at}",
                quote_rune(m)
            )))
        }
    };
    out.push_str(&text);
    Ok(())
}

/// A number verb through Go's `fmt` (`None`: an integer verb with a fractional number).
fn number_verb(verb: &Verb<'_>, n: &Number) -> Option<String> {
    let spec = go_spec(verb);
    if matches!(verb.mode, 'b' | 'd' | 'o' | 'x' | 'X') {
        let i = gofmt::exact_int(n)?;
        return Some(match spec {
            Some(spec) => gofmt::format_int(verb.mode, &i, &spec),
            None => format!("%!(NOVERB)%!(EXTRA *big.Int={i})"),
        });
    }
    Some(match spec {
        Some(spec) => gofmt::format_float(verb.mode, n, &spec),
        None => format!(
            "%!(NOVERB)%!(EXTRA *big.Float={})",
            gofmt::text_shortest(n, 'g')
        ),
    })
}

/// The verb's flags, width and precision as Go's `fmt` reads them (`None`: too large).
fn go_spec(verb: &Verb<'_>) -> Option<Spec> {
    let mut spec = verb.spec;
    spec.width = match verb.width {
        Some(w) => Some(go_num(w)?),
        None => None,
    };
    spec.prec = match verb.prec {
        Some(p) => Some(go_num(p)?),
        None => None,
    };
    Some(spec)
}

/// `%v`: strings and numbers as themselves (unless `#`), everything else as JSON.
fn as_is(v: &Value, sharp: bool) -> Result<String, String> {
    if !sharp {
        match v.unmarked() {
            Value::String(s) => return Ok(s.to_string()),
            Value::Number(n) => return Ok(gofmt::text_shortest(n, 'g')),
            _ => {}
        }
    }
    let mut out = String::new();
    json(v, &mut out)?;
    Ok(out)
}

/// The first `prec` grapheme clusters (all of them without a positive precision).
fn truncate(s: &str, prec: Option<i64>) -> &str {
    match prec.and_then(|p| usize::try_from(p).ok()) {
        Some(p) if p > 0 => {
            let end: usize = s.graphemes(true).take(p).map(str::len).sum();
            &s[..end]
        }
        _ => s,
    }
}

/// cty's `formatPadWidth`: pads to the width in grapheme clusters.
fn pad(s: &str, verb: &Verb<'_>) -> Result<String, FmtError> {
    let Some(width) = verb.width.map(wrap_num) else {
        return Ok(s.to_string());
    };
    let len = s.graphemes(true).count() as i64;
    if len >= width {
        return Ok(s.to_string());
    }
    if width - len > MAX_PAD {
        return Err(fail(
            "panic in function implementation: runtime error: makeslice: len out of range".into(),
        ));
    }
    let fill = if verb.spec.zero { "0" } else { " " }.repeat((width - len) as usize);
    Ok(if verb.spec.minus {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    })
}

/// Go's `encoding/json` string encoding (with HTML escaping).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// cty's JSON encoding of a known value.
fn json(v: &Value, out: &mut String) -> Result<(), String> {
    match v.unmarked() {
        Value::Null(_) => out.push_str("null"),
        Value::Unknown(_) => return Err("value is not known".into()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_infinite() => {
            return Err("cannot serialize infinity as JSON".into())
        }
        Value::Number(n) => out.push_str(&gofmt::text_shortest(n, 'f')),
        Value::String(s) => out.push_str(&json_string(s)),
        Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json(x, out)?;
            }
            out.push(']');
        }
        Value::Map(_, m) | Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(k));
                out.push(':');
                json(x, out)?;
            }
            out.push('}');
        }
        Value::Marked(..) => {}
    }
    Ok(())
}

/// The arguments sorted for iteration, and the common length of the sequences.
type Shaped<'a> = (Vec<ListArg<'a>>, Option<usize>);

/// How one `formatlist` argument takes part in the iterations.
enum ListArg<'a> {
    Each(&'a [Value]),
    Single(&'a Value),
}

fn formatlist(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    if has_dynamic_arg(args) {
        return Ok(Value::Unknown(Type::Dynamic));
    }
    let fmt = str_arg(args, 0);
    let values = args.get(1..).unwrap_or_default();
    if values.is_empty() {
        return format_values(fmt, &[])
            .map(|s| Value::list(Type::String, vec![Value::string(s)]))
            .map_err(|e| FnError::new(e.message));
    }
    let Some((shaped, iter_len)) = shape_args(values)? else {
        return Ok(Value::Unknown(Type::list(Type::String)));
    };
    let n = iter_len.unwrap_or(1);
    let mut items = Vec::with_capacity(n);
    for it in 0..n {
        let row: Vec<Value> = shaped
            .iter()
            .map(|a| match a {
                ListArg::Each(xs) => xs.get(it).cloned().unwrap_or_else(Value::null),
                ListArg::Single(v) => (*v).clone(),
            })
            .collect();
        if !row.iter().all(Value::is_wholly_known) {
            items.push(Value::Unknown(Type::String));
            continue;
        }
        let s = format_values(fmt, &row)
            .map_err(|e| FnError::new(format!("error on format iteration {it}: {}", e.message)))?;
        items.push(Value::string(s));
    }
    Ok(Value::list(Type::String, items))
}

/// Sorts the arguments into iterated sequences and single values, checking that all
/// sequences have the same length; `None` when a sequence is unknown.
fn shape_args(values: &[Value]) -> Result<Option<Shaped<'_>>, FnError> {
    let mut iter_len: Option<(usize, usize)> = None;
    let mut unknown = false;
    let mut shaped = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let Some(len) = sequence_len(v) else {
            shaped.push(ListArg::Single(v));
            continue;
        };
        match (len, iter_len) {
            (None, _) => unknown = true,
            (Some(n), None) => iter_len = Some((n, i)),
            (Some(n), Some((want, first))) if n != want => {
                return Err(FnError::arg(
                    i + 1,
                    format!(
                        "argument {} has length {n}, which is inconsistent with argument {} of length {want}",
                        i + 1,
                        first + 1
                    ),
                ))
            }
            _ => {}
        }
        unknown |= v.is_unknown();
        shaped.push(ListArg::Each(v.as_seq().unwrap_or_default()));
    }
    Ok((!unknown).then(|| (shaped, iter_len.map(|(n, _)| n))))
}

/// For non-null lists, sets and tuples: `Some(length)` (`Some(None)` when the length is not
/// known yet); `None` for values used as they are in every iteration.
fn sequence_len(v: &Value) -> Option<Option<usize>> {
    match v {
        Value::Null(_) => None,
        Value::Unknown(Type::Tuple(ts)) => Some(Some(ts.len())),
        Value::Unknown(Type::List(_) | Type::Set(_)) => Some(None),
        _ => v.as_seq().map(|xs| Some(xs.len())),
    }
}

#[cfg(test)]
#[path = "string_format_tests.rs"]
mod tests;
