//! Printing values and types exactly as `terraform console` prints them.

use super::{Type, Value};
use std::fmt::Write;

/// Formats a value as Terraform's console does (`tolist([...])`, heredocs, `(sensitive value)`).
pub fn format_value(v: &Value, indent: usize) -> String {
    if v.is_unknown() {
        return "(known after apply)".into();
    }
    if v.marks().is_sensitive() {
        return "(sensitive value)".into();
    }
    match v.unmarked() {
        Value::Null(t) => format_null(t),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format_multiline(s, indent).unwrap_or_else(|| quote(s)),
        Value::List(_, xs) => format!("tolist({})", format_seq(xs, indent)),
        Value::Set(_, xs) => format!("toset({})", format_seq(xs, indent)),
        Value::Tuple(xs) => format_seq(xs, indent),
        Value::Map(_, m) => format!("tomap({})", format_mapping(m, indent)),
        Value::Object(m) => format_mapping(m, indent),
        Value::Unknown(_) | Value::Marked(..) => "(known after apply)".into(),
    }
}

fn format_null(t: &Type) -> String {
    match t {
        Type::Dynamic => "null".into(),
        Type::String => "tostring(null)".into(),
        Type::Number => "tonumber(null)".into(),
        Type::Bool => "tobool(null)".into(),
        Type::List(e) => format!("tolist(null) /* of {} */", e.friendly_name()),
        Type::Set(e) => format!("toset(null) /* of {} */", e.friendly_name()),
        Type::Map(e) => format!("tomap(null) /* of {} */", e.friendly_name()),
        other => format!("null /* {} */", other.friendly_name()),
    }
}

fn format_multiline(s: &str, indent: usize) -> Option<String> {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() < 2 {
        return None;
    }
    let op = if indent > 0 { "<<-" } else { "<<" };
    let mut delim = String::from("EOT");
    while lines.iter().any(|l| l.trim() == delim) {
        delim.push('_');
    }
    let pad = " ".repeat(indent);
    let mut out = format!("{op}{delim}");
    for l in &lines {
        let _ = write!(out, "\n{pad}{l}");
    }
    let _ = write!(out, "\n{pad}{delim}");
    Some(out)
}

fn format_seq(xs: &[Value], indent: usize) -> String {
    if xs.is_empty() {
        return "[]".into();
    }
    let mut out = String::from("[\n");
    for x in xs {
        let _ = writeln!(
            out,
            "{}{},",
            " ".repeat(indent + 2),
            format_value(x, indent + 2)
        );
    }
    out.push_str(&" ".repeat(indent));
    out.push(']');
    out
}

fn format_mapping(m: &crate::ValueMap, indent: usize) -> String {
    if m.is_empty() {
        return "{}".into();
    }
    let mut out = String::from("{\n");
    for (k, x) in m {
        let _ = writeln!(
            out,
            "{}{} = {}",
            " ".repeat(indent + 2),
            quote(k),
            format_value(x, indent + 2)
        );
    }
    out.push_str(&" ".repeat(indent));
    out.push('}');
    out
}

/// Quotes a string as Go's `strconv.Quote` does.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if !is_print(c) => {
                if (c as u32) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Approximates Go's `unicode.IsPrint`: graphic characters and the ASCII space.
fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    // Format characters (Cf), private use, surrogates/noncharacters are not printable.
    !matches!(u, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xFFFE | 0xFFFF | 0xF0000..=0x10FFFF)
}

/// Formats a type as Terraform's console prints the result of `type()` (its `typeString`):
/// objects and tuples one member a line (`object({})`/`tuple([])` when empty), collections of
/// them on their own indented line.
pub fn format_type(t: &Type, indent: usize) -> String {
    let pad = |n: usize| " ".repeat(n * 4);
    match t {
        Type::Tuple(ts) if ts.is_empty() => "tuple([])".into(),
        Type::Object(attrs) if attrs.is_empty() => "object({})".into(),
        Type::Tuple(ts) => {
            let mut out = String::from("tuple([\n");
            for t in ts {
                let _ = writeln!(out, "{}{},", pad(indent + 1), format_type(t, indent + 1));
            }
            let _ = write!(out, "{}])", pad(indent));
            out
        }
        Type::Object(attrs) => {
            let mut out = String::from("object({\n");
            for (k, t) in attrs {
                let _ = writeln!(
                    out,
                    "{}{k}: {},",
                    pad(indent + 1),
                    format_type(t, indent + 1)
                );
            }
            let _ = write!(out, "{}}})", pad(indent));
            out
        }
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            let kind = match t {
                Type::List(_) => "list",
                Type::Set(_) => "set",
                _ => "map",
            };
            if matches!(**e, Type::Object(_) | Type::Tuple(_)) {
                format!(
                    "{kind}(\n{}{},\n{})",
                    pad(indent + 1),
                    format_type(e, indent + 1),
                    pad(indent)
                )
            } else {
                format!("{kind}({})", format_type(e, indent))
            }
        }
        other => other.to_string(),
    }
}
