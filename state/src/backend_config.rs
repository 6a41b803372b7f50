//! A backend block's arguments: each backend's schema (Terraform's argument names and
//! types), the evaluated arguments checked and converted against it, and Terraform's hash of
//! the block, which `init` records in `.terraform/terraform.tfstate` so that a later command
//! notices "Backend configuration changed" exactly when Terraform would.
//!
//! The hash is cty's: CRC-32 (IEEE) of the value's set-hash bytes, over the tuple
//! `[type, config]` where `config` has every schema attribute (null when unset). A value's
//! bytes: null `~`, a string Go-quoted, a bool `T`/`F`, a number as Go's `%.10g`, a list
//! `[e;e;]`, a map `{"k":v;}`, an object its attribute values in name order `<v;v;>`.

use serde_json::{Map, Value as Json};

/// The type of a backend argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    String,
    /// A bool (`"true"`/`"false"` strings convert, as cty converts them).
    Bool,
    /// A number.
    Number,
    /// A list (or set) of strings.
    StringList,
    /// A map of strings.
    StringMap,
    /// A nested object (`endpoints = {...}`, `assume_role = {...}`).
    Object(&'static [Attr]),
}

/// One argument of a backend block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attr {
    /// Terraform's name of it.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
}

/// Shorthand for schema tables.
pub const fn attr(name: &'static str, kind: Kind) -> Attr {
    Attr { name, kind }
}

/// A problem with one argument: its path (`endpoints.s3`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgProblem {
    /// The argument's path in the block.
    pub path: String,
    /// Terraform's summary of the problem.
    pub summary: String,
    /// Its detail.
    pub detail: String,
}

/// `args` checked against `schema` and converted to its types, with every attribute of the
/// schema present (null when unset), as Terraform stores a backend's config.
pub fn normalize(
    schema: &[Attr],
    args: &Map<String, Json>,
) -> Result<Map<String, Json>, ArgProblem> {
    normalize_at(schema, args, "")
}

fn normalize_at(
    schema: &[Attr],
    args: &Map<String, Json>,
    prefix: &str,
) -> Result<Map<String, Json>, ArgProblem> {
    if let Some(name) = args.keys().find(|k| !schema.iter().any(|a| a.name == *k)) {
        return Err(ArgProblem {
            path: format!("{prefix}{name}"),
            summary: "Unsupported argument".into(),
            detail: format!("An argument named {name:?} is not expected here."),
        });
    }
    let mut out = Map::new();
    for a in schema {
        let path = format!("{prefix}{}", a.name);
        let v = args.get(a.name).unwrap_or(&Json::Null);
        out.insert(a.name.to_string(), convert(a.kind, v, &path)?);
    }
    Ok(out)
}

/// `v` converted to `kind` as cty converts (numbers and bools to strings, `"true"` to a bool).
fn convert(kind: Kind, v: &Json, path: &str) -> Result<Json, ArgProblem> {
    let wrong = |want: &str| ArgProblem {
        path: path.to_string(),
        summary: "Incorrect attribute value type".into(),
        detail: format!("Inappropriate value for attribute {path:?}: {want} required."),
    };
    Ok(match (kind, v) {
        (_, Json::Null) => Json::Null,
        (Kind::String, Json::String(_)) => v.clone(),
        (Kind::String, Json::Number(n)) => Json::String(n.to_string()),
        (Kind::String, Json::Bool(b)) => Json::String(b.to_string()),
        (Kind::Bool, Json::Bool(_)) => v.clone(),
        (Kind::Bool, Json::String(s)) if s == "true" || s == "false" => Json::Bool(s == "true"),
        (Kind::Number, Json::Number(_)) => v.clone(),
        (Kind::Number, Json::String(s)) => serde_json::from_str::<serde_json::Number>(s.trim())
            .map(Json::Number)
            .map_err(|_| wrong("number"))?,
        (Kind::StringList, Json::Array(items)) => Json::Array(
            items
                .iter()
                .map(|i| convert(Kind::String, i, path))
                .collect::<Result<_, _>>()?,
        ),
        (Kind::StringMap, Json::Object(m)) => Json::Object(
            m.iter()
                .map(|(k, i)| Ok((k.clone(), convert(Kind::String, i, path)?)))
                .collect::<Result<_, ArgProblem>>()?,
        ),
        (Kind::Object(attrs), Json::Object(m)) => {
            Json::Object(normalize_at(attrs, m, &format!("{path}."))?)
        }
        (Kind::String, _) => return Err(wrong("string")),
        (Kind::Bool, _) => return Err(wrong("bool")),
        (Kind::Number, _) => return Err(wrong("number")),
        (Kind::StringList, _) => return Err(wrong("list of string")),
        (Kind::StringMap, _) => return Err(wrong("map of string")),
        (Kind::Object(_), _) => return Err(wrong("object")),
    })
}

/// Terraform's hash of a backend block of type `ty` whose arguments, normalized against
/// `schema`, are `config`.
pub fn config_hash(ty: &str, schema: &[Attr], config: &Map<String, Json>) -> u32 {
    let mut bytes = Vec::new();
    bytes.push(b'<');
    go_quote(ty, &mut bytes);
    bytes.push(b';');
    object_bytes(schema, config, &mut bytes);
    bytes.extend_from_slice(b";>");
    crc32fast::hash(&bytes)
}

fn object_bytes(schema: &[Attr], config: &Map<String, Json>, out: &mut Vec<u8>) {
    let mut attrs: Vec<&Attr> = schema.iter().collect();
    attrs.sort_by_key(|a| a.name);
    out.push(b'<');
    for a in attrs {
        value_bytes(a.kind, config.get(a.name).unwrap_or(&Json::Null), out);
        out.push(b';');
    }
    out.push(b'>');
}

fn value_bytes(kind: Kind, v: &Json, out: &mut Vec<u8>) {
    match (kind, v) {
        (_, Json::Null) => out.push(b'~'),
        (_, Json::Bool(b)) => out.push(if *b { b'T' } else { b'F' }),
        (_, Json::String(s)) => go_quote(s, out),
        (_, Json::Number(n)) => out.extend_from_slice(go_g10(n).as_bytes()),
        (_, Json::Array(items)) => {
            out.push(b'[');
            for i in items {
                value_bytes(Kind::String, i, out);
                out.push(b';');
            }
            out.push(b']');
        }
        (Kind::Object(attrs), Json::Object(m)) => object_bytes(attrs, m, out),
        (_, Json::Object(m)) => {
            // A map: entries in key order, as cty iterates them.
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push(b'{');
            for k in keys {
                go_quote(k, out);
                out.push(b':');
                value_bytes(Kind::String, &m[k], out);
                out.push(b';');
            }
            out.push(b'}');
        }
    }
}

/// Go's `%q` of a string: `"`, `\` and control characters escaped, printable text as is.
fn go_quote(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{7}' => out.extend_from_slice(b"\\a"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\u{b}' => out.extend_from_slice(b"\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.extend_from_slice(format!("\\x{:02x}", c as u32).as_bytes())
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// A number as Go's `big.Float.String()` prints it (`%.10g`).
fn go_g10(n: &serde_json::Number) -> String {
    let f: f64 = n.to_string().parse().unwrap_or(0.0);
    if f == 0.0 {
        return "0".into();
    }
    let sci = format!("{f:.9e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if !(-4..10).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{}e{sign}{:02}", trim(mantissa), exp.abs());
    }
    let decimals = (9 - exp).max(0) as usize;
    trim(&format!("{f:.decimals$}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LOCAL: &[Attr] = &[
        attr("path", Kind::String),
        attr("workspace_dir", Kind::String),
    ];

    fn obj(v: Json) -> Map<String, Json> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_hash_is_terraforms() {
        // `terraform init` (1.11) of `backend "local" { path = "x.tfstate" }` recorded
        // "hash": 2326359980 in .terraform/terraform.tfstate.
        let config = normalize(LOCAL, &obj(json!({"path": "x.tfstate"}))).unwrap();
        assert_eq!(config_hash("local", LOCAL, &config), 2326359980);
        assert_eq!(
            Json::Object(config),
            json!({"path": "x.tfstate", "workspace_dir": null})
        );
    }

    #[test]
    fn numbers_print_as_go_prints_them() {
        let n = |s: &str| go_g10(&serde_json::from_str(s).unwrap());
        assert_eq!(n("5"), "5");
        assert_eq!(n("2.5"), "2.5");
        assert_eq!(n("12345678901"), "1.23456789e+10");
        assert_eq!(n("0.0001"), "0.0001");
        assert_eq!(n("0.00001"), "1e-05");
    }

    #[test]
    fn arguments_are_checked_and_converted() {
        const S: &[Attr] = &[
            attr("encrypt", Kind::Bool),
            attr("max_retries", Kind::Number),
            attr("key", Kind::String),
            attr("endpoints", Kind::Object(&[attr("s3", Kind::String)])),
        ];
        let c = normalize(
            S,
            &obj(
                json!({"encrypt": "true", "max_retries": "3", "key": 7, "endpoints": {"s3": "u"}}),
            ),
        )
        .unwrap();
        assert_eq!(
            Json::Object(c),
            json!({"encrypt": true, "max_retries": 3, "key": "7", "endpoints": {"s3": "u"}})
        );
        let e = normalize(S, &obj(json!({"bukket": "b"}))).unwrap_err();
        assert_eq!(e.path, "bukket");
        assert_eq!(
            e.detail,
            "An argument named \"bukket\" is not expected here."
        );
        let e = normalize(S, &obj(json!({"endpoints": {"s4": "u"}}))).unwrap_err();
        assert_eq!(e.path, "endpoints.s4");
        let e = normalize(S, &obj(json!({"encrypt": "maybe"}))).unwrap_err();
        assert_eq!(e.summary, "Incorrect attribute value type");
    }
}
