//! `yamldecode` and `yamlencode`, writing YAML in the style Terraform's encoder uses
//! (double-quoted keys and strings, literal blocks for multi-line strings).

use super::{rt, str_arg, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::{Number, Type, Value};

pub(super) fn register(f: &mut Functions) {
    f.add(
        "yamldecode",
        Function::new(
            vec![Param::new("src", Type::String)],
            Ret::Fixed(rt::dynamic),
            yamldecode,
        ),
    );
    f.add(
        "yamlencode",
        Function::new(
            vec![Param::new("value", Type::Dynamic).nullable()],
            Ret::Fixed(rt::string),
            yamlencode,
        ),
    );
}

fn from_yaml(y: &serde_yaml::Value) -> Result<Value, FnError> {
    Ok(match y {
        serde_yaml::Value::Null => Value::null(),
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::Number(n) => Value::Number(
            Number::parse(&n.to_string())
                .ok_or_else(|| FnError::new(format!("cannot represent {n} as a number")))?,
        ),
        serde_yaml::Value::String(s) => Value::string(s.as_str()),
        serde_yaml::Value::Sequence(xs) => {
            Value::tuple(xs.iter().map(from_yaml).collect::<Result<_, _>>()?)
        }
        serde_yaml::Value::Mapping(m) => {
            let mut out = std::collections::BTreeMap::new();
            for (k, v) in m {
                let key = match k {
                    serde_yaml::Value::String(s) => s.clone(),
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    serde_yaml::Value::Null => "null".into(),
                    _ => return Err(FnError::new("mapping keys must be strings")),
                };
                out.insert(key, from_yaml(v)?);
            }
            Value::object(out.into())
        }
        serde_yaml::Value::Tagged(t) => from_yaml(&t.value)?,
    })
}

fn yamldecode(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let src = str_arg(a, 0);
    if src.trim().is_empty() {
        return Err(FnError::new(
            "on line 1, column 1: missing start of document",
        ));
    }
    let y: serde_yaml::Value = serde_yaml::from_str(src).map_err(|e| {
        let loc = e
            .location()
            .map(|l| format!("on line {}, column {}: ", l.line(), l.column()))
            .unwrap_or_default();
        FnError::new(format!("{loc}{e}"))
    })?;
    from_yaml(&y)
}

/// A double-quoted YAML scalar.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A scalar on one line, or `None` for values that need a block.
fn scalar(v: &Value, indent: usize) -> Option<String> {
    Some(match v.unmarked() {
        Value::Null(_) => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.contains('\n') && !s.contains('\r') => {
            // The body loses one final line break, which the emitted newline restores.
            let (body, chomp) = match s.strip_suffix('\n') {
                Some(b) if b.ends_with('\n') => (b, "+"),
                Some(b) => (b, ""),
                None => (&s[..], "-"),
            };
            let pad = " ".repeat(indent + 2);
            let lines: Vec<String> = body
                .split('\n')
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("{pad}{l}")
                    }
                })
                .collect();
            format!("|{chomp}\n{}", lines.join("\n"))
        }
        Value::String(s) => quoted(s),
        x if x.length() == Some(0) => {
            if x.as_entries().is_some() {
                "{}".into()
            } else {
                "[]".into()
            }
        }
        _ => return None,
    })
}

fn emit(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    if let Some(m) = v.as_entries().filter(|m| !m.is_empty()) {
        for (i, (k, x)) in m.iter().enumerate() {
            if i > 0 || !out.ends_with("- ") {
                out.push_str(&pad);
            }
            out.push_str(&quoted(k));
            out.push(':');
            match scalar(x, indent) {
                Some(s) => {
                    out.push(' ');
                    out.push_str(&s);
                    out.push('\n');
                }
                None if x.as_seq().is_some() => {
                    out.push('\n');
                    emit(x, indent, out);
                }
                None => {
                    out.push('\n');
                    emit(x, indent + 2, out);
                }
            }
        }
    } else if let Some(xs) = v.as_seq().filter(|xs| !xs.is_empty()) {
        for (i, x) in xs.iter().enumerate() {
            // A sequence nested in a sequence starts on its parent's "- " line.
            if i > 0 || !out.ends_with("- ") {
                out.push_str(&pad);
            }
            out.push_str("- ");
            // Block scalars indent by two from the sequence's own column, as go-yaml does.
            match scalar(x, indent) {
                Some(s) => {
                    out.push_str(&s);
                    out.push('\n');
                }
                None => emit(x, indent + 2, out),
            }
        }
    } else if let Some(s) = scalar(v, indent) {
        out.push_str(&s);
        out.push('\n');
    }
}

fn yamlencode(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let mut out = String::new();
    emit(&a[0], 0, &mut out);
    // go-yaml ends a document whose root is a plain scalar (null, bool, number) with "...".
    if matches!(
        a[0].unmarked(),
        Value::Null(_) | Value::Bool(_) | Value::Number(_)
    ) {
        out.push_str("...\n");
    }
    Ok(Value::string(out))
}
