//! Streaming forms of [`super::json`]'s encodings: `serde::Serialize` views that write the
//! same JSON straight to a serializer, without building `serde_json::Value` trees first (large
//! documents such as saved plans spend most of their time allocating those trees).

use super::{Type, Value};
use serde::ser::{SerializeMap, SerializeSeq, SerializeTuple};
use serde::{Serialize, Serializer};

/// [`super::json::to_json`] as a serializable view.
pub struct Plain<'a>(pub &'a Value);

/// [`super::json::type_json`] as a serializable view.
pub struct TypeJson<'a>(pub &'a Type);

/// [`super::json::encode_full`] as a serializable view (type, value, unknown and sensitive masks).
pub struct Full<'a>(pub &'a Value);

/// Which mask [`Mask`] writes.
#[derive(Clone, Copy)]
enum MaskKind {
    Unknown,
    Sensitive,
}

/// [`super::json::unknown_mask`] / [`super::json::sensitive_mask`] as a serializable view.
struct Mask<'a>(&'a Value, MaskKind);

impl Mask<'_> {
    fn hit(&self) -> bool {
        match self.1 {
            MaskKind::Unknown => self.0.is_unknown(),
            MaskKind::Sensitive => self.0.marks().is_sensitive(),
        }
    }

    /// Whether the mask is plain `false` (entries of objects are left out then).
    fn is_false(&self) -> bool {
        !self.hit()
            && !matches!(
                self.0.unmarked(),
                Value::List(..)
                    | Value::Set(..)
                    | Value::Tuple(_)
                    | Value::Map(..)
                    | Value::Object(_)
            )
    }
}

impl Serialize for Mask<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.hit() {
            return s.serialize_bool(true);
        }
        match self.0.unmarked() {
            Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
                let mut seq = s.serialize_seq(Some(xs.len()))?;
                for x in xs.iter() {
                    seq.serialize_element(&Mask(x, self.1))?;
                }
                seq.end()
            }
            Value::Map(_, m) | Value::Object(m) => {
                let mut map = s.serialize_map(None)?;
                for (k, x) in m.iter() {
                    let sub = Mask(x, self.1);
                    if !sub.is_false() {
                        map.serialize_entry(k, &sub)?;
                    }
                }
                map.end()
            }
            _ => s.serialize_bool(false),
        }
    }
}

impl Serialize for Plain<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.unmarked() {
            Value::Null(_) | Value::Unknown(_) | Value::Marked(..) => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) if n.is_infinite() => s.serialize_unit(),
            Value::Number(n) => match n.to_string().parse::<serde_json::Number>() {
                Ok(j) => j.serialize(s),
                Err(_) => s.serialize_unit(),
            },
            Value::String(x) => s.serialize_str(x),
            Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
                s.collect_seq(xs.iter().map(Plain))
            }
            Value::Map(_, m) | Value::Object(m) => {
                s.collect_map(m.iter().map(|(k, x)| (k, Plain(x))))
            }
        }
    }
}

/// `[kind, inner]`, the notation of collection and structural types.
fn pair<S: Serializer, T: Serialize>(s: S, kind: &str, inner: &T) -> Result<S::Ok, S::Error> {
    let mut t = s.serialize_tuple(2)?;
    t.serialize_element(kind)?;
    t.serialize_element(inner)?;
    t.end()
}

impl Serialize for TypeJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Type::Dynamic => s.serialize_str("dynamic"),
            Type::Bool => s.serialize_str("bool"),
            Type::Number => s.serialize_str("number"),
            Type::String => s.serialize_str("string"),
            Type::List(e) => pair(s, "list", &TypeJson(e)),
            Type::Set(e) => pair(s, "set", &TypeJson(e)),
            Type::Map(e) => pair(s, "map", &TypeJson(e)),
            Type::Tuple(ts) => pair(s, "tuple", &TypeList(ts)),
            Type::Object(attrs) => pair(s, "object", &TypeMap(attrs)),
        }
    }
}

/// `type_json(&v.ty())` written from the value itself (no `Type` tree is built).
struct TypeOf<'a>(&'a Value);

impl Serialize for TypeOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null(t) | Value::Unknown(t) => TypeJson(t).serialize(s),
            Value::Bool(_) => s.serialize_str("bool"),
            Value::Number(_) => s.serialize_str("number"),
            Value::String(_) => s.serialize_str("string"),
            Value::List(t, _) => pair(s, "list", &TypeJson(t)),
            Value::Set(t, _) => pair(s, "set", &TypeJson(t)),
            Value::Map(t, _) => pair(s, "map", &TypeJson(t)),
            Value::Tuple(xs) => pair(s, "tuple", &ValueTypes(xs)),
            Value::Object(m) => pair(s, "object", &AttrTypes(m)),
            Value::Marked(v, _) => TypeOf(v).serialize(s),
        }
    }
}

struct ValueTypes<'a>(&'a [Value]);

impl Serialize for ValueTypes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(TypeOf))
    }
}

struct AttrTypes<'a>(&'a crate::ValueMap);

impl Serialize for AttrTypes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, TypeOf(v))))
    }
}

struct TypeList<'a>(&'a [Type]);

impl Serialize for TypeList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(TypeJson))
    }
}

struct TypeMap<'a>(&'a std::collections::BTreeMap<String, Type>);

impl Serialize for TypeMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, t)| (k, TypeJson(t))))
    }
}

impl Serialize for Full<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("type", &TypeOf(self.0))?;
        m.serialize_entry("value", &Plain(self.0))?;
        m.serialize_entry("unknown", &Mask(self.0, MaskKind::Unknown))?;
        m.serialize_entry("sensitive", &Mask(self.0, MaskKind::Sensitive))?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::encode_full;

    #[test]
    fn full_view_writes_what_encode_full_builds() {
        let values = [
            Value::object_from([
                ("a", Value::string("x")),
                ("b", Value::Unknown(Type::Number)),
                (
                    "c",
                    Value::tuple(vec![Value::int(1), Value::string("s").sensitive()]),
                ),
                ("d", Value::Null(Type::list(Type::String))),
                ("e", Value::map(Type::Bool, Default::default())),
                ("f", Value::list(Type::Number, vec![Value::int(7)])),
            ]),
            Value::string("plain").sensitive(),
            Value::Unknown(Type::Object(
                [("k".to_string(), Type::set(Type::String))].into(),
            )),
            Value::int(12345678901234567),
            Value::tuple(vec![
                Value::object_from([("x", Value::Null(Type::Number))]).sensitive(),
                Value::Set(Type::String, Default::default()),
            ]),
        ];
        for v in values {
            let streamed = serde_json::to_value(Full(&v)).unwrap();
            assert_eq!(streamed, encode_full(&v), "{v:?}");
        }
    }
}
