//! Values as the plugin protocol's `DynamicValue.msgpack`: cty's MessagePack encoding, driven
//! by the schema type (Terraform's `docs/plugin-protocol/object-wire-format.md`). Nulls are
//! nil, unknowns a MessagePack extension (code 0 when written; any code read, refinements of
//! code 12 ignored), `dynamic` slots a `[type JSON, value]` pair. Marks never cross the wire:
//! sensitivity is the engine's business.

use autostack_value::json::{type_from_json, type_json};
use autostack_value::{make_set, Number, Type, Value};
use rmp::Marker;
use std::collections::BTreeMap;

/// cty's unknown value: fixext1 of extension type 0 with a zero byte.
const UNKNOWN: [u8; 3] = [0xd4, 0, 0];

/// Encodes `v` as a value of type `ty`.
pub fn encode(v: &Value, ty: &Type) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    write_value(&mut out, v.unmarked(), ty);
    out
}

fn write_value(out: &mut Vec<u8>, v: &Value, ty: &Type) {
    let v = v.unmarked();
    if *ty == Type::Dynamic && v.ty() != Type::Dynamic {
        // The receiver cannot know the type: send it along, as JSON, before the value.
        rmp::encode::write_array_len(out, 2).expect("vec write");
        let tj = type_json(&v.ty()).to_string();
        rmp::encode::write_bin(out, tj.as_bytes()).expect("vec write");
        return write_value(out, v, &v.ty());
    }
    match v {
        Value::Unknown(_) => out.extend_from_slice(&UNKNOWN),
        Value::Null(_) => rmp::encode::write_nil(out).expect("vec write"),
        Value::Bool(b) => rmp::encode::write_bool(out, *b).expect("vec write"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => rmp::encode::write_str(out, s).expect("vec write"),
        Value::List(_, items) | Value::Set(_, items) => {
            let elem = ty.element_type().cloned().unwrap_or(Type::Dynamic);
            write_len(out, items.len(), rmp::encode::write_array_len);
            items.iter().for_each(|i| write_value(out, i, &elem));
        }
        Value::Tuple(items) => {
            write_len(out, items.len(), rmp::encode::write_array_len);
            for (i, item) in items.iter().enumerate() {
                let t = match ty {
                    Type::Tuple(ts) => ts.get(i).cloned().unwrap_or(Type::Dynamic),
                    _ => Type::Dynamic,
                };
                write_value(out, item, &t);
            }
        }
        Value::Map(_, entries) => {
            let elem = ty.element_type().cloned().unwrap_or(Type::Dynamic);
            write_len(out, entries.len(), rmp::encode::write_map_len);
            for (k, item) in entries.iter() {
                rmp::encode::write_str(out, k).expect("vec write");
                write_value(out, item, &elem);
            }
        }
        Value::Object(attrs) => write_object(out, attrs, ty),
        Value::Marked(inner, _) => write_value(out, inner, ty),
    }
}

/// An object: every attribute of the type (a missing one as null), so the provider always
/// sees the whole schema.
fn write_object(out: &mut Vec<u8>, attrs: &autostack_value::ValueMap, ty: &Type) {
    let Type::Object(types) = ty else {
        write_len(out, attrs.len(), rmp::encode::write_map_len);
        for (k, item) in attrs {
            rmp::encode::write_str(out, k).expect("vec write");
            write_value(out, item, &item.ty());
        }
        return;
    };
    write_len(out, types.len(), rmp::encode::write_map_len);
    for (k, t) in types {
        rmp::encode::write_str(out, k).expect("vec write");
        match attrs.get(k) {
            Some(item) => write_value(out, item, t),
            None => rmp::encode::write_nil(out).expect("vec write"),
        }
    }
}

fn write_len<T>(
    out: &mut Vec<u8>,
    len: usize,
    f: impl Fn(&mut Vec<u8>, u32) -> Result<T, rmp::encode::ValueWriteError>,
) {
    f(out, u32::try_from(len).unwrap_or(u32::MAX)).expect("vec write");
}

/// Integers as integers, everything else as its exact decimal text (which the protocol
/// allows, and which keeps precision a float would lose).
fn write_number(out: &mut Vec<u8>, n: &Number) {
    if let Some(i) = n.to_i64() {
        rmp::encode::write_sint(out, i).expect("vec write");
    } else if let Some(u) = n.to_u64() {
        rmp::encode::write_uint(out, u).expect("vec write");
    } else {
        rmp::encode::write_str(out, &n.to_string()).expect("vec write");
    }
}

/// Why bytes did not decode as a value of the expected type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes msgpack bytes as a value of type `ty`.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let v = r.value(ty, 0)?;
    if r.pos != bytes.len() {
        return Err(DecodeError(format!(
            "{} trailing bytes after the value",
            bytes.len() - r.pos
        )));
    }
    Ok(v)
}

/// Deeper nesting than any schema has: refuse rather than overflow the stack.
const MAX_DEPTH: usize = 256;

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn err<T>(&self, what: impl std::fmt::Display) -> Result<T, DecodeError> {
        Err(DecodeError(format!("msgpack at byte {}: {what}", self.pos)))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        match self.buf.get(self.pos..self.pos + n) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => self.err("unexpected end of data"),
        }
    }

    fn uint(&mut self, n: usize) -> Result<u64, DecodeError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, b| acc << 8 | u64::from(*b)))
    }

    fn marker(&mut self) -> Result<Marker, DecodeError> {
        Ok(Marker::from_u8(self.take(1)?[0]))
    }

    fn peek(&self) -> Result<Marker, DecodeError> {
        match self.buf.get(self.pos) {
            Some(b) => Ok(Marker::from_u8(*b)),
            None => self.err("unexpected end of data"),
        }
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return self.err("nesting too deep");
        }
        match self.peek()? {
            Marker::Null => {
                self.pos += 1;
                return Ok(Value::Null(ty.clone()));
            }
            m if ext_len(m).is_some() => {
                self.skip_ext()?;
                return Ok(Value::Unknown(ty.clone()));
            }
            _ => {}
        }
        match ty {
            Type::Dynamic => self.dynamic(depth),
            Type::Bool => match self.marker()? {
                Marker::True => Ok(Value::Bool(true)),
                Marker::False => Ok(Value::Bool(false)),
                m => self.err(format!("expected a bool, found {m:?}")),
            },
            Type::Number => self.number(),
            Type::String => Ok(Value::string(self.string()?)),
            Type::List(e) => Ok(Value::list((**e).clone(), self.items(e, depth)?)),
            Type::Set(e) => Ok(make_set((**e).clone(), self.items(e, depth)?)),
            Type::Map(e) => {
                let n = self.map_len()?;
                let mut m = BTreeMap::new();
                for _ in 0..n {
                    let k = self.string()?;
                    m.insert(k, self.value(e, depth + 1)?);
                }
                Ok(Value::map((**e).clone(), m.into()))
            }
            Type::Object(attrs) => self.object(attrs, depth),
            Type::Tuple(ts) => {
                let n = self.array_len()?;
                if n != ts.len() {
                    return self.err(format!("expected {} tuple elements, found {n}", ts.len()));
                }
                let items = ts.iter().map(|t| self.value(t, depth + 1));
                Ok(Value::tuple(items.collect::<Result<_, _>>()?))
            }
        }
    }

    fn dynamic(&mut self, depth: usize) -> Result<Value, DecodeError> {
        if self.array_len()? != 2 {
            return self.err("a dynamic value must be a [type, value] pair");
        }
        let tj = match self.marker()? {
            Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => {
                self.pos -= 1;
                self.bin()?
            }
            _ => {
                self.pos -= 1;
                self.string()?.into_bytes()
            }
        };
        let ty = serde_json::from_slice(&tj)
            .ok()
            .and_then(|j| type_from_json(&j));
        match ty {
            Some(t) => self.value(&t, depth + 1),
            None => self.err("a dynamic value's type is not valid type JSON"),
        }
    }

    fn object(
        &mut self,
        attrs: &BTreeMap<String, Type>,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        let n = self.map_len()?;
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let k = self.string()?;
            let Some(t) = attrs.get(&k) else {
                return self.err(format!("unsupported attribute {k:?}"));
            };
            let v = self.value(t, depth + 1)?;
            m.insert(k, v);
        }
        for (k, t) in attrs {
            m.entry(k.clone()).or_insert_with(|| Value::Null(t.clone()));
        }
        Ok(Value::object(m.into()))
    }

    fn items(&mut self, elem: &Type, depth: usize) -> Result<Vec<Value>, DecodeError> {
        let n = self.array_len()?;
        (0..n).map(|_| self.value(elem, depth + 1)).collect()
    }

    fn number(&mut self) -> Result<Value, DecodeError> {
        let n = match self.marker()? {
            Marker::FixPos(n) => Number::from(i64::from(n)),
            Marker::FixNeg(n) => Number::from(i64::from(n)),
            Marker::U8 => Number::from(self.uint(1)?),
            Marker::U16 => Number::from(self.uint(2)?),
            Marker::U32 => Number::from(self.uint(4)?),
            Marker::U64 => Number::from(self.uint(8)?),
            Marker::I8 => Number::from(i64::from(self.uint(1)? as u8 as i8)),
            Marker::I16 => Number::from(i64::from(self.uint(2)? as u16 as i16)),
            Marker::I32 => Number::from(i64::from(self.uint(4)? as u32 as i32)),
            Marker::I64 => Number::from(self.uint(8)? as i64),
            Marker::F32 => Number::from_f64(f64::from(f32::from_bits(self.uint(4)? as u32))),
            Marker::F64 => Number::from_f64(f64::from_bits(self.uint(8)?)),
            m if str_len_kind(m).is_some() => {
                self.pos -= 1;
                let s = self.string()?;
                match Number::parse(&s) {
                    Some(n) => n,
                    None => return self.err(format!("{s:?} is not a number")),
                }
            }
            m => return self.err(format!("expected a number, found {m:?}")),
        };
        Ok(Value::Number(n))
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let m = self.marker()?;
        let len = match str_len_kind(m) {
            Some(StrLen::Fixed(n)) => n,
            Some(StrLen::Prefix(w)) => self.uint(w)? as usize,
            None => return self.err(format!("expected a string, found {m:?}")),
        };
        let bytes = self.take(len)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => self.err("string is not UTF-8"),
        }
    }

    fn bin(&mut self) -> Result<Vec<u8>, DecodeError> {
        let len = match self.marker()? {
            Marker::Bin8 => self.uint(1)?,
            Marker::Bin16 => self.uint(2)?,
            Marker::Bin32 => self.uint(4)?,
            m => return self.err(format!("expected binary, found {m:?}")),
        };
        Ok(self.take(len as usize)?.to_vec())
    }

    fn array_len(&mut self) -> Result<usize, DecodeError> {
        match self.marker()? {
            Marker::FixArray(n) => Ok(usize::from(n)),
            Marker::Array16 => Ok(self.uint(2)? as usize),
            Marker::Array32 => Ok(self.uint(4)? as usize),
            m => self.err(format!("expected an array, found {m:?}")),
        }
    }

    fn map_len(&mut self) -> Result<usize, DecodeError> {
        match self.marker()? {
            Marker::FixMap(n) => Ok(usize::from(n)),
            Marker::Map16 => Ok(self.uint(2)? as usize),
            Marker::Map32 => Ok(self.uint(4)? as usize),
            m => self.err(format!("expected a map, found {m:?}")),
        }
    }

    /// Skips an extension (an unknown value, refined or not: refinements are not kept).
    fn skip_ext(&mut self) -> Result<(), DecodeError> {
        let m = self.marker()?;
        let len = match ext_len(m) {
            Some(ExtLen::Fixed(n)) => n,
            Some(ExtLen::Prefix(w)) => self.uint(w)? as usize,
            None => return self.err("expected an extension"),
        };
        self.take(1 + len).map(|_| ())
    }
}

enum StrLen {
    Fixed(usize),
    Prefix(usize),
}

fn str_len_kind(m: Marker) -> Option<StrLen> {
    match m {
        Marker::FixStr(n) => Some(StrLen::Fixed(usize::from(n))),
        Marker::Str8 => Some(StrLen::Prefix(1)),
        Marker::Str16 => Some(StrLen::Prefix(2)),
        Marker::Str32 => Some(StrLen::Prefix(4)),
        _ => None,
    }
}

enum ExtLen {
    Fixed(usize),
    Prefix(usize),
}

fn ext_len(m: Marker) -> Option<ExtLen> {
    match m {
        Marker::FixExt1 => Some(ExtLen::Fixed(1)),
        Marker::FixExt2 => Some(ExtLen::Fixed(2)),
        Marker::FixExt4 => Some(ExtLen::Fixed(4)),
        Marker::FixExt8 => Some(ExtLen::Fixed(8)),
        Marker::FixExt16 => Some(ExtLen::Fixed(16)),
        Marker::Ext8 => Some(ExtLen::Prefix(1)),
        Marker::Ext16 => Some(ExtLen::Prefix(2)),
        Marker::Ext32 => Some(ExtLen::Prefix(4)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "msgpack_tests.rs"]
mod tests;
