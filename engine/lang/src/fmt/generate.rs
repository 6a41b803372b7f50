//! HCL text for values, as `hclwrite.TokensForValue` writes it and `hclwrite.Format` lays it
//! out: what Terraform's `provider::terraform::encode_expr` and `encode_tfvars` return. The
//! tokens are written plainly, then [`format_source`] gives them hclwrite's spacing,
//! indentation and `=` alignment.

use super::format_source;
use super::lexer::{is_ident_continue, is_ident_start};
use super::strings::escape_quoted;
use crate::value::Value;
use std::fmt::Write;

/// Whether `name` is an HCL identifier (written bare as an argument name or object key).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_ident_start) && chars.all(is_ident_continue)
}

/// A wholly known value as an HCL expression; `None` when any part of it is unknown.
pub fn value_expr(v: &Value) -> Option<String> {
    let mut raw = String::from("x = ");
    tokens(v, &mut raw)?;
    raw.push('\n');
    let laid = laid_out(raw);
    Some(
        laid.strip_prefix("x = ")?
            .trim_end_matches('\n')
            .to_string(),
    )
}

/// `NAME = VALUE` lines, one per entry, aligned as hclwrite aligns them (a `.tfvars` body);
/// `None` when any value is unknown. Names are written as given.
pub fn attributes<'a>(entries: impl IntoIterator<Item = (&'a str, &'a Value)>) -> Option<String> {
    let mut raw = String::new();
    for (name, v) in entries {
        raw.push_str(name);
        raw.push_str(" = ");
        tokens(v, &mut raw)?;
        raw.push('\n');
    }
    Some(laid_out(raw))
}

/// `raw` formatted; generated tokens always lex, but the raw text is kept if they did not.
fn laid_out(raw: String) -> String {
    format_source(&raw).unwrap_or(raw)
}

/// Writes `v` as hclwrite's generated tokens: collections on one line, objects and maps with
/// one entry per line, keys bare when they are identifiers.
fn tokens(v: &Value, out: &mut String) -> Option<()> {
    match v.unmarked() {
        Value::Unknown(_) => return None,
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => quoted(s, out),
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
            out.push('[');
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                tokens(e, out)?;
            }
            out.push(']');
        }
        Value::Map(_, entries) | Value::Object(entries) => {
            out.push('{');
            if !entries.is_empty() {
                out.push('\n');
            }
            for (k, e) in entries.iter() {
                match is_identifier(k) {
                    true => out.push_str(k),
                    false => quoted(k, out),
                }
                out.push_str(" = ");
                tokens(e, out)?;
                out.push('\n');
            }
            out.push('}');
        }
        Value::Marked(inner, _) => tokens(inner, out)?,
    }
    Some(())
}

fn quoted(s: &str, out: &mut String) {
    out.push('"');
    out.push_str(&escape_quoted(s));
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Type;

    fn obj(entries: &[(&str, Value)]) -> Value {
        Value::object_from(entries.iter().cloned())
    }

    /// Terraform 1.15's `encode_expr` on the same values.
    #[test]
    fn values_are_written_as_hclwrite_writes_them() {
        let v = obj(&[
            ("a", Value::int(1)),
            ("bb", Value::string("x\n${y}")),
            (
                "list",
                Value::tuple(vec![
                    Value::Number(crate::value::Number::parse("1.5").unwrap()),
                    Value::int(-2),
                ]),
            ),
            ("n", Value::null()),
            ("o", Value::object_from(Vec::<(&str, Value)>::new())),
            ("t", Value::tuple(vec![])),
        ]);
        let want = "{\n  a    = 1\n  bb   = \"x\\n$${y}\"\n  list = [1.5, -2]\n  n    = null\n  o    = {}\n  t    = []\n}";
        assert_eq!(value_expr(&v).unwrap(), want);
        let nested = Value::tuple(vec![
            obj(&[("a", Value::int(1))]),
            obj(&[
                ("bb", Value::int(2)),
                ("c", Value::tuple(vec![obj(&[("d", Value::int(1))])])),
            ]),
        ]);
        let want = "[{\n  a = 1\n  }, {\n  bb = 2\n  c = [{\n    d = 1\n  }]\n}]";
        assert_eq!(value_expr(&nested).unwrap(), want);
        let keys = obj(&[("1x", Value::int(1)), ("y", Value::int(2))]);
        assert_eq!(value_expr(&keys).unwrap(), "{\n  \"1x\" = 1\n  y    = 2\n}");
        let text = Value::string("x \t \u{1} é");
        assert_eq!(value_expr(&text).unwrap(), "\"x \\t \\u0001 é\"");
        assert_eq!(value_expr(&Value::Unknown(Type::String)), None);
    }

    /// Terraform 1.15's `encode_tfvars`: alignment stops at a multi-line value.
    #[test]
    fn attributes_align_as_hclwrite_aligns_them() {
        let m = obj(&[("k", Value::Bool(true)), ("a b", Value::null())]);
        let set = Value::tuple(vec![Value::string("a"), Value::string("b")]);
        let list = Value::tuple(vec![Value::int(1), Value::int(2)]);
        let (one, x) = (Value::int(1), Value::string("x"));
        let entries = [
            ("a", &one),
            ("bb", &x),
            ("list", &list),
            ("m", &m),
            ("s", &set),
        ];
        let want = "a    = 1\nbb   = \"x\"\nlist = [1, 2]\nm = {\n  \"a b\" = null\n  k     = true\n}\ns = [\"a\", \"b\"]\n";
        assert_eq!(attributes(entries).unwrap(), want);
        assert_eq!(attributes([]).unwrap(), "");
    }
}
