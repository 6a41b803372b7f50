//! Encoding functions: JSON, base64 (+gzip), URL, CSV and text encodings.

use super::{rt, str_arg, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::{Number, Type, Value};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::collections::BTreeMap;

pub(super) fn register(f: &mut Functions) {
    let s = |n| Param::new(n, Type::String);
    f.add(
        "jsonencode",
        Function::new(
            vec![Param::new("val", Type::Dynamic).nullable()],
            Ret::Fixed(rt::string),
            jsonencode,
        ),
    );
    f.add(
        "jsondecode",
        Function::new(vec![s("str")], Ret::Fixed(rt::dynamic), jsondecode),
    );
    f.add(
        "base64encode",
        Function::new(vec![s("str")], Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(STANDARD.encode(str_arg(a, 0))))
        }),
    );
    f.add(
        "base64decode",
        Function::new(vec![s("str")], Ret::Fixed(rt::string), base64decode),
    );
    f.add(
        "base64gzip",
        Function::new(vec![s("str")], Ret::Fixed(rt::string), base64gzip),
    );
    f.add(
        "urlencode",
        Function::new(vec![s("str")], Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(query_escape(str_arg(a, 0))))
        }),
    );
    f.add(
        "csvdecode",
        Function::new(vec![s("str")], Ret::Fixed(rt::dynamic), csvdecode),
    );
    f.add(
        "textencodebase64",
        Function::new(
            vec![s("string"), s("encoding")],
            Ret::Fixed(rt::string),
            textencodebase64,
        ),
    );
    f.add(
        "textdecodebase64",
        Function::new(
            vec![s("source"), s("encoding")],
            Ret::Fixed(rt::string),
            textdecodebase64,
        ),
    );
}

/// JSON text of a known value, as cty's JSON marshaller writes it (sorted keys, Go escaping).
pub(crate) fn json_text(v: &Value, out: &mut String) -> Result<(), FnError> {
    match v.unmarked() {
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_infinite() => {
            return Err(FnError::new("cannot serialize infinity as JSON"))
        }
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => json_string(s, out),
        Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_text(x, out)?;
            }
            out.push(']');
        }
        Value::Map(_, m) | Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                json_text(x, out)?;
            }
            out.push('}');
        }
        Value::Unknown(_) | Value::Marked(..) => return Err(FnError::new("value is not known")),
    }
    Ok(())
}

/// A JSON string with Go's `encoding/json` escaping (`<`, `>`, `&`, U+2028/9 escaped).
fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn jsonencode(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let mut out = String::new();
    json_text(&a[0], &mut out)?;
    Ok(Value::string(out))
}

/// A JSON document as a value: objects become objects, arrays tuples, numbers exact.
pub(crate) fn from_json(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::null(),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            Number::parse(&n.to_string()).map_or(Value::null(), Value::Number)
        }
        serde_json::Value::String(s) => Value::string(s.as_str()),
        serde_json::Value::Array(xs) => Value::tuple(xs.iter().map(from_json).collect()),
        serde_json::Value::Object(m) => {
            Value::object(m.iter().map(|(k, x)| (k.clone(), from_json(x))).collect())
        }
    }
}

fn jsondecode(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let s = str_arg(a, 0);
    if s.trim().is_empty() {
        return Err(FnError::new("EOF"));
    }
    let j: serde_json::Value = serde_json::from_str(s).map_err(|e| {
        let msg = e.to_string();
        if msg.starts_with("trailing characters") {
            FnError::new("extraneous data after JSON object")
        } else {
            FnError::new(msg)
        }
    })?;
    Ok(from_json(&j))
}

fn base64decode(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let s = str_arg(a, 0);
    let bytes = STANDARD
        .decode(s)
        .map_err(|_| FnError::new(format!("failed to decode base64 data {s:?}")))?;
    String::from_utf8(bytes)
        .map(Value::string)
        .map_err(|_| FnError::new("the result of decoding the provided string is not valid UTF-8"))
}

/// Gzip as Go's `compress/gzip` writes it: a zeroed header with OS 255, the data as a
/// non-final deflate block, a sync flush, and a final empty stored block. (For short inputs
/// the bytes are identical to Terraform's; longer ones may compress differently but always
/// decompress to the same text.)
fn base64gzip(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let data = str_arg(a, 0).as_bytes();
    let mut z = flate2::Compress::new(flate2::Compression::default(), false);
    let mut body = Vec::with_capacity(data.len() + 64);
    z.compress_vec(data, &mut body, flate2::FlushCompress::None)
        .map_err(|e| FnError::new(format!("failed to write gzip raw data: {e}")))?;
    loop {
        body.reserve(64);
        let before = body.len();
        z.compress_vec(&[], &mut body, flate2::FlushCompress::Sync)
            .map_err(|e| FnError::new(format!("failed to flush gzip data: {e}")))?;
        if body.len() == before || body.ends_with(&[0, 0, 0xff, 0xff]) {
            break;
        }
    }
    body.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    let mut crc = flate2::Crc::new();
    crc.update(data);
    let mut out = vec![0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff];
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    Ok(Value::string(STANDARD.encode(out)))
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn csvdecode(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(str_arg(a, 0).as_bytes());
    let mut records = r.records();
    let header = match records.next() {
        None => return Err(FnError::new("missing header line")),
        Some(h) => h.map_err(csv_err)?,
    };
    let names: Vec<String> = header.iter().map(str::to_string).collect();
    let obj_ty = Type::Object(names.iter().map(|n| (n.clone(), Type::String)).collect());
    let mut rows = Vec::new();
    for rec in records {
        let rec = rec.map_err(csv_err)?;
        let m: BTreeMap<String, Value> = names
            .iter()
            .cloned()
            .zip(rec.iter().map(Value::string))
            .collect();
        rows.push(Value::object(m.into()));
    }
    Ok(Value::list(obj_ty, rows))
}

fn csv_err(e: csv::Error) -> FnError {
    let line = e.position().map_or(0, |p| p.line());
    match e.kind() {
        csv::ErrorKind::UnequalLengths { .. } => FnError::new(format!(
            "CSV parse error on line {line}: wrong number of fields"
        )),
        _ => FnError::new(format!("CSV parse error on line {line}: {e}")),
    }
}

/// The IANA encodings supported for `textencodebase64` / `textdecodebase64`.
#[derive(Clone, Copy)]
enum Enc {
    Utf8,
    Utf16Le,
    Utf16Be,
    Latin1,
    Ascii,
}

fn encoding(name: &str) -> Result<Enc, FnError> {
    Ok(match name.to_ascii_uppercase().replace('_', "-").as_str() {
        "UTF-8" | "UTF8" | "CSUTF8" => Enc::Utf8,
        "UTF-16LE" | "CSUTF16LE" => Enc::Utf16Le,
        "UTF-16BE" | "UTF-16" | "CSUTF16BE" | "CSUTF16" => Enc::Utf16Be,
        "ISO-8859-1" | "LATIN1" | "L1" | "ISO-IR-100" | "CSISOLATIN1" | "IBM819" | "CP819" => {
            Enc::Latin1
        }
        "US-ASCII" | "ASCII" | "CSASCII" | "ANSI-X3.4-1968" => Enc::Ascii,
        _ => {
            return Err(FnError::arg(
                1,
                format!(
                "{name:?} is not a supported IANA encoding name or alias in this Terraform version"
            ),
            ))
        }
    })
}

fn textencodebase64(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let s = str_arg(a, 0);
    let bytes: Vec<u8> = match encoding(str_arg(a, 1))? {
        Enc::Utf8 => s.as_bytes().to_vec(),
        Enc::Utf16Le => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Enc::Utf16Be => s.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        Enc::Latin1 | Enc::Ascii => {
            let max = if matches!(encoding(str_arg(a, 1))?, Enc::Ascii) {
                0x7f
            } else {
                0xff
            };
            s.chars().map(|c| u8::try_from(c as u32).ok().filter(|b| u32::from(*b) <= max).ok_or_else(|| FnError::arg(0, format!("the given string contains characters that cannot be represented in {}", str_arg(a, 1))))).collect::<Result<_, _>>()?
        }
    };
    Ok(Value::string(STANDARD.encode(bytes)))
}

fn textdecodebase64(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let src = str_arg(a, 0);
    let bytes = STANDARD.decode(src).map_err(|_| {
        FnError::arg(
            0,
            format!(
                "the given value is has an invalid base64 symbol at offset {}",
                src.find(|c: char| !(c.is_ascii_alphanumeric() || "+/=".contains(c)))
                    .unwrap_or(0)
            ),
        )
    })?;
    let text = match encoding(str_arg(a, 1))? {
        Enc::Utf8 => String::from_utf8_lossy(&bytes).into_owned(),
        Enc::Utf16Le | Enc::Utf16Be => {
            let le = matches!(encoding(str_arg(a, 1))?, Enc::Utf16Le);
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| {
                    if le {
                        u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])
                    } else {
                        u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])
                    }
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        Enc::Latin1 | Enc::Ascii => bytes.iter().map(|b| char::from(*b)).collect(),
    };
    Ok(Value::string(text))
}
